"""The only package that imports SpiffWorkflow.

- `check()` validates a BPMN file and its forms and returns a Report.
- `compile_definition()` turns a valid file into the stored, serialised spec.
- `Workflow` starts, loads, advances and dumps running instances.
"""

from dataclasses import dataclass

from .history import element_progress
from .lint import Finding, Report, check, form_problem
from .meaning import Meaning, PhaseDef
from .runtime import (
    SPEC_SCHEMA,
    STATE_SCHEMA,
    EngineError,
    HumanTask,
    TaskNotReady,
    Workflow,
    instructions,
    spec_to_json,
)
from .specinfo import meaning, step_flows, task_facts


@dataclass
class CompiledDefinition:
    process_id: str
    name: str
    spec_json: str
    lane_roles: dict
    form_refs: dict
    report: Report


class DefinitionInvalid(Exception):
    def __init__(self, report: Report):
        super().__init__(report.as_text())
        self.report = report


def compile_definition(data: bytes, filename: str, forms: dict, max_bytes: int) -> CompiledDefinition:
    report = check(data, filename, forms, max_bytes)
    if not report.ok:
        raise DefinitionInvalid(report)
    parser = report.parser
    spec = parser.get_spec(report.process_id)
    subs = parser.get_subprocess_specs(report.process_id)
    return CompiledDefinition(
        process_id=report.process_id,
        name=report.process_name,
        spec_json=spec_to_json(spec, subs),
        lane_roles=report.lane_roles,
        form_refs=report.form_refs,
        report=report,
    )


__all__ = [
    "SPEC_SCHEMA", "STATE_SCHEMA", "CompiledDefinition", "DefinitionInvalid", "EngineError",
    "Finding", "HumanTask", "Meaning", "PhaseDef", "Report", "TaskNotReady", "Workflow", "check", "compile_definition",
    "element_progress", "form_problem", "instructions", "meaning", "spec_to_json", "step_flows",
    "task_facts",
]
