"""Validation of BPMN definitions: a report a person can act on.

Checks, in order: safe XML (size, encoding, no DOCTYPE/ENTITY), BPMN 2.0 root and XSD
(every error, with its line), the one executable process, scripts and conditions (Python
syntax, language, forbidden constructs), timers, elements stratflow cannot run, data
associations, lanes and their roles, form references and the JSON Schemas they point to;
last, when nothing else is wrong, what the engine itself makes of the model (parse and
serialise). Nothing here raises on bad input: every problem becomes a finding.
"""

from __future__ import annotations

import logging
import os
import threading

from flask_babel import lazy_gettext as _l
from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import XSD_PATH
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from . import lint_model, lint_scripts, lint_timeline, xmlsafe
from .lint_base import BPMN_NS, NS, Finding, Report
from .lint_model import FORM_PROPERTY, HUMAN_TAGS, KNOWN_ROLES

__all__ = ["BPMN_NS", "FORM_PROPERTY", "HUMAN_TAGS", "KNOWN_ROLES", "NS", "Finding", "Report", "check",
           "form_problem", "process_key"]

log = logging.getLogger(__name__)
MAX_KEY_LENGTH = 100  # ProcessDefinition.key
XML_MESSAGES = {
    "empty": lambda e: _l("Dosya boş."),
    "too_large": lambda e: _l("Dosya %(size)d bayt; en fazla %(limit)d bayt yüklenebilir.", **e.params),
    "encoding": lambda e: _l("Dosya UTF-8 kodlamasında değil; BPMN dosyasını UTF-8 olarak kaydedin."),
    "doctype": lambda e: _l("Dosyada %(keyword)s bildirimi var; güvenlik nedeniyle DOCTYPE ve ENTITY "
                            "bildirimleri kabul edilmez.", **e.params),
    "syntax": lambda e: _l("Geçerli bir XML değil: %(error)s", **e.params),
}

_xsd = None
_xsd_lock = threading.Lock()  # an XMLSchema's error log is shared: validate one file at a time


def form_problem(raw, max_bytes: int | None = None):
    """Why a form schema is unusable (translated), or None."""
    return lint_model.form_problem(raw, max_bytes)


def check(data: bytes, filename: str, forms: dict | None = None,
          max_bytes: int = 2_000_000) -> Report:
    """Validate one BPMN file. `forms` maps form filename -> raw bytes or parsed schema."""
    report = Report(filename=os.path.basename(filename or "") or "?")
    root = _parse(data, max_bytes, report)
    if root is None:
        return report.finish()
    _check_xsd(root.getroottree(), report)
    process = _choose_process(root, report)
    if process is None:
        return report.finish()
    lint_scripts.check_scripts(root, report)
    for used in _processes_in_use(root, process):
        lint_model.check_timers(used, report)
        lint_model.check_elements(used, report)
        lint_model.check_data_references(root, used, report)
        lint_model.check_lanes(used, report)
        lint_model.check_forms(used, forms or {}, max_bytes, report)
        lint_model.check_due_rules(used, report)
        lint_timeline.check_due_rule_order(used, report)
        lint_model.check_meaning(used, report)
    lint_model.check_extensions(root, report)
    _check_engine(root, report)
    return report.finish()


def process_key(data: bytes, max_bytes: int) -> str | None:
    """The id of the process the file would define, or None (cheap: no XSD, no engine)."""
    report = Report(filename="")
    root = _parse(data, max_bytes, report)
    process = _choose_process(root, report) if root is not None else None
    return process.get("id") if process is not None else None


def _parse(data: bytes, max_bytes: int, report: Report):
    try:
        root = xmlsafe.parse(data, max_bytes).getroot()
    except xmlsafe.UnsafeXml as exc:
        report.add("error", f"xml.{exc.code}", XML_MESSAGES[exc.code](exc), line=exc.line)
        return None
    if root.tag != f"{{{BPMN_NS}}}definitions":
        qname = etree.QName(root)
        if qname.localname == "definitions":
            message = _l("Kök öğe BPMN 2.0 ad alanında değil (%(found)s); beklenen ad alanı: %(expected)s",
                         found=qname.namespace or "—", expected=BPMN_NS)
        else:
            message = _l("Kök öğe “%(tag)s”; BPMN 2.0 dosyası “definitions” öğesiyle başlamalıdır.",
                         tag=qname.localname)
        report.add("error", "xml.not_bpmn", message, line=root.sourceline)
        return None
    return root


def _xsd_schema():
    global _xsd
    if _xsd is None:
        _xsd = etree.XMLSchema(etree.parse(XSD_PATH))
    return _xsd


def _check_xsd(tree, report) -> None:
    with _xsd_lock:
        schema = _xsd_schema()
        if schema.validate(tree):
            return
        errors = [(err.line, err.message) for err in schema.error_log]
    for line, message in dict.fromkeys(errors):
        report.add("error", "bpmn.schema", _l("BPMN 2.0 şemasına uymuyor: %(error)s", error=message), line=line)


def _choose_process(root, report):
    processes = root.findall("bpmn:process", NS)
    if not processes:
        report.add("error", "bpmn.no_process", _l("Dosyada çalıştırılacak bir süreç (process) yok."),
                   line=root.sourceline)
        return None
    executable = [p for p in processes if p.get("isExecutable") == "true"]
    called = {el.get("calledElement") for el in root.iter(f"{{{BPMN_NS}}}callActivity")}
    candidates = [p for p in executable if p.get("id") not in called] or executable
    listed = ", ".join(_describe_process(p) for p in (candidates or processes))
    if not candidates:
        report.add("error", "bpmn.not_executable",
                   _l("Dosyada çalıştırılabilir süreç yok; çalışacak süreci isExecutable=\"true\" olarak "
                      "işaretleyin. Dosyadaki süreçler: %(processes)s", processes=listed),
                   processes[0].get("id"), processes[0].sourceline)
        return None
    if len(candidates) > 1:
        report.add("error", "bpmn.ambiguous_process",
                   _l("Birden fazla çalıştırılabilir süreç var (%(processes)s); yalnızca biri "
                      "isExecutable=\"true\" olmalı (çağrı etkinliğiyle çağrılanlar hariç).", processes=listed),
                   candidates[1].get("id"), candidates[1].sourceline)
        return None
    return _accept_process(candidates[0], report)


def _accept_process(process, report):
    process_id = process.get("id") or ""
    if not process_id or len(process_id) > MAX_KEY_LENGTH:
        report.add("error", "bpmn.bad_process_id",
                   _l("Sürecin kimliği (id) boş olamaz ve en fazla %(max)d karakter olabilir.", max=MAX_KEY_LENGTH),
                   process_id[:40] or None, process.sourceline)
        return None
    report.process_id = process_id
    report.process_name = (process.get("name") or process_id).strip()[:200] or process_id
    if process.find("bpmn:startEvent", NS) is None:
        report.add("error", "bpmn.no_start", _l("Süreçte başlangıç olayı (startEvent) yok."),
                   process_id, process.sourceline)
    return process


def _processes_in_use(root, process) -> list:
    """The main process and every process of the file its call activities reach."""
    by_id = {p.get("id"): p for p in root.findall("bpmn:process", NS)}
    found, todo = [], [process]
    while todo:
        current = todo.pop()
        if any(current is p for p in found):
            continue
        found.append(current)
        todo += [by_id[c.get("calledElement")] for c in current.iter(f"{{{BPMN_NS}}}callActivity")
                 if c.get("calledElement") in by_id]
    return found


def _describe_process(process) -> str:
    name = process.get("name")
    return f"{process.get('id', '?')} ({name})" if name else process.get("id", "?")


def _check_engine(root, report) -> None:
    """What the engine makes of a model that passed every other check: parse and serialise."""
    if not report.ok:
        return
    from .runtime import spec_to_json
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(root, filename=report.filename)
        spec = parser.get_spec(report.process_id)
        spec_to_json(spec, parser.get_subprocess_specs(report.process_id))
    except ValidationException as exc:
        line = exc.line_number or _line_of(root, exc.id)
        report.add("error", "engine.unsupported", _l("Süreç motoru bu modeli kabul etmiyor: %(error)s",
                                                     error=_engine_text(exc)), exc.id or None, line or None)
        return
    except Exception as exc:  # noqa: BLE001 - untrusted input must never crash the upload
        log.warning("engine failed on %s", report.filename, exc_info=True)
        report.add("error", "engine.unsupported", _l("Süreç motoru bu modeli işleyemedi: %(error)s",
                                                     error=f"{type(exc).__name__}: {exc}"[:500]))
        return
    report.parser = parser


def _engine_text(exc: ValidationException) -> str:
    """The library's message without its file/line decorations (they are in the finding)."""
    import re
    text = str(exc).split("\n")[0].strip().rstrip(".").strip()
    text = re.sub(r"<Element \{[^}]*\}(\w+) at 0x[0-9a-f]+>", r"\1", text)
    return text.rstrip(". ")


def _line_of(root, element_id):
    if not element_id:
        return None
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("id") == element_id:
            return el.sourceline
    return None
