"""The six-monthly monitoring process (issue 15): the model runs through the engine (every unit
enters its actuals, the strategy unit reports, the mayor approves or sends it back) and the
realisation per target is the guide's weighted rate, checked against hand-computed values."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine

from stratflow import engine
from stratflow.services import forms
from stratflow.services.realisation import indicator_rate, target_rate

from .conftest import ROOT

WORKFLOWS = ROOT / "workflows"
BPMN = WORKFLOWS / "plan_monitoring.bpmn"
FORMS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in WORKFLOWS.glob("*.json")}


def _rows(*codes):
    return {"period": "2025 Ocak–Haziran",
            "rows": [{"indicator_code": c, "indicator": f"Gösterge {c}", "planned": 50} for c in codes]}


START = {
    "municipality": {"id": 1, "name": "Deneme Belediyesi"},
    "period_end": "2025-06-30", "period": "2025-H1",
    "monitoring_units": [{"id": 1, "name": "Fen İşleri Müdürlüğü", "start_values": _rows("PG1.1.1", "PG1.1.2")},
                         {"id": 2, "name": "Mali Hizmetler Müdürlüğü", "start_values": _rows("PG2.1.1")}],
}


@pytest.fixture(scope="module")
def spec(app):
    with app.app_context():
        report = engine.check(BPMN.read_bytes(), BPMN.name, FORMS, 2_000_000)
        assert [f.as_text() for f in report.findings if f.level in ("error", "warning")] == []
        compiled = engine.compile_definition(BPMN.read_bytes(), BPMN.name, FORMS, 2_000_000)
    return "test-plan-monitoring", compiled.spec_json


def _complete(wf, spec, bpmn_id, data):
    [task, *_rest] = [t for t in wf.ready_human_tasks() if t.bpmn_id == bpmn_id]
    assert forms.validate(FORMS[task.properties["formJsonSchemaFilename"]], data) == {}, bpmn_id
    variable = task.properties.get("formDataVariable")
    wf.complete(task.id, {variable: data} if variable else data)
    return engine.Workflow.load(spec[0], spec[1], wf.dump())


def test_the_monitoring_runs_through_the_engine(spec, ctx):
    with time_machine.travel(datetime(2025, 7, 1, 7, tzinfo=UTC), tick=False):
        wf = engine.Workflow.start(*spec, START)
        units = [t for t in wf.ready_human_tasks() if t.bpmn_id == "unit_actuals"]
        assert len(units) == 2 and {t.properties["formStartVariable"] for t in units} == {"unit.start_values"}
        assert {t.data["unit"]["name"] for t in units} == {"Fen İşleri Müdürlüğü", "Mali Hizmetler Müdürlüğü"}
        assert all(t.lane == "Harcama Birimleri" for t in units)
        for task in units:
            rows = [dict(r, actual=30, note="Ödenek gecikti") for r in task.data["unit"]["start_values"]["rows"]]
            wf.complete(task.id, {"actuals": {"rows": rows}})
            wf = engine.Workflow.load(spec[0], spec[1], wf.dump())
        assert [t.bpmn_id for t in wf.ready_human_tasks()] == ["monitoring_report"]
        wf = _complete(wf, spec, "monitoring_report", {"assessment": "Hedeflerin yarısı yolunda."})
        approval = FORMS["monitoring_approval.schema.json"]
        assert set(forms.validate(approval, {"approval_decision": "return"})) == {"approval_notes"}
        wf = _complete(wf, spec, "monitoring_approval", {"approval_decision": "return", "approval_notes": "Eksik."})
        assert [t.bpmn_id for t in wf.ready_human_tasks()] == ["monitoring_report"]  # back to the strategy unit
        wf = _complete(wf, spec, "monitoring_report", {"assessment": "Düzeltildi."})
        wf = _complete(wf, spec, "monitoring_approval", {"approval_decision": "approve"})
    assert wf.is_completed()
    answered = wf.data["unit_actuals"]
    assert sorted(a["unit"]["name"] for a in answered) == ["Fen İşleri Müdürlüğü", "Mali Hizmetler Müdürlüğü"]
    assert sum(len(a["rows"]) for a in answered) == 3


def test_an_actual_value_is_required_for_every_indicator(ctx):
    schema = FORMS["monitoring_actuals.schema.json"]
    errors = forms.validate(schema, {"rows": [{"indicator_code": "PG1.1.1"}]})
    assert errors == {"rows-0-actual": "Gerçekleşen değeri girin."}
    assert "rows" in forms.validate(schema, {"rows": []})


@pytest.mark.parametrize("baseline, planned, actual, direction, rate", [
    (40, 80, 60, "increase", 50.0),     # half of the way from 40 to 80
    (40, 80, 90, "increase", 125.0),    # overshoot shown on the indicator
    (40, 20, 30, "decrease", 50.0),     # a figure meant to fall: 40 → 30 of 40 → 20
    (10, 10, 10, "increase", 100.0),    # hold the line
    (10, 10, 9, "increase", 0.0),
    (None, 100, 25, "increase", 25.0),  # no baseline: from zero
    (40, 80, None, "increase", None),
])
def test_indicator_rate(baseline, planned, actual, direction, rate):
    assert indicator_rate(baseline, planned, actual, direction) == rate


def test_target_rate_is_weighted_and_capped():
    result = target_rate("H1.1", [
        {"code": "PG1.1.1", "weight": 60, "baseline": 40, "planned": 80, "actual": 60},    # 50 %
        {"code": "PG1.1.2", "weight": 40, "baseline": 0, "planned": 10, "actual": 15},     # 150 % → 100
    ])
    assert result.rate == 0.6 * 50 + 0.4 * 100 == 70.0 and result.known_share == 100
    partial = target_rate("H1.2", [{"code": "a", "weight": 70, "baseline": 0, "planned": 10, "actual": 5},
                                   {"code": "b", "weight": 30, "baseline": 0, "planned": 10, "actual": None}])
    assert partial.rate is None and partial.known_share == 70
