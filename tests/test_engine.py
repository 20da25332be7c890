"""The engine wrapper: versioned state, spec cache, multi-instance, gateway, timers, errors."""

import json
from pathlib import Path

import pytest

from stratflow.engine import STATE_SCHEMA, EngineError, TaskNotReady, Workflow

STATES = Path(__file__).parent / "data" / "states"
# What services/instances.start_data() gives every instance (a municipality that must plan).
MUNICIPALITY = {"id": 1, "name": "Deneme Belediyesi", "province": "Balıkesir", "type": "ilce", "population": 90000,
                "election_date": "2024-03-31", "mazbata_date": "2024-04-05"}


def _compiled(definition):
    return f"test:{definition.content_hash}", definition.spec_json


def _start(definition, units=3):
    key, spec = _compiled(definition)
    return Workflow.start(key, spec, {"municipality": MUNICIPALITY,
                                      "units": [{"id": i, "name": f"Birim {i}"} for i in range(1, units + 1)]})


def _finish(wf, bpmn_id, data):
    task = next(t for t in wf.ready_human_tasks() if t.bpmn_id == bpmn_id)
    wf.complete(task.id, data)


def test_state_envelope_has_our_schema_version(definition):
    envelope = json.loads(_start(definition).dump())
    assert envelope["schema"] == STATE_SCHEMA
    assert "spec" not in envelope["workflow"]  # specs are stored once per version, not per instance


def test_round_trip_keeps_tasks_and_data(definition):
    key, spec = _compiled(definition)
    wf = _start(definition)
    _finish(wf, "circular_draft", {"nomination_deadline": "2024-05-01", "coordinating_unit": "X"})
    again = Workflow.load(key, spec, wf.dump())
    assert [t.id for t in again.ready_human_tasks()] == [t.id for t in wf.ready_human_tasks()]
    assert again.data == wf.data


def test_returned_circular_loops_back_then_one_task_per_unit(definition):
    wf = _start(definition, units=4)
    _finish(wf, "circular_draft", {"nomination_deadline": "2024-05-01", "coordinating_unit": "X"})
    _finish(wf, "circular_approval", {"circular_decision": "return", "circular_comment": "Takvim eksik"})
    assert [t.bpmn_id for t in wf.ready_human_tasks()] == ["circular_draft"]
    _finish(wf, "circular_draft", {"nomination_deadline": "2099-05-02", "coordinating_unit": "X"})
    _finish(wf, "circular_approval", {"circular_decision": "approve"})
    ready = [t for t in wf.ready_human_tasks() if t.bpmn_id != "board_composition"]  # the board forms meanwhile
    assert [t.bpmn_id for t in ready] == ["team_nomination"] * 4
    assert sorted(t.data["unit"]["id"] for t in ready) == [1, 2, 3, 4]
    assert ready[0].lane == "Harcama Birimleri"


def test_completing_a_task_twice_is_refused(definition):
    wf = _start(definition)
    task = wf.ready_human_tasks()[0]
    wf.complete(task.id, {"nomination_deadline": "2024-05-01", "coordinating_unit": "X"})
    with pytest.raises(TaskNotReady):
        wf.complete(task.id, {})
    with pytest.raises(TaskNotReady):
        wf.complete("not-a-uuid", {})


def test_unknown_state_schema_is_refused(definition):
    key, spec = _compiled(definition)
    envelope = json.loads(_start(definition).dump())
    envelope["schema"] = 999
    with pytest.raises(EngineError):
        Workflow.load(key, spec, json.dumps(envelope))


@pytest.mark.parametrize("path", sorted(STATES.glob("*.json")), ids=lambda p: p.name)
def test_stored_states_of_earlier_releases_still_load(path):
    stored = json.loads(path.read_text())
    wf = Workflow.load(f"stored:{path.name}", stored["spec_json"], stored["state"])
    ready = wf.ready_human_tasks()
    assert ready, "a stored state waiting for people must still show its tasks"
    task = ready[0]
    wf.complete(task.id, {"nomination": {"no_nominee": True, "no_nominee_reason": "Yok."}})
    assert any(t.bpmn_id == "team_list" for t in wf.ready_human_tasks())


def test_stored_states_exist():
    assert list(STATES.glob("*.json")), "keep at least one stored state of the last release"
