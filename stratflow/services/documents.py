"""Official documents: generated at transitions from the process data, versioned, downloadable.

- `on_transition()` (called once by instances.persist) gathers the process data and makes a new
  version of every document whose inputs changed (a hash of them; same inputs, no new version).
  A failure never fails the transition: it is recorded as a `document.failed` incident.
- PDFs are made on first download (LibreOffice) and cached with the version.
- Municipalities may replace a kind's template with their own .docx (checked; versions kept).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from .. import documents as docs
from .. import engine
from ..calendar import rules
from ..documents import kinds as kinds_mod
from ..documents.isolation import check_template_isolated
from ..documents.render import TemplateProblem, render
from ..documents.spreadsheet import team_workbook
from ..documents.variables import top_level
from ..extensions import db
from ..i18n import tr_sort_key
from ..models import (
    DocumentSource,
    DocumentTemplate,
    DocumentVersion,
    Municipality,
    RoleAssignment,
    TaskRecord,
    User,
)
from ..models.base import utcnow
from ..pdf import PdfUnavailable, docx_to_pdf
from . import Conflict, NotFound, ServiceError, audit, deadlines, valid_id

log = logging.getLogger(__name__)
DEFAULT_MAX_TEMPLATE_BYTES = 5_000_000
# (phase, step whose due date ends it) — the timetable of the circular and the program.
PHASES = (
    ("Genelgenin yayımlanması", "circular_approval"),
    ("Strateji Geliştirme Kurulunun oluşturulması", "board_approval"),
    ("Harcama birimlerinin ekip üyelerini bildirmesi", "team_nomination"),
    ("Stratejik Planlama Ekibinin kesinleşmesi", "team_list"),
    ("Hazırlık programının onaylanması", "program_approval"),
    ("Durum analizi ve tespitler", "analysis_adoption"),
    ("Misyon, vizyon ve temel değerler", "future_adoption"),
    ("Amaç, hedef ve göstergeler", "strategy_draft"),
    ("İzleme ve değerlendirme sistemi", "monitoring_design"),
    ("Plan taslağı ve Kurul incelemesi", "draft_review"),
    ("Başkan onayı ve Meclise sunuş", "plan_approval"),
    ("Encümen görüşü", "encumen_opinion"),
    ("Meclis kararı", "council_decision"),
)
_default_hashes: dict[str, str] = {}


# -- generation ---------------------------------------------------------------------------------

def on_transition(instance, workflow: engine.Workflow, actor, done_task_id=None) -> None:
    """Bring the instance's documents in line with its data. Never raises."""
    step = None
    if done_task_id:
        record = db.session.get(TaskRecord, done_task_id)
        step = record.name[:200] if record else None
    try:
        with db.session.begin_nested():  # a failure here rolls back only the documents' rows
            refresh(instance, actor, _gather(instance, workflow), step=step)
    except Exception as exc:  # noqa: BLE001 — documents must never stop the process
        log.exception("documents of instance %s", instance.id)
        audit.record("document.failed", actor, municipality_id=instance.municipality_id,
                     instance_id=instance.id, error=str(exc)[:500])


def _gather(instance, workflow) -> dict:
    """The stored data, updated with the workflow's and that of its waiting tasks (the engine
    forgets a finished parallel branch's data until the branches join)."""
    source = db.session.get(DocumentSource, instance.id)
    data = dict(source.data) if source else {}
    data.update(workflow.data)
    for task in workflow.ready_human_tasks():
        data.update(task.data)
    data = json.loads(json.dumps(data, default=str))
    if source is None:
        db.session.add(DocumentSource(instance_id=instance.id, data=data))
    elif data != source.data:
        source.data = data
        source.updated_at = utcnow()
    return data


def source_data(instance) -> dict:
    source = db.session.get(DocumentSource, instance.id)
    return dict(source.data) if source else {}


def refresh(instance, actor, data: dict, step: str | None = None, only: str | None = None) -> list[DocumentVersion]:
    """New versions for the kinds whose inputs changed; a kind that fails to render is an incident."""
    due = [k for k in kinds_mod.due(data) if only in (None, k.key)]
    if not due:
        return []
    latest = _latest(instance.id)
    templates = _active_templates(instance.municipality_id)
    facts = _facts(instance, data)
    made = []
    for kind in due:
        template = templates.get(kind.key)
        inputs = _inputs(kind.key, facts, template)
        digest = hashlib.sha256(json.dumps(inputs, sort_keys=True, default=str).encode()).hexdigest()
        number, last_hash = latest.get(kind.key, (0, None))
        if digest == last_hash:
            continue
        try:
            context = docs.build(kind.key, facts)
            content = render(template.content if template else docs.default_template(kind.key), context)
            xlsx = team_workbook(context) if kind.xlsx else None
        except Exception as exc:  # noqa: BLE001 — a broken template is an incident, not a failed step
            audit.record("document.failed", actor, municipality_id=instance.municipality_id,
                         instance_id=instance.id, kind=kind.key, error=str(exc)[:500])
            continue
        version = DocumentVersion(
            instance_id=instance.id, municipality_id=instance.municipality_id, kind=kind.key, version=number + 1,
            input_hash=digest, template_id=template.id if template else None, step=step, docx=content,
            xlsx=xlsx, has_xlsx=xlsx is not None, created_by_id=getattr(actor, "id", None))
        db.session.add(version)
        made.append(version)
        audit.record("document.generated", actor, municipality_id=instance.municipality_id,
                     instance_id=instance.id, kind=kind.key, version=number + 1)
    if made:
        db.session.flush()
    return made


def _latest(instance_id: int) -> dict[str, tuple[int, str]]:
    rows = db.session.execute(
        db.select(DocumentVersion.kind, DocumentVersion.version, DocumentVersion.input_hash)
        .where(DocumentVersion.instance_id == instance_id)
        .order_by(DocumentVersion.kind, DocumentVersion.version)).all()
    return {kind: (version, digest) for kind, version, digest in rows}


def _active_templates(municipality_id: int) -> dict[str, DocumentTemplate]:
    rows = db.session.execute(db.select(DocumentTemplate).where(
        DocumentTemplate.municipality_id == municipality_id, DocumentTemplate.active.is_(True))).scalars()
    return {t.kind: t for t in rows}


def _default_hash(kind: str) -> str:
    if kind not in _default_hashes:
        _default_hashes[kind] = hashlib.sha256(docs.default_template(kind)).hexdigest()
    return _default_hashes[kind]


def _inputs(kind: str, facts: dict, template) -> dict:
    data = facts["data"]
    inputs = {key: value for key, value in facts.items() if key not in ("data", "today", "milestones")}
    inputs["data"] = {key: data.get(key) for key in (*docs.USES[kind], *docs.context.COMMON_USES)}
    inputs["template"] = template.sha256 if template else "default:" + _default_hash(kind)
    if kind in ("circular", "program"):
        inputs["milestones"] = facts["milestones"]
    return inputs


def _facts(instance, data: dict) -> dict:
    municipality = instance.municipality
    sched = deadlines.schedule(municipality)
    people = _people(municipality.id)
    return {
        "municipality": {"name": municipality.name, "province": municipality.province, "type": municipality.type,
                         "population": municipality.population,
                         "election_date": municipality.election_date.isoformat(),
                         "mazbata_date": municipality.mazbata_date.isoformat() if municipality.mazbata_date else None},
        **people,
        "units": sorted((u.name for u in municipality.units), key=tr_sort_key),
        "data": data,
        "legal_deadline": sched.legal_deadline.isoformat(),
        "target_meeting": (deadlines.iso_date(data.get("council_meeting_date")) or sched.target.date or
                           sched.legal_deadline).isoformat(),
        "milestones": _milestones(instance, data, sched),
        "today": (datetime.now(UTC) + timedelta(hours=3)).date(),
    }


def _people(municipality_id: int) -> dict:
    rows = db.session.execute(
        db.select(RoleAssignment.role, User.full_name, User.title).join(User, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.municipality_id == municipality_id, User.active.is_(True),
               RoleAssignment.role.in_(("mayor", "coordinator", "council_clerk")))
        .order_by(RoleAssignment.id)).all()
    found: dict = {}
    for role, name, title in rows:
        key = {"mayor": "mayor", "coordinator": "coordinator", "council_clerk": "clerk"}[role]
        found.setdefault(key, {"full_name": name, "title": title or ""})
    return found


def _milestones(instance, data: dict, sched) -> list[dict]:
    """Each phase's target date: its step's rule (the municipality's phase target, else the
    model's) evaluated on the instance's anchors, computed once for all phases."""
    from . import settings
    from .instances import spec_key  # instances calls this module: import lazily
    version = instance.version
    facts = engine.task_facts(spec_key(version), lambda: version.spec_json)
    overrides = settings.current(instance.municipality).due_rules or {}
    anchors = deadlines.instance_anchors(instance, data, sched)
    rows = []
    for phase, step in PHASES:
        fact = facts.get(step)
        if fact is None:
            continue
        text = overrides.get(step) or fact["properties"].get(deadlines.RULE_PROPERTY)
        try:
            due = rules.evaluate(text, anchors, sched.leave_days) if text else None
        except rules.RuleError:
            due = None
        rows.append({"phase": phase, "step": step, "due": due.isoformat() if due else None,
                     "owner": fact["lane"] or ""})
    return rows


# -- reading ------------------------------------------------------------------------------------

def can_see(user, municipality_id: int) -> bool:
    """Anyone holding a role in the municipality (the consultant too, read-only) and admins."""
    return user.is_admin or municipality_id in user.municipality_ids()


def can_manage_templates(user, municipality_id: int) -> bool:
    return user.is_admin or municipality_id in user.municipality_ids("coordinator")


def version_for(user, version_id: int) -> DocumentVersion:
    version = db.session.get(DocumentVersion, version_id) if valid_id(version_id) else None
    if version is None or not can_see(user, version.municipality_id):
        raise NotFound()
    return version


def latest_for_task(task) -> list[DocumentVersion]:
    """The newest version of every kind shown on this task's page."""
    keys = [k.key for k in kinds_mod.shown_on(task.bpmn_id)]
    if not keys:
        return []
    rows = db.session.execute(
        db.select(DocumentVersion).where(DocumentVersion.instance_id == task.instance_id,
                                         DocumentVersion.kind.in_(keys))
        .order_by(DocumentVersion.kind, DocumentVersion.version.desc())).scalars()
    newest: dict[str, DocumentVersion] = {}
    for version in rows:
        newest.setdefault(version.kind, version)
    return [newest[k] for k in keys if k in newest]


def for_instance(instance) -> list[dict]:
    """Per kind (in process order): its title and its versions, newest first."""
    rows = list(db.session.execute(
        db.select(DocumentVersion).where(DocumentVersion.instance_id == instance.id)
        .options(db.joinedload(DocumentVersion.created_by))
        .order_by(DocumentVersion.version.desc())).scalars())
    found = []
    for kind in docs.KINDS:
        versions = [v for v in rows if v.kind == kind.key]
        if versions:
            found.append({"kind": kind, "versions": versions, "latest": versions[0]})
    return found


def download_name(version: DocumentVersion, extension: str) -> str:
    kind = docs.BY_KEY[version.kind]
    return f"{kind.filename}-s{version.version}.{extension}"


def pdf_bytes(version: DocumentVersion) -> tuple[bytes, bool]:
    """The version's PDF and whether it was made now (the caller caches it with cache_pdf)."""
    if version.has_pdf and version.pdf:
        return version.pdf, False
    try:
        return docx_to_pdf(version.docx, binary=current_app.config.get("SOFFICE_BINARY")), True
    except PdfUnavailable as exc:
        log.warning("PDF of document version %s: %s", version.id, exc)
        raise ServiceError(_("PDF oluşturulamadı: sunucuda LibreOffice kurulu değil ya da dönüştürme başarısız "
                             "oldu. Word (.docx) dosyasını indirip PDF olarak kaydedebilirsiniz."),
                           code="pdf_unavailable") from exc


def cache_pdf(version_id: int, pdf: bytes) -> None:
    db.session.execute(db.update(DocumentVersion).where(DocumentVersion.id == version_id)
                       .values(pdf=pdf, has_pdf=True).execution_options(synchronize_session=False))


# -- templates ----------------------------------------------------------------------------------

def templates_of(municipality_id: int) -> list[dict]:
    rows = list(db.session.execute(
        db.select(DocumentTemplate).where(DocumentTemplate.municipality_id == municipality_id)
        .options(db.joinedload(DocumentTemplate.uploaded_by))
        .order_by(DocumentTemplate.version.desc())).scalars())
    found = []
    for kind in docs.KINDS:
        uploads = [t for t in rows if t.kind == kind.key]
        found.append({"kind": kind, "uploads": uploads, "active": next((t for t in uploads if t.active), None)})
    return found


def template_for(municipality_id: int, template_id: int) -> DocumentTemplate:
    template = db.session.get(DocumentTemplate, template_id) if valid_id(template_id) else None
    if template is None or template.municipality_id != municipality_id:
        raise NotFound()
    return template


def _kind(key: str):
    kind = docs.BY_KEY.get(key)
    if kind is None:
        raise NotFound()
    return kind


PROBLEMS = {
    "too_big": lambda d: _("Şablon dosyası çok büyük (en fazla %(mb)s MB).", mb=_megabytes(d)),
    "not_docx": lambda d: _("Dosya bir Word belgesi (.docx) değil ya da bozuk."),
    "macros": lambda d: _("Makro içeren Word belgeleri (.docm) şablon olarak kabul edilmez."),
    "syntax": lambda d: _("Şablonda yazım (Jinja) hatası var: %(error)s", error=d),
    "unknown": lambda d: _("Şablonda tanınmayan yer tutucu var: %(names)s. Kullanılabilecek yer tutucular "
                           "“Yer tutucular” sayfasında listelenir.", names=d),
    "render": lambda d: _("Şablon örnek verilerle oluşturulamadı: %(error)s", error=d),
    "external": lambda d: _("Şablon dış bir dosyaya ya da adrese bağlantı içeriyor (bağlantılı resim, nesne "
                            "ya da alan kodu: %(target)s). Yalnızca köprüler (hyperlink) kabul edilir; "
                            "resimleri belgeye gömün.", target=d),
    "unsafe": lambda d: _("Şablonda izin verilmeyen bir ifade var (%(error)s). Yalnızca belgelenmiş yer "
                          "tutucular ve süzgeçler kullanılabilir.", error=d),
    "timeout": lambda d: _("Şablon denetimi zaman aşımına uğradı: şablon çok fazla işlem gerektiriyor "
                           "(örneğin iç içe büyük döngüler). Şablon kabul edilmedi."),
    "limits": lambda d: _("Şablon denetimi bellek sınırını aştı: şablon çok büyük içerik üretiyor. Şablon "
                          "kabul edilmedi."),
}


def _concurrent() -> Conflict:
    return Conflict(_("Şablonlar aynı anda başka biri tarafından değiştirildi. Sayfayı yenileyip yeniden "
                      "deneyin."))


def _megabytes(detail: str) -> str:
    try:
        return f"{int(detail) / 1_000_000:g}".replace(".", ",")
    except ValueError:
        return "?"


def upload_template(municipality, kind_key: str, filename: str, data: bytes, actor) -> DocumentTemplate:
    """Check and store a municipality's own template; it becomes the active one. A refused file
    changes nothing (the previous template stays in use)."""
    kind = _kind(kind_key)
    limit = current_app.config.get("DOCUMENT_TEMPLATE_MAX_BYTES", DEFAULT_MAX_TEMPLATE_BYTES)
    if not data:
        raise ServiceError(_("Bir .docx dosyası seçin."), code="validation")
    try:
        check_template_isolated(data, top_level(kind.key), docs.sample_context(kind.key), limit,
                                seconds=current_app.config.get("DOCUMENT_TEMPLATE_CHECK_SECONDS", 10))
    except TemplateProblem as problem:
        raise ServiceError(PROBLEMS.get(problem.reason, PROBLEMS["render"])(problem.detail),
                           code="validation") from problem
    _lock_templates(municipality.id)
    current = db.session.execute(
        db.select(db.func.max(DocumentTemplate.version)).where(
            DocumentTemplate.municipality_id == municipality.id, DocumentTemplate.kind == kind.key)).scalar() or 0
    _deactivate(municipality.id, kind.key)
    template = DocumentTemplate(
        municipality_id=municipality.id, kind=kind.key, version=current + 1, filename=docs.clean_filename(filename,
        f"{kind.key}.docx"), content=data, size=len(data), sha256=hashlib.sha256(data).hexdigest(), active=True,
        uploaded_by_id=getattr(actor, "id", None))
    db.session.add(template)
    _flush()
    audit.record("document.template_uploaded", actor, municipality_id=municipality.id, kind=kind.key,
                 version=template.version, filename=template.filename)
    regenerate(municipality.id, kind.key, actor)
    return template


def activate_template(municipality, template_id: int, actor) -> DocumentTemplate:
    _lock_templates(municipality.id)
    template = template_for(municipality.id, template_id)
    _deactivate(municipality.id, template.kind)
    template.active = True
    _flush()
    audit.record("document.template_activated", actor, municipality_id=municipality.id, kind=template.kind,
                 version=template.version)
    regenerate(municipality.id, template.kind, actor)
    return template


def revert_to_default(municipality, kind_key: str, actor) -> None:
    kind = _kind(kind_key)
    _lock_templates(municipality.id)
    _deactivate(municipality.id, kind.key)
    audit.record("document.template_reverted", actor, municipality_id=municipality.id, kind=kind.key)
    regenerate(municipality.id, kind.key, actor)


def _deactivate(municipality_id: int, kind: str) -> None:
    db.session.execute(db.update(DocumentTemplate).where(
        DocumentTemplate.municipality_id == municipality_id, DocumentTemplate.kind == kind,
        DocumentTemplate.active.is_(True)).values(active=False).execution_options(synchronize_session="fetch"))
    _flush()


def _lock_templates(municipality_id: int) -> None:
    """Serialise template changes of a municipality: its row locked for the transaction
    (PostgreSQL; SQLite's write transaction already serialises)."""
    db.session.execute(db.select(Municipality.id).where(Municipality.id == municipality_id).with_for_update())


def _flush() -> None:
    """A race the locks did not prevent (the one-active index, a version number) is a conflict."""
    try:
        db.session.flush()
    except IntegrityError as exc:  # the caller rolls back
        raise _concurrent() from exc


def regenerate(municipality_id: int, kind: str, actor) -> int:
    """Documents of the municipality's open instances made again with the template now in use.
    Each instance is locked first (as a transition does), so version numbers cannot collide."""
    from ..models import ProcessInstance
    from .instances import lock
    made = 0
    ids = db.session.execute(db.select(ProcessInstance.id).where(
        ProcessInstance.municipality_id == municipality_id,
        ProcessInstance.status.in_(("running", "suspended"))).order_by(ProcessInstance.id)).scalars().all()
    for instance_id in ids:
        instance = lock(instance_id)
        if instance.status not in ("running", "suspended"):
            continue
        made += len(refresh(instance, actor, source_data(instance), only=kind))
    try:
        db.session.flush()
    except IntegrityError as exc:  # the caller rolls back
        raise _concurrent() from exc
    return made
