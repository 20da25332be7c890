"""The plan's cards in the process, end to end with the demo through the API: completing the
strategy draft seeds the cards (planContent="seed"), each unit edits its own cards from its
target-review task, and the board's adoption of the draft (draft_review approve,
planContent="freeze") freezes a version of all cards, through the transition's finish steps."""

from __future__ import annotations

from stratflow.extensions import db
from stratflow.models import AuditEvent, PlanTarget, PlanVersion, ProcessInstance
from stratflow.services import plan_content, plan_rules

from .conftest import signed_in
from .plan_helpers import indicator
from .test_api import api, check  # noqa: F401 - `api` is a fixture
from .test_strategic_plan import TEAM_MEMBER, _open, add_person, demo_days, steps, walk_through_the_api


def _until(path, bpmn_id):
    return [s[0] for s in path].index(bpmn_id)


def test_seeded_from_the_draft_edited_by_the_unit_frozen_when_the_board_adopts(api, demo, app, client):  # noqa: F811
    add_person(demo, TEAM_MEMBER, "Deniz Acar", "team_member")
    path = steps(demo_days)
    review = _until(path, "target_review")
    instance_id, _clients = walk_through_the_api(api, app, path[:review])
    instance = db.session.get(ProcessInstance, instance_id)
    year = demo.election_date.year
    assert instance.plan_first_year == year + 1 and plan_rules.plan_years(instance)[-1] == year + 5
    [target] = db.session.execute(db.select(PlanTarget)).scalars().all()
    assert (target.code, target.goal.code, target.responsible_unit.name) == ("H1.1", "A1", "Fen İşleri Müdürlüğü")
    assert [(i.code, int(i.weight), int(i.baseline), int(i.value_1), i.value_2) for i in target.indicators] == [
        ("PG1.1.1", 100, 40, 45, None)]
    assert target.risks == [{"risk": "Ödenek yetersizliği", "likelihood": None, "impact": None,
                             "control": "Öncelik sıralaması"}]
    seeded = db.session.execute(db.select(AuditEvent).filter_by(action="plan.seeded")).scalar_one()
    assert seeded.details["targets"] == 1 and seeded.details["indicators"] == 1

    # the Fen İşleri manager finds the card on the target-review task page and fills it
    [fen_task] = [r for r in _open("target_review") if r.unit.code == "fen"]
    page = signed_in(client, "fen@camlitepe.bel.tr").get(f"/tasks/{fen_task.id}").get_data(as_text=True)
    assert 'data-test="own-card"' in page and "H1.1" in page
    [mali_task] = [r for r in _open("target_review") if r.unit.code == "mali"]
    assert 'data-test="own-card"' not in signed_in(app.test_client(), "mali@camlitepe.bel.tr").get(
        f"/tasks/{mali_task.id}").get_data(as_text=True)
    years = [str(y) for y in plan_rules.plan_years(instance)]
    values = dict(zip(years, (45, 50, 60, 70, 80), strict=True))
    fen = api("fen@camlitepe.bel.tr")
    body = {"indicators": [indicator("PG1.1.1", 60, values=values), indicator("PG1.1.2", 40, values=values)],
            "risks": [{"risk": "Ödenek yetersizliği", "likelihood": 3, "impact": 4, "control": "Öncelik sıralaması"}]}
    check(fen.patch(f"/instances/{instance_id}/plan/targets/H1.1", body), "patch",
          "/instances/{instance_id}/plan/targets/{code}", 200)

    # … on to the board's adoption of the draft
    walk_through_the_api(api, app, path[review:_until(path, "draft_review") + 1])
    [version] = db.session.execute(db.select(PlanVersion)).scalars().all()
    assert (version.number, version.step) == (1, "draft_review")
    [card] = version.snapshot["targets"]
    assert [i["weight"] for i in card["indicators"]] == [60, 40]
    db.session.expire_all()
    assert version.snapshot == plan_content.snapshot(db.session.get(ProcessInstance, instance_id))
    sgm = api("sgm@camlitepe.bel.tr")
    listed = check(sgm.get(f"/instances/{instance_id}/plan/versions"), "get",
                   "/instances/{instance_id}/plan/versions", 200)
    assert [v["number"] for v in listed["versions"]] == [1]
