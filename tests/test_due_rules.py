"""Due-date rules: the language (parse, evaluate, errors), the lint of a bad rule, and due dates
given by the shipped model's rules when a task becomes ready and when an anchor moves."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from stratflow.calendar import add_months, add_working_days, legal_deadline, target_council_meeting
from stratflow.calendar.rules import ANCHORS, Offset, RuleError, evaluate, parse
from stratflow.calendar.timeline import previous_working_day
from stratflow.extensions import db
from stratflow.models import AuditEvent, ProcessInstance, TaskRecord
from stratflow.services import calendars, tasks
from stratflow.services.deadline_warnings import instance_warnings
from stratflow.services.versions import read_workflow as load
from tests.helpers import complete

from .conftest import signed_in
from .test_definitions import DATA
from .test_strategic_plan import BPMN, NOMINATION, _open, _user, demo_days, fire_timers_on, steps

# -- the language -------------------------------------------------------------------------------


def test_parse_anchor_and_offsets():
    rule = parse("circular_date + 2 months - 10 workdays")
    assert rule.anchor == "circular_date"
    assert rule.offsets == (Offset(2, "months"), Offset(-10, "workdays"))
    assert parse("legal_deadline").offsets == ()
    assert str(parse("target_council_meeting-15 day")) == "target_council_meeting - 15 days"


@pytest.mark.parametrize("text, code, position, expected", [
    ("", "empty", 1, "anchor"),
    ("next_week + 3 days", "unknown_anchor", 1, "anchor"),
    ("legal_deadline +", "expected", 17, "number"),
    ("legal_deadline + 3", "expected", 19, "unit"),
    ("legal_deadline + 3 weeks", "expected", 20, "unit"),
    ("legal_deadline 3 days", "expected", 16, "sign"),
    ("legal_deadline * 3 days", "expected", 16, "sign"),
    ("__import__('os')", "unknown_anchor", 1, "anchor"),
    ("legal_deadline + x days", "expected", 18, "number"),
    ("legal_deadline + 99999 days", "too_large", 18, None),
])
def test_bad_rules_say_where_and_what_was_expected(text, code, position, expected):
    with pytest.raises(RuleError) as caught:
        parse(text)
    assert (caught.value.code, caught.value.position, caught.value.expected) == (code, position, expected)
    assert f"{position}. karakterde" in caught.value.describe("tr") or code == "empty"


def test_unknown_anchor_lists_the_known_ones():
    with pytest.raises(RuleError) as caught:
        parse("mazbata + 15 days")
    assert "“mazbata”" in caught.value.describe("tr")
    assert all(a in caught.value.describe("en") for a in ANCHORS)


def test_evaluate_calendar_days_months_and_missing_anchor():
    anchors = {"mazbata_date": date(2024, 4, 5), "election_date": date(2024, 3, 31), "circular_date": None}
    assert evaluate("mazbata_date + 15 days", anchors) == date(2024, 4, 20)
    assert evaluate("election_date + 6 months", anchors) == date(2024, 9, 30)  # clamped to the month's end
    assert evaluate("election_date + 6 months - 1 months", anchors) == date(2024, 8, 30)
    assert evaluate("circular_date + 10 workdays", anchors) is None


def test_workdays_across_kurban_bayrami_2024():
    # Kurban Bayramı 2024: eve 15 June (Saturday), holidays 16–19 June. Friday 14 June + 1 working day
    # skips the weekend and the four holiday days: Thursday 20 June.
    anchors = {"circular_date": date(2024, 6, 14)}
    assert evaluate("circular_date + 1 workdays", anchors) == date(2024, 6, 20)
    assert evaluate("circular_date + 2 workdays", anchors) == date(2024, 6, 21)
    assert evaluate("circular_date + 1 workdays", {"circular_date": date(2024, 6, 20)}) == date(2024, 6, 21)
    assert evaluate("circular_date - 1 workdays", {"circular_date": date(2024, 6, 20)}) == date(2024, 6, 14)


def test_workdays_across_kurban_bayrami_eve_and_leave_day():
    # Kurban Bayramı 2025: eve Thursday 5 June (half day: a working day), holidays 6–9 June.
    anchors = {"nomination_deadline": date(2025, 6, 4)}
    assert evaluate("nomination_deadline + 1 workdays", anchors) == date(2025, 6, 5)  # the eve counts
    assert evaluate("nomination_deadline + 2 workdays", anchors) == date(2025, 6, 10)
    # An administrative-leave day on the eve is skipped.
    assert evaluate("nomination_deadline + 1 workdays", anchors, leave_days=[date(2025, 6, 5)]) == date(2025, 6, 10)


# -- the model and the lint ---------------------------------------------------------------------

def test_every_user_task_of_the_model_has_a_valid_rule():
    text = BPMN.read_text(encoding="utf-8")
    tasks_ = re.findall(r"<bpmn:userTask id=\"([^\"]+)\"", text)
    rules_ = re.findall(r'name="dueDateRule" value="([^"]+)"', text)
    assert len(tasks_) == len(rules_) > 30
    for rule in rules_:
        parse(rule)


@pytest.mark.parametrize("bad, fragment", [
    ("next_week + 3 days", "bilinmeyen dayanak tarihi “next_week”"),
    ("legal_deadline + 3 weeks", "days, workdays ya da months bekleniyordu"),
])
def test_definitions_check_reports_a_bad_rule_with_element_and_line(app, tmp_path, bad, fragment):
    source = (DATA / "minimal.bpmn").read_text(encoding="utf-8")
    assert "<bpmn:userTask" in source
    for form in DATA.glob("minimal*.json"):
        (tmp_path / form.name).write_bytes(form.read_bytes())
    path = tmp_path / "bad_rule.bpmn"
    path.write_text(_with_rule(source, bad), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["stratflow", "definitions", "check", str(path)])
    assert result.exit_code == 1, result.output
    lines = _with_rule(source, bad).splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "dueDateRule" in text)
    assert re.search(rf"HATA: \[satır {line}, öğe \w+\].*son tarih kuralı", result.output), result.output
    assert fragment in result.output
    good = tmp_path / "good_rule.bpmn"
    good.write_text(_with_rule(source, "legal_deadline - 5 workdays"), encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["stratflow", "definitions", "check", str(good)]).exit_code == 0


def _with_rule(source: str, rule: str) -> str:
    """The first user task of the file gets a dueDateRule property."""
    prop = f'<spiffworkflow:property name="dueDateRule" value="{rule}"/>'
    at = source.index("<spiffworkflow:properties>", source.index("<bpmn:userTask"))
    at = source.index(">", at) + 1
    return source[:at] + "\n" + prop + source[at:]


# -- due dates at run time ----------------------------------------------------------------------

def _instance() -> ProcessInstance:
    return db.session.execute(db.select(ProcessInstance)).scalar_one()


def _target(town) -> date:
    return target_council_meeting(town.election_date, town.type, 1).date or legal_deadline(town.election_date)


def _to_analysis(app, town) -> None:
    """From the demo's state (nominations) to the situation analysis, through the services."""
    data = dict(steps(demo_days))
    for record in _open("team_nomination"):
        tasks.complete(record.id, _user(f"{record.unit.code}@camlitepe.bel.tr"), NOMINATION)
    coordinator = _user("sgm@camlitepe.bel.tr")
    [team] = _open("team_list")
    tasks.complete(team.id, coordinator, data["team_list"])
    fire_timers_on(app, data["team_list"]["kickoff_date"])
    [program] = _open("program_draft")
    tasks.complete(program.id, coordinator, data["program_draft"])
    [approval] = _open("program_approval")
    tasks.complete(approval.id, _user("baskan@camlitepe.bel.tr"), data["program_approval"])
    db.session.commit()


def test_tasks_get_the_due_date_of_their_rule_when_ready(demo, app):
    instance = _instance()
    [done] = db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="circular_draft")).scalars().all()
    # mazbata + 10 days, moved back to a working day (the timeline never ends on a non-working day)
    assert done.due_date == previous_working_day(demo.mazbata_date + timedelta(days=10))
    # circular_date: the day (Turkish time) the mayor approved the circular.
    approval = db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="circular_approval")).scalar_one()
    [board] = db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="board_composition")).scalars().all()
    assert board.due_date == add_working_days((approval.completed_at + timedelta(hours=3)).date(), 10)
    nominations = _open("team_nomination")
    deadline = date.fromisoformat(steps_nomination_deadline(instance))
    assert nominations and all(t.due_date == previous_working_day(deadline) for t in nominations)
    _to_analysis(app, demo)
    target = _target(demo)
    for step in ("plan_evaluation", "policy_analysis", "stakeholder_analysis", "environment_analysis"):
        [record] = _open(step)
        assert record.due_date == sixty_workdays_before(target), step
    # The units' date from the program, unless the findings that follow them are due earlier.
    analysis_deadline = date.fromisoformat(demo_days("2024-06-14"))
    assert {t.due_date for t in _open("unit_analysis")} == {units_due(analysis_deadline, target)}


def sixty_workdays_before(meeting: date) -> date:
    """The analyses' rule in the shipped model: target_council_meeting - 60 workdays."""
    return evaluate("target_council_meeting - 60 workdays", {"target_council_meeting": meeting})


def units_due(analysis_deadline: date, meeting: date) -> date:
    """unit_analysis: its rule (the program's analysis deadline), bounded by the findings step after
    it (target_council_meeting - 55 workdays), on a working day."""
    findings = evaluate("target_council_meeting - 55 workdays", {"target_council_meeting": meeting})
    return previous_working_day(min(analysis_deadline, findings))


def steps_nomination_deadline(instance) -> str:
    return next(t for t in load(instance).ready_human_tasks()
                if t.bpmn_id == "team_nomination").data["nomination_deadline"]


def test_a_moved_anchor_moves_open_tasks_only(demo, app):
    _to_analysis(app, demo)
    completed = {t.id: t.due_date for t in db.session.execute(
        db.select(TaskRecord).filter_by(state="completed")).scalars()}
    units_before = {t.id: t.due_date for t in _open("unit_analysis")}
    [evaluation] = _open("plan_evaluation")
    # The election date is corrected on the municipality's record (four weeks earlier):
    # the legal deadline and the target meeting move with it.
    demo.election_date -= timedelta(days=28)
    db.session.commit()
    new_target = sixty_workdays_before(_target(demo))
    assert new_target != evaluation.due_date
    complete(evaluation, dict(steps(demo_days))["plan_evaluation"])
    db.session.commit()
    db.session.expire_all()
    for step in ("policy_analysis", "stakeholder_analysis", "environment_analysis"):
        [record] = _open(step)
        assert record.due_date == new_target, step
    assert db.session.get(TaskRecord, evaluation.id).due_date != new_target  # completed: not moved
    analysis_deadline = date.fromisoformat(demo_days("2024-06-14"))  # its own anchor did not move …
    assert {t.due_date for t in _open("unit_analysis")} == {units_due(analysis_deadline, _target(demo))}
    assert set(units_before) == {t.id for t in _open("unit_analysis")}  # … the findings after them did
    for task_id, due in completed.items():
        assert db.session.get(TaskRecord, task_id).due_date == due
    moves = db.session.execute(db.select(AuditEvent).filter_by(action="task.due_changed")).scalars().all()
    assert sorted({m.details["step"] for m in moves}) == ["environment_analysis", "policy_analysis",
                                                         "stakeholder_analysis", "unit_analysis"]
    assert all(m.details["new"] == new_target.isoformat() for m in moves if m.details["step"] != "unit_analysis")



# -- warnings on the instance page --------------------------------------------------------------

def test_no_warnings_for_a_plan_on_time(demo, client):
    instance = _instance()
    # An election whose deadline falls on the 20th of a month (after that month's meeting, not the
    # recess) well after the nominations the demo asked for.
    nominations = date.fromisoformat(steps_nomination_deadline(instance))
    election = add_months(nominations, -2).replace(day=20)
    if add_months(election, 6).month == 8:
        election = add_months(election, 1)
    demo.election_date, demo.mazbata_date = election, election + timedelta(days=5)
    db.session.commit()
    page = signed_in(client, "sgm@camlitepe.bel.tr").get(f"/instances/{instance.id}")
    assert page.status_code == 200
    assert 'data-test="deadline-warnings"' not in page.get_data(as_text=True)


def test_warnings_for_an_election_late_in_the_year(demo, client):
    # Election on 2 August 2025: the deadline is Monday 2 February 2026, the February council meets
    # on Tuesday 3 February, too late; the target is the January meeting. The nominations the demo
    # asked for lie after the deadline.
    demo.election_date, demo.mazbata_date = date(2025, 8, 2), date(2025, 8, 7)
    db.session.commit()
    instance = _instance()
    html = signed_in(client, "sgm@camlitepe.bel.tr").get(f"/instances/{instance.id}").get_data(as_text=True)
    block = html.split('data-test="deadline-warnings"')[1].split("</ul>")[0]
    assert "Şubat 2026 olağan toplantısı (3 Şubat 2026 Salı) yasal süre sonundan (2 Şubat 2026 Pazartesi) sonra" \
        in block
    assert "6 Ocak 2026 Salı" in block and "olağanüstü toplantı" in block
    assert "“Stratejik Planlama Ekibine üye bildir” adımının son tarihi" in block


def test_plan_submitted_late_is_flagged_not_blocked(demo, app):
    instance = _instance()
    deadline = legal_deadline(demo.election_date)
    sched = calendars.of(instance.municipality).schedule
    after, before = (deadline + timedelta(days=9)).isoformat(), (deadline - timedelta(days=20)).isoformat()
    with app.test_request_context():
        late = instance_warnings([], {"submission_date": after, "council_meeting_date": after}, sched)
        # Submitted in time, referred to the commission, adopted after the deadline: compliant.
        referred = instance_warnings([], {"submission_date": before, "council_outcome": "adopted",
                                          "council_decision_date": after, "council_meeting_date": before}, sched)
        meeting_late = instance_warnings([], {"council_meeting_date":
                                              (deadline + timedelta(days=2)).isoformat()}, sched)
    assert len(late) == 1 and "geç sunuş kayda geçer" in late[0]
    assert referred == []
    assert len(meeting_late) == 1 and "Girilen meclis toplantısı" in meeting_late[0]
