"""Validation of BPMN definitions: a report a person can act on.

Checks, in order: safe XML, BPMN 2.0 XSD (every error, with its line), what the engine
can parse, scripts and conditions (Python syntax and forbidden constructs), lanes and
their roles, form references and the JSON Schemas they point to.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from . import xmlsafe

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiff": SPIFF_NS}
FORM_PROPERTY = "formJsonSchemaFilename"
KNOWN_ROLES = ("mayor", "deputy_mayor", "coordinator", "unit_manager", "team_member",
               "board_member", "council_clerk")
HUMAN_TAGS = ("userTask", "manualTask")
_FORBIDDEN_NAMES = {"exec", "eval", "compile", "open", "__import__", "globals", "locals",
                    "getattr", "setattr", "delattr", "vars", "input", "breakpoint"}


@dataclass
class Finding:
    level: str  # "error" or "warning"
    code: str
    message: str
    element_id: str | None = None
    line: int | None = None

    def as_text(self) -> str:
        where = []
        if self.line:
            where.append(f"line {self.line}")
        if self.element_id:
            where.append(f"element {self.element_id}")
        prefix = f"[{', '.join(where)}] " if where else ""
        return f"{self.level.upper()}: {prefix}{self.message}"


@dataclass
class Report:
    filename: str
    findings: list[Finding] = field(default_factory=list)
    process_id: str | None = None
    process_name: str | None = None
    lane_roles: dict = field(default_factory=dict)
    form_refs: dict = field(default_factory=dict)  # element id -> form filename
    parser: SpiffBpmnParser | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, level, code, message, element_id=None, line=None):
        self.findings.append(Finding(level, code, message, element_id, line))

    def as_text(self) -> str:
        head = f"{self.filename}: {len(self.errors)} error(s), " \
               f"{len(self.findings) - len(self.errors)} warning(s)"
        return "\n".join([head] + [f.as_text() for f in self.findings])


_xsd = None


def _xsd_schema():
    global _xsd
    if _xsd is None:
        _xsd = etree.XMLSchema(etree.parse(XSD_PATH))
    return _xsd


def check(data: bytes, filename: str, forms: dict | None = None,
          max_bytes: int = 2_000_000) -> Report:
    """Validate one BPMN file. `forms` maps form filename -> raw bytes or parsed schema."""
    report = Report(filename=os.path.basename(filename))
    try:
        tree = xmlsafe.parse(data, max_bytes)
    except xmlsafe.UnsafeXml as exc:
        report.add("error", f"xml.{exc.code}", str(exc), line=exc.line)
        return report
    root = tree.getroot()
    if root.tag != f"{{{BPMN_NS}}}definitions":
        report.add("error", "xml.not_bpmn",
                   f"the root element is {etree.QName(root).localname!r}, not BPMN 2.0 'definitions'",
                   line=root.sourceline)
        return report
    _check_xsd(tree, report)
    process = _choose_process(root, report)
    if process is None:
        return report
    _check_scripts(root, report)
    _check_lanes(process, report)
    _check_forms(process, forms or {}, report)
    _check_engine(root, filename, report)
    return report


def _check_xsd(tree, report):
    schema = _xsd_schema()
    if schema.validate(tree):
        return
    seen = set()
    for err in schema.error_log:
        key = (err.line, err.message)
        if key in seen:
            continue
        seen.add(key)
        report.add("error", "bpmn.schema", f"not valid BPMN 2.0: {err.message}", line=err.line)


def _choose_process(root, report):
    processes = root.findall("bpmn:process", NS)
    if not processes:
        report.add("error", "bpmn.no_process", "the file has no process to run", line=root.sourceline)
        return None
    executable = [p for p in processes if p.get("isExecutable") == "true"]
    candidates = executable or [p for p in processes if p.find("bpmn:startEvent", NS) is not None]
    if len(candidates) != 1:
        ids = ", ".join(p.get("id", "?") for p in (candidates or processes))
        report.add("error", "bpmn.ambiguous_process",
                   f"exactly one process must be executable (isExecutable=\"true\"); found: {ids}")
        return None
    process = candidates[0]
    report.process_id = process.get("id")
    report.process_name = process.get("name") or process.get("id")
    if process.find("bpmn:startEvent", NS) is None:
        report.add("error", "bpmn.no_start", "the process has no start event",
                   process.get("id"), process.sourceline)
    return process


def _expressions(root):
    """(element id, line, kind, code, mode) for every piece of Python in the file."""
    for el in root.iter(f"{{{BPMN_NS}}}script"):
        parent = el.getparent()
        yield parent.get("id"), el.sourceline, "script", el.text or "", "exec"
    for tag in ("preScript", "postScript"):
        for el in root.iter(f"{{{SPIFF_NS}}}{tag}"):
            owner = el.getparent().getparent()
            yield owner.get("id"), el.sourceline, tag, el.text or "", "exec"
    for tag in ("conditionExpression", "timeDate", "timeDuration", "timeCycle",
                "loopCardinality", "completionCondition"):
        for el in root.iter(f"{{{BPMN_NS}}}{tag}"):
            owner = el.getparent()
            if tag.startswith("time"):
                owner = owner.getparent()
            yield owner.get("id"), el.sourceline, tag, el.text or "", "eval"


def _check_scripts(root, report):
    for element_id, line, kind, code, mode in _expressions(root):
        if not code.strip():
            if kind in ("script", "conditionExpression"):
                report.add("error", "script.empty", f"empty {kind}", element_id, line)
            continue
        try:
            tree = ast.parse(code.strip(), mode=mode)
        except SyntaxError as exc:
            report.add("error", "script.syntax",
                       f"{kind} is not valid Python: {exc.msg} (at its line {exc.lineno})",
                       element_id, line)
            continue
        for node in ast.walk(tree):
            problem = _forbidden(node)
            if problem:
                report.add("error", "script.forbidden", f"{kind} uses {problem}, which is not allowed",
                           element_id, line)
                break


def _forbidden(node) -> str | None:
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return "an import"
    if isinstance(node, ast.Attribute) and node.attr.startswith("__"):
        return f"the attribute {node.attr}"
    if isinstance(node, ast.Name) and (node.id in _FORBIDDEN_NAMES or node.id.startswith("__")):
        return f"the name {node.id}"
    if isinstance(node, (ast.Global, ast.Nonlocal, ast.AsyncFunctionDef, ast.Await)):
        return type(node).__name__
    return None


def _properties(el) -> dict:
    return {p.get("name"): p.get("value")
            for p in el.findall("bpmn:extensionElements/spiff:properties/spiff:property", NS)}


def _check_lanes(process, report):
    lane_of = {}
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        role = _properties(lane).get("role")
        name = lane.get("name") or lane.get("id")
        if role and role not in KNOWN_ROLES:
            report.add("error", "lane.unknown_role",
                       f"lane {name!r} names role {role!r}; known roles: {', '.join(KNOWN_ROLES)}",
                       lane.get("id"), lane.sourceline)
            role = None
        if role:
            report.lane_roles[name] = role
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            lane_of[(ref.text or "").strip()] = (name, role)
    for tag in HUMAN_TAGS:
        for task in process.iter(f"{{{BPMN_NS}}}{tag}"):
            lane_name, role = lane_of.get(task.get("id"), (None, None))
            if role is None:
                where = f"lane {lane_name!r} has no role" if lane_name else "it is in no lane"
                report.add("warning", "lane.no_role",
                           f"task {task.get('name') or task.get('id')!r}: {where}; "
                           "the coordinator will receive it", task.get("id"), task.sourceline)


def _check_forms(process, forms, report):
    for tag in HUMAN_TAGS:
        for task in process.iter(f"{{{BPMN_NS}}}{tag}"):
            ref = _properties(task).get(FORM_PROPERTY)
            if not ref:
                continue
            report.form_refs[task.get("id")] = ref
            if ref not in forms:
                report.add("error", "form.missing", f"form file {ref!r} was not provided",
                           task.get("id"), task.sourceline)
                continue
            problem = form_problem(forms[ref])
            if problem:
                report.add("error", "form.invalid", f"form {ref!r}: {problem}",
                           task.get("id"), task.sourceline)


def form_problem(raw) -> str | None:
    """Why a form schema is unusable, or None."""
    import json
    try:
        schema = json.loads(raw) if isinstance(raw, (bytes, str)) else raw
    except ValueError as exc:
        return f"not valid JSON ({exc})"
    if not isinstance(schema, dict):
        return "a form must be a JSON object"
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return f"not a valid JSON Schema: {exc.message}"
    if schema.get("type") != "object":
        return "the top-level schema must have \"type\": \"object\""
    return None


def _check_engine(root, filename, report):
    if not report.ok:
        return
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(root, filename=os.path.basename(filename))
        parser.get_spec(report.process_id)
        parser.get_subprocess_specs(report.process_id)
    except ValidationException as exc:
        line = exc.line_number or _line_of(root, exc.id)
        report.add("error", "engine.unsupported", str(exc).split("\n")[0],
                   exc.id or None, line or None)
        return
    except (SpiffWorkflowException, KeyError, AttributeError, TypeError, ValueError) as exc:
        report.add("error", "engine.unsupported", f"the engine cannot run this model: {exc}")
        return
    report.parser = parser


def _line_of(root, element_id):
    if not element_id:
        return None
    for el in root.iter():
        if el.get("id") == element_id:
            return el.sourceline
    return None
