"""The plan's cards as records (issue 14): every check refuses bad input with a field error in the
user's language and changes nothing; permissions; parallel edits by two units; audit."""

from __future__ import annotations

import pytest

from stratflow.extensions import db
from stratflow.models import AuditEvent, PlanIndicator, PlanTarget
from stratflow.services import Conflict, Forbidden, NotFound, ServiceError, plan_access, plan_content, plan_views

from . import factories
from .plan_helpers import card, indicator, manager_of, town_with_plan, values


def _state():
    rows = db.session.execute(db.select(PlanTarget.code, PlanTarget.revision, PlanTarget.title)
                              .order_by(PlanTarget.code)).all()
    indicators = db.session.execute(db.select(PlanIndicator.code, PlanIndicator.weight)
                                    .order_by(PlanIndicator.code)).all()
    return [tuple(r) for r in rows], [tuple(i) for i in indicators]


def _refused(user, instance, data, code=None) -> ServiceError:
    before = _state()
    with pytest.raises(ServiceError) as caught:
        plan_content.save_card(user, instance, data, code=code)
    db.session.rollback()
    assert _state() == before
    return caught.value


@pytest.fixture
def plan(ctx, definition):
    return town_with_plan()


def test_a_card_is_saved_with_indicators_activities_and_costs(plan):
    town, instance, units = plan
    [h11] = [t for g in plan_content.goals(instance) for t in g.targets if t.code == "H1.1"]
    shown = plan_content.card(h11, [2025, 2026, 2027, 2028, 2029])
    assert shown["responsible_unit"]["id"] == units[0].id and shown["weight_total"] == 100
    assert [i["code"] for i in shown["indicators"]] == ["PG1.1.1", "PG1.1.2"]
    assert shown["indicators"][0]["values"] == values(11, 12, 13, 14, 15)
    assert shown["activities"][0]["costs"]["2029"] == 500.5
    view = plan_views.plan_view(factories.person(town, "coordinator"), instance)
    assert view.costing["total"] == 2 * 3500.5 and [r.complete for r in view.rows] == [True, True]
    assert db.session.execute(db.select(db.func.count()).select_from(AuditEvent)
                              .where(AuditEvent.action == "plan.target_saved")).scalar() == 2


@pytest.mark.parametrize("weights, total", [((60, 30), "90"), ((60, 40.5), "100.5"), ((100, 1), "101")])
def test_weights_of_a_target_must_sum_to_exactly_100(plan, weights, total):
    town, instance, units = plan
    error = _refused(factories.person(town, "coordinator"), instance, card("H1.1", units[0].id, weights), "H1.1")
    assert error.code == "validation" and "H1.1" in error.message and total in error.message
    assert "100" in error.field_errors["indicators"]


@pytest.mark.parametrize("change, field", [
    ({"code": "H1"}, "code"),
    ({"code": "H3.1", "goal_code": "A3"}, "goal_code"),       # no such goal
    ({"code": "H2.2"}, "code"),                                # H2.x under A1
    ({"code": "H2.1", "goal_code": "A2"}, "code"),             # taken by another card
    ({"indicators": [indicator("PG1.2.1", 100)]}, "indicators-0-code"),   # under another target
    ({"indicators": [indicator("PG2.1.1", 100)]}, "indicators-0-code"),
    ({"indicators": [indicator("PG1.1.1", 50), indicator("PG1.1.1", 50)]}, "indicators-1-code"),
    ({"indicators": [indicator("1.1.1", 100)]}, "indicators-0-code"),
    ({"title": "  "}, "title"),
])
def test_codes_follow_the_pattern_their_parent_and_are_unique(plan, change, field):
    town, instance, units = plan
    error = _refused(factories.person(town, "coordinator"), instance, card("H1.1", units[0].id) | change, "H1.1")
    assert field in error.field_errors, error.field_errors


def test_the_responsible_unit_is_one_of_the_municipalitys_units(plan):
    town, instance, units = plan
    other, _i, other_units = town_with_plan("Başka Belediyesi", cards=False)
    coordinator = factories.person(town, "coordinator")
    for unit_id in (other_units[0].id, None, "x", 2**40):
        error = _refused(coordinator, instance, card("H1.1", unit_id), "H1.1")
        assert "responsible_unit_id" in error.field_errors
    error = _refused(coordinator, instance, card("H1.1", units[0].id, cooperating_unit_ids=[other_units[1].id]),
                     "H1.1")
    assert "cooperating_unit_ids" in error.field_errors


@pytest.mark.parametrize("values_, field", [
    ({"2025": 1, "2026": 2, "2027": 3, "2028": 4, "2030": 5}, "indicators-0-values"),
    ({"2024": 1}, "indicators-0-values"),
    ({"2025": "çok"}, "indicators-0-values-2025"),
    ({"2025": float("nan")}, "indicators-0-values-2025"),
    ({"2025": 1.123456}, "indicators-0-values-2025"),
    ([1, 2, 3, 4, 5], "indicators-0-values"),
])
def test_values_are_numbers_for_exactly_the_plan_years(plan, values_, field):
    town, instance, units = plan
    data = card("H1.1", units[0].id)
    data["indicators"][0]["values"] = values_
    error = _refused(factories.person(town, "coordinator"), instance, data, "H1.1")
    assert field in error.field_errors, error.field_errors


@pytest.mark.parametrize("row, field", [
    ({"weight": -5}, "indicators-0-weight"), ({"weight": "yüzde"}, "indicators-0-weight"),
    ({"weight": None}, "indicators-0-weight"), ({"weight": 10.555}, "indicators-0-weight"),
    ({"direction": "up"}, "indicators-0-direction"), ({"monitoring": "monthly"}, "indicators-0-monitoring"),
    ({"baseline": True}, "indicators-0-baseline"),
])
def test_indicator_numbers_and_choices(plan, row, field):
    town, instance, units = plan
    data = card("H1.1", units[0].id)
    data["indicators"][0].update(row)
    error = _refused(factories.person(town, "coordinator"), instance, data, "H1.1")
    assert field in error.field_errors, error.field_errors


def test_costs_and_risk_scores(plan):
    town, instance, units = plan
    coordinator = factories.person(town, "coordinator")
    data = card("H1.1", units[0].id)
    data["activities"][0]["costs"] = values(-1, 0, 0, 0, 0)
    data["risks"][0]["likelihood"] = 6
    data["risks"][0]["impact"] = 2.5
    error = _refused(coordinator, instance, data, "H1.1")
    assert {"activities-0-costs-2025", "risks-0-likelihood"} <= set(error.field_errors)
    assert error.field_errors["risks-0-impact"] == "Bir tam sayı girin."


def test_a_unit_manager_edits_only_the_cards_of_their_unit(plan):
    town, instance, units = plan
    fen = manager_of(units[0])
    saved = plan_content.save_card(fen, instance, {"title": "Yol ağının bakımı"}, code="H1.1")
    assert saved.title == "Yol ağının bakımı" and saved.revision == 2
    db.session.commit()
    with pytest.raises(Forbidden):
        plan_content.save_card(fen, instance, {"title": "Başkasının"}, code="H2.1")
    with pytest.raises(Forbidden):
        plan_content.save_card(fen, instance, card("H1.2", units[0].id))
    with pytest.raises(Forbidden):
        plan_content.save_goal(fen, instance, {"code": "A3", "title": "Yeni"})
    error = _refused(fen, instance, {"responsible_unit_id": units[2].id}, "H1.1")
    assert "responsible_unit_id" in error.field_errors  # a unit manager cannot hand the card away
    assert plan_access.may_read(fen, instance)


def test_a_team_member_edits_every_card(plan):
    town, instance, units = plan
    member = manager_of(units[2])
    member.roles[0].role = "team_member"
    db.session.flush()
    assert plan_content.save_card(member, instance, {"title": "Ekip değiştirdi"}, code="H2.1").revision == 2


def test_a_foreign_user_sees_nothing(plan):
    town, instance, units = plan
    other, _i, _u = town_with_plan("Başka Belediyesi", cards=False)
    stranger = factories.person(other, "coordinator")
    with pytest.raises(NotFound):
        plan_access.instance_for(stranger, instance.id)
    assert not plan_access.may_read(stranger, instance)


def test_two_units_edit_their_cards_from_the_same_start(plan):
    """Both start from revision 1 of their own card: both saves succeed; a stale revision of the
    same card is refused."""
    town, instance, units = plan
    fen, imar = manager_of(units[0]), manager_of(units[1])
    plan_content.save_card(fen, instance, {"title": "Fen'in hedefi"}, code="H1.1", revision=1)
    db.session.commit()
    plan_content.save_card(imar, instance, {"title": "İmar'ın hedefi"}, code="H2.1", revision=1)
    db.session.commit()
    assert _state()[0] == [("H1.1", 2, "Fen'in hedefi"), ("H2.1", 2, "İmar'ın hedefi")]
    with pytest.raises(Conflict):
        plan_content.save_card(fen, instance, {"title": "eski sürümden"}, code="H1.1", revision=1)


def test_completeness_and_filters(plan):
    town, instance, units = plan
    coordinator = factories.person(town, "coordinator")
    plan_content.save_card(coordinator, instance, {"activities": [], "risks": []}, code="H2.1")
    view = plan_views.plan_view(coordinator, instance, completeness="incomplete")
    assert [r.target.code for r in view.rows] == ["H2.1"] and "riskler" in view.rows[0].missing
    assert [r.target.code for r in plan_views.plan_view(coordinator, instance, goal="A1").rows] == ["H1.1"]
    assert [r.target.code for r in plan_views.plan_view(coordinator, instance, unit=units[1].id).rows] == ["H2.1"]
    assert len(plan_views.plan_view(coordinator, instance, goal="A9", unit=-1, completeness="x").rows) == 2
    assert {u.unit.id: u.percent for u in view.units} == {units[0].id: 100, units[1].id: 0}


def _race(app, instance_id, jobs):
    """Each (manager email, code, title, revision) saved at the same moment in its own thread,
    app context and transaction; a result per job."""
    import threading

    from stratflow.models import User
    barrier, results = threading.Barrier(len(jobs)), [None] * len(jobs)

    def work(i, email, code, title, revision):
        with app.app_context():
            actor = db.session.execute(db.select(User).filter_by(email=email)).scalar_one()
            instance = plan_access.instance_for(actor, instance_id)
            db.session.commit()
            barrier.wait()
            try:
                plan_content.save_card(actor, instance, {"title": title}, code=code, revision=revision)
                db.session.commit()
                results[i] = "ok"
            except Conflict:
                db.session.rollback()
                results[i] = "conflict"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i, *job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_units_saving_at_the_same_moment_both_land(app, plan):
    town, instance, units = plan
    fen, imar = manager_of(units[0]).email, manager_of(units[1]).email
    instance_id = instance.id
    db.session.commit()
    assert _race(app, instance_id, [(fen, "H1.1", "Fen", 1), (imar, "H2.1", "İmar", 1)]) == ["ok", "ok"]
    db.session.expire_all()
    assert _state()[0] == [("H1.1", 2, "Fen"), ("H2.1", 2, "İmar")]
    coordinator = factories.person(town, "coordinator").email
    db.session.commit()
    results = _race(app, instance_id, [(fen, "H1.1", "Fen yeniden", 2), (coordinator, "H1.1", "Koordinatör", 2)])
    assert sorted(results) == ["conflict", "ok"]  # one card, one revision: the second save is refused
    db.session.expire_all()
    assert _state()[0][0][1] == 3
