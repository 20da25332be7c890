"""Files attached to task forms: checked (size, kind by content, name), stored in the database,
referenced from the task data, listed and downloaded with the instance's permissions.

A file field of a form (services/forms.py `is_file`) holds references `{"id", "name", "size",
"type"}`; the bytes live in `attachment` rows. A refused upload (empty, too big, a kind the field
does not take, more files than it takes) raises a validation ServiceError with the field's message
and stores nothing; the caller's transaction is rolled back, so the task does not change either.

Who may download: whoever may open the instance page (access.can_view_instance) and whoever may
act on one of the instance's tasks (open or done: the planning team, the board, the units of the
process) — the people who work on or watch this plan. Anyone else gets a 404, as for any object of
another municipality.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from ..documents.filenames import MAX_LENGTH, clean_filename
from ..extensions import db
from ..i18n import file_size
from ..models import Attachment, ProcessInstance, TaskRecord
from . import NotFound, ServiceError, access, audit, file_types, forms, valid_id

DEFAULT_MAX_BYTES = 10_000_000


@dataclass
class Upload:
    field: str        # the form property it is sent for
    filename: str     # as the browser or client sent it (cleaned before it is stored)
    stream: object    # anything with read(n)


def max_bytes(prop: dict) -> int:
    """The field's own limit (`x-max-bytes`), else the application's (STRATFLOW_ATTACHMENT_MAX_BYTES)."""
    own = prop.get("x-max-bytes")
    if isinstance(own, int) and not isinstance(own, bool) and own > 0:
        return own
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def accepted(prop: dict) -> tuple[str, ...]:
    """The kinds the field takes (`x-accept`), else every kind stratflow recognises."""
    wanted = tuple(k for k in (prop.get("x-accept") or ()) if k in file_types.KINDS)
    return wanted or tuple(file_types.KINDS)


def _kinds_text(kinds) -> str:
    return ", ".join(k.upper() for k in kinds)


def check(prop: dict, filename: str, stream) -> tuple[str, str, bytes]:
    """(kind, stored name, content) of an acceptable upload; ServiceError (its message) otherwise."""
    limit = max_bytes(prop)
    name = clean_filename(filename, "ek")
    data = stream.read(limit + 1)
    if not data:
        raise ServiceError(_("“%(name)s” boş bir dosya; içeriği olan bir dosya seçin.", name=name))
    if len(data) > limit:
        raise ServiceError(_("“%(name)s” çok büyük: bu alana en fazla %(size)s büyüklüğünde dosya yüklenebilir.",
                             name=name, size=file_size(limit, str(get_locale() or "tr"))))
    kind = file_types.sniff(data)
    if kind is None or kind not in accepted(prop):
        raise ServiceError(_("“%(name)s” kabul edilen türlerden değil (%(kinds)s). Dosyanın türü adına göre değil "
                             "içeriğine göre belirlenir.", name=name, kinds=_kinds_text(accepted(prop))))
    return kind, _fit(file_types.with_extension(name, kind)), data


def _fit(name: str) -> str:
    if len(name) <= MAX_LENGTH:
        return name
    stem, dot, suffix = name.rpartition(".")
    return stem[:MAX_LENGTH - len(suffix) - 1] + dot + suffix


def add_uploads(record: TaskRecord, actor, schema: dict, data: dict, uploads: list[Upload]) -> list[dict]:
    """Check every upload, then store them all and add their references to `data` (a field taking
    one file gets the new one instead of the old). Nothing is stored when any is refused: a
    validation ServiceError with a message per field. Returns the new references."""
    props = forms.file_fields(schema)
    uploads = [u for u in uploads if u.field in props]
    errors: dict[str, str] = {}
    checked = []
    for upload in uploads:
        try:
            checked.append((upload.field, *check(props[upload.field], upload.filename, upload.stream)))
        except ServiceError as exc:
            errors.setdefault(upload.field, exc.message)
    for key, prop in props.items():
        new = sum(1 for u in uploads if u.field == key)
        limit = forms.max_files(prop)
        kept = len(data.get(key) or []) if not (limit == 1 and new) else 0
        if new and kept + new > limit:
            errors[key] = _("Bu alana en fazla %(n)d dosya eklenebilir; fazlasını çıkarın.", n=limit)
    if errors:
        raise ServiceError(_("Dosyalar yüklenmedi: işaretli alanlara bakın. Görevde bir şey değişmedi."),
                           code="validation", field_errors=errors)
    rows = [_store(record, actor, key, kind, name, content) for key, kind, name, content in checked]
    db.session.flush()
    for key in {row.field for row in rows}:  # new lists: the caller's copy of the form stays as it was
        data[key] = [] if forms.max_files(props[key]) == 1 else list(data.get(key) or [])
    for row in rows:
        data[row.field].append(row.reference())
        audit.record("attachment.uploaded", actor, municipality_id=record.municipality_id,
                     instance_id=record.instance_id, task_id=record.id, step=record.bpmn_id, field=row.field,
                     attachment_id=row.id, filename=row.filename, size=row.size, kind=row.kind)
    return [row.reference() for row in rows]


def _store(record, actor, key, kind, name, content) -> Attachment:
    row = Attachment(instance_id=record.instance_id, municipality_id=record.municipality_id, task_id=record.id,
                     step=record.bpmn_id, field=key, filename=name, kind=kind, size=len(content),
                     sha256=hashlib.sha256(content).hexdigest(), content=content,
                     uploaded_by_id=getattr(actor, "id", None))
    db.session.add(row)
    return row


# -- references in task data ------------------------------------------------------------------

def _ids(value) -> list | None:
    """The ids a file field's value refers to; None when it is not a list of plain references
    (validation then names what is wrong)."""
    if not isinstance(value, list):
        return None
    ids = []
    for item in value:
        if not isinstance(item, dict) or not set(item) <= set(forms.FILE_REFERENCE["properties"]):
            return None
        ident = item.get("id")
        if not isinstance(ident, int) or isinstance(ident, bool) or not valid_id(ident):
            return None
        if ident not in ids:
            ids.append(ident)
    return ids


def resolve(record: TaskRecord, schema: dict, data: dict) -> tuple[dict, dict]:
    """(data, field errors): every file field's references replaced by what is stored (a client's
    name or size is never taken). A reference must be an upload of this task for that field, or
    one the task's draft already holds (a rewound step starts with the earlier files)."""
    if not isinstance(data, dict):
        return data, {}  # validation says what is wrong
    data = dict(data)
    errors = {}
    for key in forms.file_fields(schema):
        if key not in data:
            continue
        ids = _ids(data[key])
        if ids is None:
            continue
        if not ids:
            del data[key]
            continue
        found = _allowed(record, key, ids)
        if len(found) != len(ids):
            errors[key] = _("Eklenen dosya bulunamadı; dosyayı yeniden yükleyin.")
            continue
        data[key] = [found[i].reference() for i in ids]
    return data, errors


def _allowed(record: TaskRecord, key: str, ids: list) -> dict:
    drafted = set(_ids((record.draft or {}).get(key)) or ())
    rows = db.session.execute(db.select(Attachment).where(
        Attachment.id.in_(ids), Attachment.instance_id == record.instance_id, Attachment.field == key)).scalars()
    return {r.id: r for r in rows if r.task_id == record.id or r.id in drafted}


def shown(record: TaskRecord, schema: dict, data: dict) -> dict:
    """`data` with the references that still resolve (a form shown again after a refusal)."""
    resolved, errors = resolve(record, schema, data)
    return {k: v for k, v in resolved.items() if k not in errors}


def referenced(schema: dict, data) -> set[int]:
    found = set()
    for key in forms.file_fields(schema):
        found |= set(_ids((data or {}).get(key)) or ())
    return found


def prune(record: TaskRecord, actor, schema: dict, keep: set[int], only: set[int] | None = None) -> None:
    """Drop this task's uploads its data no longer refers to (a file taken off a draft; uploads a
    completion did not use). `only`: consider just these ids (a draft keeps the API's fresh uploads).
    A form without file fields has no uploads: no query."""
    if not forms.file_fields(schema):
        return
    query = db.select(Attachment).where(Attachment.task_id == record.id)
    for row in db.session.execute(query).scalars():
        if row.id in keep or (only is not None and row.id not in only):
            continue
        audit.record("attachment.removed", actor, municipality_id=record.municipality_id,
                     instance_id=record.instance_id, task_id=record.id, step=record.bpmn_id, field=row.field,
                     attachment_id=row.id, filename=row.filename)
        db.session.delete(row)
    db.session.flush()


# -- reading ----------------------------------------------------------------------------------

def may_see(user, instance: ProcessInstance) -> bool:
    if access.can_view_instance(user, instance):
        return True
    mine = db.select(TaskRecord.id).where(TaskRecord.instance_id == instance.id, access.actionable_clause(user))
    return db.session.execute(mine.limit(1)).first() is not None


def for_instance(instance_id: int) -> list[Attachment]:
    """Every attachment of the instance with its task and uploader, oldest first."""
    return list(db.session.execute(
        db.select(Attachment).where(Attachment.instance_id == instance_id)
        .options(db.joinedload(Attachment.task).joinedload(TaskRecord.unit), db.joinedload(Attachment.uploaded_by))
        .order_by(Attachment.uploaded_at, Attachment.id)).scalars())


def for_download(user, attachment_id) -> Attachment:
    """The attachment with its content, audited as downloaded; NotFound for anyone who may not see it."""
    row = db.session.get(Attachment, attachment_id) if valid_id(attachment_id) else None
    instance = db.session.get(ProcessInstance, row.instance_id) if row is not None else None
    if instance is None or not may_see(user, instance):
        raise NotFound()
    audit.record("attachment.downloaded", user, municipality_id=row.municipality_id, instance_id=row.instance_id,
                 task_id=row.task_id, step=row.step, attachment_id=row.id, filename=row.filename)
    return row


def mimetype(row: Attachment) -> str:
    return file_types.KINDS[row.kind].mimetype
