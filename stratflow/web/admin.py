"""Administration: BPMN definitions — list, upload a new version, look at a version.

Only system administrators get here (anyone else: 404). Uploading BPMN is code deployment:
the scripts and conditions in the file run on the server, so the upload is size-limited,
checked in full before anything is stored, and audited with the uploader.
"""

from __future__ import annotations

import json
from io import BytesIO

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField

from ..documents.filenames import clean_filename
from ..services import NotFound
from ..services import definitions as defs
from . import unit_of_work

bp = Blueprint("admin", __name__, url_prefix="/admin")
BPMN_SUFFIXES = (".bpmn", ".xml")
MAX_FORM_FILES = 50


class UploadForm(FlaskForm):
    bpmn = FileField(_l("BPMN dosyası"), validators=[FileRequired(_l("Bir BPMN dosyası (.bpmn) seçin."))])
    forms = MultipleFileField(_l("Form dosyaları (.json, isteğe bağlı)"))


@bp.before_request
@login_required
def admins_only():
    if not current_user.is_admin:
        abort(404)


@bp.route("/definitions", methods=["GET"])
def definitions():
    return _render_list(UploadForm())


@bp.route("/definitions", methods=["POST"])
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        return _render_list(form, status=422)
    upload = _read_upload(form)
    if upload is None:
        return _render_list(form, status=422)
    data, filename, forms = upload
    try:
        result = defs.import_upload(data, filename, forms, current_app.config["MAX_BPMN_BYTES"],
                                    actor=current_user, source="web")
    except defs.DefinitionRejected as exc:
        unit_of_work.discard()
        flash(exc.message, "error")
        return _render_list(form, report=exc.report, status=422)
    except defs.ConcurrentImport as exc:
        unit_of_work.discard()
        flash(exc.message, "error")
        return _render_list(form, status=409)
    version = result.version
    if result.created:
        flash(_("“%(name)s” sürecinin %(version)d. sürümü yüklendi (%(warnings)d uyarı).",
                name=version.definition.name, version=version.version, warnings=len(result.report.warnings)),
              "success")
    else:
        flash(_("Yüklenen dosya %(version)d. sürümle aynı; yeni sürüm oluşturulmadı.", version=version.version),
              "info")
    return redirect(url_for("admin.version", key=version.definition.key, number=version.version))


@bp.route("/definitions/<key>/versions/<int:number>")
def version(key, number):
    row = _version_or_404(key, number)
    forms = [(name, json.dumps(schema, ensure_ascii=False, indent=2))
             for name, schema in sorted(row.version.forms.items())]
    report = defs.stored_report(row.version, current_app.config["MAX_BPMN_BYTES"])
    return render_template("admin/version.html", row=row, version=row.version, forms=forms, report=report,
                           is_current=row.version.definition.current is row.version)


@bp.route("/definitions/<key>/versions/<int:number>/bpmn")
def download(key, number):
    version = _version_or_404(key, number).version
    return send_file(BytesIO(version.bpmn_xml.encode("utf-8")), mimetype="application/xml",
                     as_attachment=True, download_name=clean_filename(version.filename, "process.bpmn"))


def _version_or_404(key, number):
    try:
        return defs.version_detail(key, number)
    except NotFound:
        abort(404)


def _render_list(form, report=None, status=200):
    return render_template("admin/definitions.html", form=form, report=report, overview=defs.overview(),
                           max_bytes=current_app.config["MAX_BPMN_BYTES"]), status


def _read_upload(form):
    """(bpmn bytes, its filename, {form filename: bytes}) or None with field errors set."""
    bpmn = form.bpmn.data
    filename = _basename(bpmn.filename)
    if not filename.lower().endswith(BPMN_SUFFIXES):
        form.bpmn.errors.append(_("BPMN dosyasının uzantısı .bpmn (ya da .xml) olmalı: %(name)s", name=filename))
        return None
    forms = {}
    for storage in form.forms.data or []:
        name = _basename(getattr(storage, "filename", "") or "")
        if not name:
            continue  # the browser sends an empty part when no form file was chosen
        if not name.lower().endswith(".json"):
            form.forms.errors.append(_("Form dosyalarının uzantısı .json olmalı: %(name)s", name=name))
        elif name in forms:
            form.forms.errors.append(_("Aynı adla iki form dosyası seçildi: %(name)s", name=name))
        forms[name] = storage.read()
    if len(forms) > MAX_FORM_FILES:
        form.forms.errors.append(_("En fazla %(n)d form dosyası yüklenebilir.", n=MAX_FORM_FILES))
    if form.forms.errors:
        return None
    return bpmn.read(), filename, forms


def _basename(name: str) -> str:
    return clean_filename(name, "")
