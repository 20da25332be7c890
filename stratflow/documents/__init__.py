"""Official documents (DOCX, XLSX; PDF through stratflow.pdf) built from the process data.

- kinds.py: the document kinds, the steps that show them, the data they need;
- context.py, plan_context.py, council_context.py: render contexts from plain facts (no database);
- variables.py: the documented placeholders; samples.py: sample facts uploads are checked with;
- render.py: docxtpl rendering in Jinja's sandbox and the upload checks;
- spreadsheet.py: the team list as Excel; filenames.py: cleaning uploaded file names;
- templates/: the default .docx templates (built by tools/build_document_templates.py).
"""

from __future__ import annotations

from pathlib import Path

from . import context, council_context, plan_context
from .filenames import clean_filename
from .kinds import BY_KEY, KINDS, Kind
from .samples import sample_facts

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

BUILDERS = {
    "circular": context.circular,
    "board_approval": context.board_approval,
    "team_list": context.team_list,
    "program": context.program,
    "submission_letter": context.submission_letter,
    "plan_skeleton": plan_context.plan_skeleton,
    "council_decision": council_context.council_decision,
    "governor_letter": council_context.governor_letter,
    "authorities_letter": council_context.authorities_letter,
}
USES = context.USES


def build(kind: str, facts: dict) -> dict:
    return BUILDERS[kind](facts)


def sample_context(kind: str) -> dict:
    return build(kind, sample_facts())


def default_template(kind: str) -> bytes:
    return (TEMPLATE_DIR / f"{kind}.docx").read_bytes()


__all__ = ["BUILDERS", "BY_KEY", "KINDS", "TEMPLATE_DIR", "USES", "Kind", "build", "clean_filename", "default_template",
           "sample_context"]
