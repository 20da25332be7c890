"""Importing BPMN definitions as immutable versions."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask_babel import gettext as _

from .. import engine
from ..extensions import db
from ..models import DefinitionVersion, ProcessDefinition
from . import ServiceError, audit


class DefinitionRejected(ServiceError):
    def __init__(self, report: engine.Report):
        super().__init__(_("Süreç tanımı reddedildi: %(n)d hata.", n=len(report.errors)),
                         code="definition_invalid")
        self.report = report


def check(data: bytes, filename: str, forms: dict[str, bytes], max_bytes: int) -> engine.Report:
    """Validate without importing; referenced forms already stored for the process count as present."""
    return engine.check(data, filename, _with_stored_forms(data, filename, forms, max_bytes), max_bytes)


def import_definition(data: bytes, filename: str, forms: dict[str, bytes], max_bytes: int,
                      actor=None) -> DefinitionVersion:
    """Store a new version (or return the current one when nothing changed)."""
    forms = _with_stored_forms(data, filename, forms, max_bytes)
    try:
        compiled = engine.compile_definition(data, filename, forms, max_bytes)
    except engine.DefinitionInvalid as exc:
        raise DefinitionRejected(exc.report) from exc
    used = {name: _as_json(forms[name]) for name in sorted(set(compiled.form_refs.values()))}
    digest = hashlib.sha256(data + json.dumps(used, sort_keys=True).encode()).hexdigest()

    definition = db.session.execute(
        db.select(ProcessDefinition).filter_by(key=compiled.process_id)).scalar_one_or_none()
    if definition is None:
        definition = ProcessDefinition(key=compiled.process_id, name=compiled.name)
        db.session.add(definition)
        db.session.flush()
    current = definition.current
    if current is not None and current.content_hash == digest:
        return current
    definition.name = compiled.name
    version = DefinitionVersion(
        definition=definition, version=(current.version + 1) if current else 1,
        content_hash=digest, filename=Path(filename).name, bpmn_xml=data.decode("utf-8"),
        forms=used, spec_json=compiled.spec_json, lane_roles=compiled.lane_roles,
        spec_schema=engine.SPEC_SCHEMA, created_by_id=getattr(actor, "id", None))
    db.session.add(version)
    db.session.flush()
    audit.record("definition.imported", actor, key=definition.key, version=version.version,
                 warnings=[f.as_text() for f in compiled.report.findings])
    return version


def import_directory(directory: str | Path, max_bytes: int, actor=None) -> list[DefinitionVersion]:
    """Import every BPMN file of a folder, with the JSON forms that lie beside them."""
    directory = Path(directory)
    forms = read_forms(directory)
    return [import_definition(path.read_bytes(), path.name, forms, max_bytes, actor)
            for path in sorted(directory.glob("*.bpmn"))]


def read_forms(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(Path(directory).glob("*.json"))}


def current_version(key: str) -> DefinitionVersion | None:
    definition = db.session.execute(db.select(ProcessDefinition).filter_by(key=key)).scalar_one_or_none()
    return definition.current if definition else None


def _with_stored_forms(data, filename, forms, max_bytes) -> dict:
    """Forms given win; forms not given fall back to those of the definition's current version."""
    report = engine.check(data, filename, forms, max_bytes)
    missing = [f for f in report.errors if f.code == "form.missing"]
    if not missing or not report.process_id:
        return forms
    current = current_version(report.process_id)
    if current is None:
        return forms
    merged = {name: json.dumps(schema) for name, schema in current.forms.items()}
    merged.update(forms)
    return merged


def _as_json(raw):
    return json.loads(raw) if isinstance(raw, (bytes, str)) else raw
