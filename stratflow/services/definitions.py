"""Importing BPMN definitions as immutable versions, and reading them back.

Uploading BPMN is code deployment (scripts and conditions are Python run by the engine):
callers let only administrators (or the command line) reach `import_upload`; every file
is checked first (`engine.check`), nothing is stored when the report has an error, and
every new version is audited with its uploader.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import engine
from ..engine import lint
from ..extensions import db
from ..models import DefinitionVersion, ProcessDefinition, ProcessInstance, User
from . import NotFound, ServiceError, audit

MAX_FILENAME = 200  # DefinitionVersion.filename


class DefinitionRejected(ServiceError):
    def __init__(self, report: engine.Report):
        super().__init__(_("Süreç tanımı reddedildi: %(n)d hata.", n=len(report.errors)),
                         code="definition_invalid")
        self.report = report


class ConcurrentImport(ServiceError):
    """Another version of the same process was imported at the same moment."""

    def __init__(self):
        super().__init__(_("Aynı süreç için aynı anda başka bir sürüm yüklendi; listeyi yenileyip tekrar deneyin."),
                         code="conflict")


def _flush() -> None:
    try:
        db.session.flush()
    except IntegrityError as exc:  # the caller rolls back
        raise ConcurrentImport() from exc


@dataclass
class ImportResult:
    version: DefinitionVersion
    created: bool  # False: the same content was already the current version
    report: engine.Report


@dataclass
class VersionRow:
    version: DefinitionVersion
    uploader: str | None
    instances: int


def check(data: bytes, filename: str, forms: dict[str, bytes], max_bytes: int,
          warn_unused_forms: bool = True) -> engine.Report:
    """Validate without importing; referenced forms already stored for the process count as present.

    `warn_unused_forms`: say which of `forms` no task uses (off when they are just every
    form of a folder)."""
    report = engine.check(data, filename, _with_stored_forms(data, forms, max_bytes), max_bytes)
    return _note_unused_forms(report, forms) if warn_unused_forms else report


def import_upload(data: bytes, filename: str, forms: dict[str, bytes], max_bytes: int,
                  actor=None, source: str = "web", warn_unused_forms: bool = True) -> ImportResult:
    """Check and store a new version; DefinitionRejected (nothing stored) when the report has errors."""
    merged = _with_stored_forms(data, forms, max_bytes)
    unused = forms if warn_unused_forms else {}
    try:
        compiled = engine.compile_definition(data, filename, merged, max_bytes)
    except engine.DefinitionInvalid as exc:
        raise DefinitionRejected(_note_unused_forms(exc.report, unused)) from exc
    report = _note_unused_forms(compiled.report, unused)
    used = {name: _as_json(merged[name]) for name in sorted(set(compiled.form_refs.values()))}
    digest = content_hash(data, used)

    definition = db.session.execute(
        db.select(ProcessDefinition).filter_by(key=compiled.process_id).with_for_update()
    ).scalar_one_or_none()
    if definition is None:
        definition = ProcessDefinition(key=compiled.process_id, name=compiled.name)
        db.session.add(definition)
        _flush()
    current = definition.current
    if current is not None and current.content_hash == digest:
        return ImportResult(current, False, report)
    definition.name = compiled.name
    version = DefinitionVersion(
        definition=definition, version=(current.version + 1) if current else 1,
        content_hash=digest, filename=Path(filename).name[-MAX_FILENAME:] or "process.bpmn",
        bpmn_xml=data.decode("utf-8"), forms=used, spec_json=compiled.spec_json,
        lane_roles=compiled.lane_roles, spec_schema=engine.SPEC_SCHEMA,
        created_by_id=getattr(actor, "id", None))
    db.session.add(version)
    _flush()
    audit.record("definition.imported", actor, key=definition.key, version=version.version,
                 filename=version.filename, content_hash=digest, forms=sorted(used), source=source,
                 warnings=[f.as_text() for f in report.warnings])
    return ImportResult(version, True, report)


def import_definition(data: bytes, filename: str, forms: dict[str, bytes], max_bytes: int,
                      actor=None, source: str = "service") -> DefinitionVersion:
    """Store a new version (or return the current one when nothing changed)."""
    return import_upload(data, filename, forms, max_bytes, actor, source).version


def import_directory(directory: str | Path, max_bytes: int, actor=None) -> list[DefinitionVersion]:
    """Import every BPMN file of a folder, with the JSON forms that lie beside them."""
    directory = Path(directory)
    forms = read_forms(directory)
    return [import_upload(path.read_bytes(), path.name, forms, max_bytes, actor, source="directory",
                          warn_unused_forms=False).version
            for path in sorted(directory.glob("*.bpmn"))]


def read_forms(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(Path(directory).glob("*.json"))}


def content_hash(data: bytes, forms: dict) -> str:
    return hashlib.sha256(data + json.dumps(forms, sort_keys=True).encode()).hexdigest()


def current_version(key: str) -> DefinitionVersion | None:
    """The newest version of a definition, read with one query (its large texts load on demand)."""
    return db.session.execute(
        db.select(DefinitionVersion).join(DefinitionVersion.definition)
        .where(ProcessDefinition.key == key).order_by(DefinitionVersion.version.desc()).limit(1)
    ).scalar_one_or_none()


# -- reading (the administration pages) -----------------------------------------------

def overview() -> list[tuple[ProcessDefinition, list[VersionRow]]]:
    """Every definition with its versions (newest first), uploader and instance count."""
    definitions = db.session.execute(
        db.select(ProcessDefinition).order_by(ProcessDefinition.key)).scalars().all()
    rows = _version_rows(db.select(DefinitionVersion))
    by_definition: dict[int, list[VersionRow]] = {}
    for row in rows:
        by_definition.setdefault(row.version.definition_id, []).append(row)
    return [(d, sorted(by_definition.get(d.id, []), key=lambda r: -r.version.version)) for d in definitions]


def version_detail(key: str, number: int) -> VersionRow:
    rows = _version_rows(db.select(DefinitionVersion).join(DefinitionVersion.definition)
                         .where(ProcessDefinition.key == key, DefinitionVersion.version == number))
    if not rows:
        raise NotFound(_("Süreç tanımı sürümü bulunamadı."))
    return rows[0]


def stored_report(version: DefinitionVersion, max_bytes: int) -> engine.Report:
    """The validation report of a stored version, as the current checks see it."""
    data = version.bpmn_xml.encode("utf-8")
    return engine.check(data, version.filename, version.forms, max(max_bytes, len(data)))


def _version_rows(query) -> list[VersionRow]:
    counts = (db.select(ProcessInstance.version_id, db.func.count(ProcessInstance.id).label("n"))
              .group_by(ProcessInstance.version_id).subquery())
    result = db.session.execute(
        query.add_columns(User.full_name, counts.c.n)
        .outerjoin(User, User.id == DefinitionVersion.created_by_id)
        .outerjoin(counts, counts.c.version_id == DefinitionVersion.id)
        .options(db.joinedload(DefinitionVersion.definition)))
    return [VersionRow(version, uploader, n or 0) for version, uploader, n in result]


# -- helpers ---------------------------------------------------------------------------

def _with_stored_forms(data: bytes, forms: dict, max_bytes: int) -> dict:
    """Forms given win; forms not given fall back to those of the definition's current version."""
    key = lint.process_key(data, max_bytes)
    current = current_version(key) if key else None
    if current is None:
        return dict(forms)
    merged = {name: json.dumps(schema) for name, schema in current.forms.items()}
    merged.update(forms)
    return merged


def _note_unused_forms(report: engine.Report, forms: dict) -> engine.Report:
    """Warn about uploaded forms no task refers to (a typo in a name, usually)."""
    if report.process_id is None:  # the checks stopped before the forms were looked at
        return report
    used = set(report.form_refs.values())
    for name in sorted(set(forms) - used):
        report.add("warning", "form.unused",
                   _l("“%(form)s” dosyası hiçbir görevde kullanılmıyor; saklanmayacak.", form=name))
    return report.finish()


def _as_json(raw):
    return json.loads(raw) if isinstance(raw, (bytes, str)) else raw
