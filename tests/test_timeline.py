"""A default timeline that holds together (issue 13.5): the order of the steps from the model's
graph, due dates scheduled backwards from the target meeting on working days, and the rules of
the shipped model free of inversions for the 2019, 2024 and 2029 cycles — every municipality type
and meeting weekday — and for any election date once scheduled."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from stratflow import engine
from stratflow.calendar import is_working_day, rules, timeline
from stratflow.calendar.council import MUNICIPALITY_TYPES

from .conftest import ROOT

WORKFLOWS = ROOT / "workflows"
BPMN = WORKFLOWS / "strategic_plan.bpmn"


# -- the pure functions ------------------------------------------------------------------------

def test_forward_steps_leave_out_the_loops_back_and_pass_through_gateways():
    edges = [("start", "a"), ("a", "gw"), ("gw", "b"), ("gw", "c"), ("b", "merge"), ("c", "merge"),
             ("merge", "d"), ("d", "check"), ("check", "gw"),  # "send it back": a loop to gw
             ("check", "e")]
    found = timeline.forward_steps(edges, ["start"], {"a", "b", "c", "d", "e"})
    assert found == {"a": {"b", "c"}, "b": {"d"}, "c": {"d"}, "d": {"e"}, "e": frozenset()}


def test_schedule_clamps_backwards_onto_working_days():
    successors = {"draft": frozenset({"approve"}), "approve": frozenset({"meeting"}), "meeting": frozenset(),
                  "undated": frozenset({"meeting"})}
    own = {"draft": date(2024, 9, 10), "approve": date(2024, 8, 31), "meeting": date(2024, 9, 3), "undated": None}
    due = timeline.schedule(successors, own)
    # 31 August 2024 (Zafer Bayramı, a Saturday) → Friday 30 August is also the holiday → 29 August.
    assert due == {"meeting": date(2024, 9, 3), "approve": date(2024, 8, 29), "draft": date(2024, 8, 29),
                   "undated": None}
    assert timeline.inversions(successors, own) == [
        timeline.Inversion("draft", "approve", date(2024, 9, 10), date(2024, 8, 31))]
    leave = {date(2024, 8, 29)}
    assert timeline.schedule(successors, own, leave)["draft"] == date(2024, 8, 28)


# -- the shipped model --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def model(app):
    forms = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in WORKFLOWS.glob("*.json")}
    with app.app_context():
        compiled = engine.compile_definition(BPMN.read_bytes(), BPMN.name, forms, 2_000_000)
    edges, steps = engine.step_flows("test-timeline", compiled.spec_json)
    facts = engine.task_facts("test-timeline", compiled.spec_json)
    own_rules = {k: rules.parse(f["properties"]["dueDateRule"]) for k, f in facts.items()
                 if f["properties"].get("dueDateRule")}
    return timeline.forward_steps(edges, ["Start"], steps), own_rules


def test_the_graph_knows_the_process_order(model):
    successors, own_rules = model
    assert set(own_rules) == set(successors)  # every step has a rule
    assert successors["plan_approval"] == {"encumen_opinion"}
    assert successors["council_schedule"] >= {"extraordinary_call", "council_decision"}
    assert "plan_draft" not in successors["council_decision"]  # the council's rejection loops back
    assert successors["council_decision"] >= {"decision_review", "commission_report", "governor_submission"}
    assert successors["team_nomination"] == {"team_list"}


def _dates(own_rules, anchors, leave=()):
    return {step: rules.evaluate(rule, anchors, leave) for step, rule in own_rules.items()}


@pytest.mark.parametrize("election", timeline.REFERENCE_ELECTIONS, ids=str)
@pytest.mark.parametrize("kind", MUNICIPALITY_TYPES)
def test_the_rules_alone_hold_together_for_the_reference_cycles(model, election, kind):
    successors, own_rules = model
    for weekday in range(5):
        anchors = timeline.reference_anchors(election, kind, weekday)
        own = _dates(own_rules, anchors)
        assert timeline.inversions(successors, own) == [], (kind, weekday)
        assert all(own[s] <= anchors["target_council_meeting"] for s in ("plan_approval", "encumen_opinion",
                                                                          "council_schedule"))


def _elections():
    day = date(2019, 1, 6)
    while day < date(2030, 12, 31):
        yield day
        day += timedelta(days=17)


def test_the_scheduled_timeline_holds_for_any_election_date(model):
    successors, own_rules = model
    checked = 0
    for election in _elections():
        for kind in ("buyuksehir", "ilce"):
            anchors = timeline.reference_anchors(election, kind, 1)
            due = timeline.schedule(successors, _dates(own_rules, anchors))
            for step, after in successors.items():
                for nxt in after:
                    assert due[step] <= due[nxt], (election, kind, step, nxt)
            assert all(is_working_day(d) for d in due.values()), (election, kind)
            checked += 1
    assert checked > 500


def test_definitions_check_reports_an_inverted_pair_with_element_ids(app, tmp_path):
    source = BPMN.read_text(encoding="utf-8")
    rule = 'name="dueDateRule" value="target_council_meeting - 5 workdays"'
    assert source.count(rule) == 1  # the council schedule's
    (tmp_path / "strategic_plan.bpmn").write_text(
        source.replace(rule, 'name="dueDateRule" value="target_council_meeting - 15 days"'), encoding="utf-8")
    for form in WORKFLOWS.glob("*.json"):
        (tmp_path / form.name).write_bytes(form.read_bytes())
    result = app.test_cli_runner().invoke(args=["stratflow", "definitions", "check",
                                                str(tmp_path / "strategic_plan.bpmn")])
    assert result.exit_code == 0, result.output  # a warning: the model still runs
    found = [line for line in result.output.splitlines() if "süreç sırasıyla çelişiyor" in line]
    assert found and all(re.search(r"UYARI: \[satır \d+, öğe encumen_opinion\]", line) for line in found), \
        result.output
    assert "(council_schedule, kural target_council_meeting - 15 days)" in found[0]
    clean = app.test_cli_runner().invoke(args=["stratflow", "definitions", "check", str(BPMN)])
    assert clean.exit_code == 0 and "çelişiyor" not in clean.output, clean.output
