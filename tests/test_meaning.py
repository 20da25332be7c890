"""What the model means to the application, declared as BPMN extension properties (engine/meaning.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from stratflow.engine import check
from stratflow.engine.meaning import Meaning, read
from stratflow.extensions import db
from stratflow.services import versions

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / "workflows"


def _forms() -> dict:
    return {p.name: p.read_bytes() for p in WORKFLOWS.glob("*.json")}


def test_the_shipped_model_declares_its_phases_timetable_documents_and_countdown(definition):
    m = versions.info(definition).meaning
    assert [(p.order, p.key, p.milestone) for p in m.phases] == [
        (1, "circular", "circular_approval"), (2, "organisation", "team_list"), (3, "program", "program_approval"),
        (4, "analysis", "analysis_adoption"), (5, "future", "future_adoption"), (6, "strategy", "monitoring_design"),
        (7, "approval", "plan_approval"), (8, "council", "council_decision"), (9, "publication", "plan_publication")]
    organisation = m.phases[1]
    assert {"board_composition", "board_composition_metro"} in [set(s) for s in organisation.steps]  # one step
    assert organisation.optional == ("nomination_escalation",)
    assert [step for _label, step in m.timetable][:3] == ["circular_approval", "board_approval", "team_nomination"]
    assert len(m.timetable) == 13
    assert m.documents_on["program_approval"] == ("team_list", "program")
    assert [s for s, _label in m.unit_steps] == ["team_nomination", "unit_analysis", "target_review"]
    assert m.countdown_stops == {"council_schedule"}  # compliance is judged on submission (5393 art. 41)
    assert m.completion_anchors == {"circular_approval": ("circular_date", ("circular_decision", "approve")),
                                    "plan_approval": ("plan_approval_date", ("plan_decision", "approve"))}
    publication = m.phases[8]
    assert publication.optional == ("plan_amendment",)
    assert m.documents_on["decision_review"] == ("council_decision",)


def test_a_model_without_the_properties_means_nothing_special():
    assert read({"a": {"properties": {}}, "b": {"properties": {"formJsonSchemaFilename": "x.json"}}}) == Meaning()


def test_bad_declarations_are_reported_with_the_element():
    text = (WORKFLOWS / "strategic_plan.bpmn").read_text(encoding="utf-8")
    text = text.replace('value="1:Genelge"', 'value="Genelge"', 1)
    text = text.replace('name="documents" value="circular"', 'name="documents" value="Circular!"', 1)
    text = text.replace('value="circular_date"', 'value="circular_day"', 1)
    report = check(text.encode(), "strategic_plan.bpmn", _forms())
    found = {(f.element_id, f.code) for f in report.errors}
    assert ("circular_approval", "meaning.invalid") in found and ("circular_draft", "meaning.invalid") in found
    messages = " ".join(f.text for f in report.errors if f.code == "meaning.invalid")
    assert "phaseMilestone 'Genelge'" in messages and "'Circular!'" in messages and "circular_day" in messages


def _migration():
    path = ROOT / "migrations" / "versions" / "0009_unit_of_work.py"
    spec = importlib.util.spec_from_file_location("migration_0009", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("migration_0009", module)
    spec.loader.exec_module(module)
    return module


def test_the_migration_declares_on_stored_versions_what_the_shipped_model_declares(ctx):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from process_meaning import MEANING
    finally:
        sys.path.remove(str(ROOT / "tools"))
    migration = _migration()
    # Its frozen copy is the model's of its day: the council steps changed since (issue 13: judged on
    # submission; the mayor's review, the amendment step and the cover letters came later): the new model
    # declares them.
    # declared on the model since, too (issue 14): the plan's cards seeded and frozen (planContent).
    changed = {"council_schedule", "council_decision", "plan_approval", "governor_submission", "plan_publication"}
    later = ("planContent", "planContentWhen")
    assert {k: v for k, v in migration.MEANING.items() if k not in changed} == {
        k: {p: x for p, x in v.items() if p not in later} for k, v in MEANING.items()
        if k in migration.MEANING and k not in changed}
    stored = json.loads(json.loads((ROOT / "tests/data/states/0.1.0-strategic_plan-nominations.json").read_text())
                        ["spec_json"])
    declared, changed = migration.declare(stored)
    assert changed and not migration.declare(declared)[1]  # once
    facts = {t["bpmn_id"]: {"properties": t.get("extensions", {}).get("properties", {})}
             for t in declared["spec"]["task_specs"].values() if t.get("bpmn_id")}
    # that release's model had the first steps only: the phases whose milestone it has
    assert [p.key for p in read(facts).phases] == ["circular", "organisation", "program"]
    assert read(facts).completion_anchors["circular_approval"][0] == "circular_date"
    db.session.rollback()
