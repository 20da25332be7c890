"""Official documents: reading the generated versions (downloads, PDF on demand) and the
municipalities' own templates (checked; versions kept).

Generation happens outside the transitions, in the scheduler (services/document_jobs.py): a
transition only says "documents due"; a template change asks again for the municipality's open
instances, so nothing renders in a web request.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from .. import documents as docs
from ..documents.isolation import check_template_isolated
from ..documents.render import TemplateProblem
from ..documents.variables import top_level
from ..extensions import db
from ..models import DocumentTemplate, DocumentVersion, Municipality, ProcessInstance
from ..pdf import PdfUnavailable, docx_to_pdf
from . import Conflict, Forbidden, NotFound, ServiceError, access, audit, document_jobs, valid_id, versions

log = logging.getLogger(__name__)
DEFAULT_MAX_TEMPLATE_BYTES = 5_000_000


# -- reading ------------------------------------------------------------------------------------

def can_see(user, municipality_id: int) -> bool:
    """Anyone holding a role in the municipality (the consultant too, read-only) and admins."""
    return user.is_admin or municipality_id in user.municipality_ids()


def instance_visible(user, version: DocumentVersion) -> bool:
    """Whether the user may open the instance page the document belongs to."""
    instance = db.session.get(ProcessInstance, version.instance_id)
    return instance is not None and access.can_view_instance(user, instance)


def templates_municipality(user, municipality_id: int) -> Municipality:
    """The municipality whose templates the user manages: NotFound for strangers, Forbidden for the
    municipality's others."""
    municipality = db.session.get(Municipality, municipality_id) if valid_id(municipality_id) else None
    if municipality is None or not can_see(user, municipality_id):
        raise NotFound()
    if not can_manage_templates(user, municipality_id):
        raise Forbidden()
    return municipality


def can_manage_templates(user, municipality_id: int) -> bool:
    return user.is_admin or municipality_id in user.municipality_ids("coordinator")


def version_for(user, version_id: int) -> DocumentVersion:
    version = db.session.get(DocumentVersion, version_id) if valid_id(version_id) else None
    if version is None or not can_see(user, version.municipality_id):
        raise NotFound()
    return version


def latest_for_task(task) -> list[DocumentVersion]:
    """The newest version of every kind shown on this task's page (the model's `documents`)."""
    keys = list(versions.of_instance(task.instance).meaning.documents_on.get(task.bpmn_id, ()))
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


@dataclass
class TaskDocuments:
    latest: list          # the newest version of each kind the task's page shows
    pending: bool         # newer versions are being prepared (a document job is waiting)


def for_task_page(task) -> TaskDocuments | None:
    """What the task's page shows of the documents (None: the model shows none on it)."""
    if not versions.of_instance(task.instance).meaning.documents_on.get(task.bpmn_id):
        return None
    return TaskDocuments(latest=latest_for_task(task), pending=document_jobs.pending(task.instance_id))


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
    "external": lambda d: _("Şablon dış bir dosyaya ya da adrese bağlantı içeriyor (bağlantılı resim, nesne, "
                            "alan kodu ya da dosyaya giden köprü: %(target)s). Yalnızca web (http, https) ve "
                            "e-posta (mailto) köprüleri kabul edilir; resimleri belgeye gömün.", target=d),
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
    """The documents of the municipality's open instances are made again, by the scheduler, with
    the template now in use (only the kinds whose template changed get a new version)."""
    return document_jobs.request_for_municipality(municipality_id, actor)
