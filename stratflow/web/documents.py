"""Official documents: downloads (DOCX, XLSX, PDF on demand), the template page of a municipality
(upload, reuse an earlier upload, back to the default) and the placeholder reference.

Who: anyone holding a role in the municipality downloads its documents (the consultant too); the
templates are the administrator's and the municipality coordinator's (others of the municipality:
403; other municipalities: 404).
"""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from .. import documents as docs
from ..documents.variables import PLACEHOLDERS
from ..services import Forbidden, NotFound, ServiceError
from ..services import documents as service
from . import unit_of_work
from .forms import ActionForm

bp = Blueprint("documents", __name__)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TemplateForm(FlaskForm):
    file = FileField(_l("Word şablonu (.docx)"), validators=[FileRequired(_l("Bir .docx dosyası seçin."))])


@bp.app_template_global()
def document_title(kind_key: str) -> str:
    kind = docs.BY_KEY.get(kind_key)
    return kind.title if kind else kind_key


def _version(version_id: int):
    try:
        return service.version_for(current_user, version_id)
    except NotFound:
        abort(404)


def _send(data: bytes, mimetype: str, name: str):
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.route("/documents/<int:version_id>.docx")
@login_required
def docx(version_id):
    version = _version(version_id)
    return _send(version.docx, DOCX, service.download_name(version, "docx"))


@bp.route("/documents/<int:version_id>.xlsx")
@login_required
def xlsx(version_id):
    version = _version(version_id)
    if not version.has_xlsx:
        abort(404)
    return _send(version.xlsx, XLSX, service.download_name(version, "xlsx"))


@bp.route("/documents/<int:version_id>.pdf")
@login_required
def pdf(version_id):
    version = _version(version_id)
    name, instance_id = service.download_name(version, "pdf"), version.instance_id
    try:
        data, made = service.pdf_bytes(version)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("instances.show", instance_id=instance_id, _anchor="documents")
                        if _sees_instance(version) else url_for("inbox.index"))
    if made:  # cached after the request's (read) transaction; a failed cache write still serves the file
        unit_of_work.later(lambda: service.cache_pdf(version_id, data))
    return _send(data, "application/pdf", name)


def _sees_instance(version) -> bool:
    return service.instance_visible(current_user, version)


# -- templates ----------------------------------------------------------------------------------

def _municipality(municipality_id: int):
    try:
        return service.templates_municipality(current_user, municipality_id)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


def _templates_page(municipality, form=None, status: int = 200):
    return render_template("documents/templates.html", municipality=municipality,
                           rows=service.templates_of(municipality.id), form=form or TemplateForm(formdata=None),
                           action_form=ActionForm(formdata=None)), status


@bp.route("/municipalities/<int:municipality_id>/document-templates")
@login_required
def templates(municipality_id):
    return _templates_page(_municipality(municipality_id))


@bp.route("/municipalities/<int:municipality_id>/document-templates/<kind>", methods=["POST"])
@login_required
def upload(municipality_id, kind):
    municipality = _municipality(municipality_id)
    if kind not in docs.BY_KEY:
        abort(404)
    form = TemplateForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        for message in form.file.errors:
            flash(str(message), "error")
        return _templates_page(municipality, form, 422)
    upload = form.file.data
    try:
        template = service.upload_template(municipality, kind, upload.filename, upload.read(), current_user)
    except ServiceError as exc:
        unit_of_work.discard()
        flash(exc.message, "error")
        return _templates_page(_municipality(municipality_id), form, 422)
    flash(_("“%(kind)s” için şablon sürüm %(version)d kullanıma alındı.", kind=docs.BY_KEY[kind].title,
            version=template.version), "success")
    return redirect(url_for("documents.templates", municipality_id=municipality_id))


@bp.route("/municipalities/<int:municipality_id>/document-templates/<kind>/default", methods=["POST"])
@login_required
def revert(municipality_id, kind):
    return _template_action(municipality_id, lambda m: service.revert_to_default(m, kind, current_user),
                            lambda _result: _("“%(kind)s” için varsayılan şablon kullanılıyor.",
                                              kind=docs.BY_KEY[kind].title))


@bp.route("/municipalities/<int:municipality_id>/document-templates/<int:template_id>/activate", methods=["POST"])
@login_required
def activate(municipality_id, template_id):
    return _template_action(
        municipality_id, lambda m: service.activate_template(m, template_id, current_user),
        lambda template: _("“%(kind)s” için şablon sürüm %(version)d yeniden kullanıma alındı.",
                           kind=docs.BY_KEY[template.kind].title, version=template.version))


def _template_action(municipality_id, act, done_message):
    """Revert / activate: CSRF, the service call, commit; a refusal is flashed, never a 500."""
    municipality = _municipality(municipality_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        result = act(municipality)
    except NotFound:
        abort(404)
    except ServiceError as exc:
        unit_of_work.discard()
        flash(exc.message, "error")
        return redirect(url_for("documents.templates", municipality_id=municipality_id))
    flash(done_message(result), "success")
    return redirect(url_for("documents.templates", municipality_id=municipality_id))


@bp.route("/municipalities/<int:municipality_id>/document-templates/<int:template_id>.docx")
@login_required
def template_file(municipality_id, template_id):
    _municipality(municipality_id)
    try:
        template = service.template_for(municipality_id, template_id)
    except NotFound:
        abort(404)
    return _send(template.content, DOCX, template.filename)


@bp.route("/document-templates/default/<kind>.docx")
@login_required
def default_file(kind):
    if kind not in docs.BY_KEY:
        abort(404)
    return _send(docs.default_template(kind), DOCX, f"{docs.BY_KEY[kind].filename}-sablon.docx")


@bp.route("/document-templates/placeholders")
@login_required
def placeholders():
    return render_template("documents/placeholders.html", kinds=docs.KINDS, placeholders=PLACEHOLDERS)
