"""The task inbox and the task page (form, draft, submit)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..services import (
    NotFound,
    ServiceError,
    access,
    attachments,
    documents,
    evaluation,
    forms,
    plan_views,
    situation,
    tasks,
)
from . import unit_of_work
from .forms import ActionForm

bp = Blueprint("inbox", __name__)


@bp.route("/")
@login_required
def index():
    show_closed = request.args.get("closed") == "1"
    return render_template("inbox/index.html", tasks=access.inbox(current_user, show_closed),
                           show_closed=show_closed)


def _task_or_404(task_id):
    try:
        return access.task_with_permission(current_user, task_id)
    except NotFound:
        abort(404)


# Steps whose work is read on another page of the same instance: (endpoint, link text).
RELATED_PAGES = {
    "monitoring_report": ("monitoring.realisation", _l("Hedeflerin gerçekleşmesi (planlanan ve gerçekleşen)")),
    "monitoring_approval": ("monitoring.realisation", _l("Hedeflerin gerçekleşmesi (planlanan ve gerçekleşen)")),
    "program_consolidation": ("performance.show", _l("Birimlerin önerileri birleştirilmiş: performans programı "
                                                     "(Word taslağı, Excel)")),
    "program_approval": ("performance.show", _l("Performans programı (Word taslağı, Excel)")),
}


def _related(record):
    found = RELATED_PAGES.get(record.bpmn_id)
    return (url_for(found[0], instance_id=record.instance_id), found[1]) if found else None


def _render(record, data, errors, status=200, actionable=None):
    locale = str(get_locale())
    schema = tasks.form_schema(record)
    return render_template(
        "inbox/task.html", task=record, instructions=tasks.instructions(record),
        fields=forms.fields(schema, data, errors, locale), errors=errors,
        form_title=forms.label(schema, "", locale), action_form=ActionForm(),
        task_docs=documents.for_task_page(record), task_files=attachments.for_instance(record.instance_id),
        file_limit=lambda f: attachments.max_bytes({"x-max-bytes": f.max_bytes}),
        situation_url=url_for("instances.situation", instance_id=record.instance_id)
        if record.bpmn_id in situation.SHOWN_ON else None,
        year_report_url=url_for("monitoring.year_report", instance_id=record.instance_id)
        if record.bpmn_id in evaluation.SHOWN_ON else None,
        priority_preview=situation.priority_preview(schema, data, locale),
        plan_panel=plan_views.task_panel(current_user, record), related=_related(record),
        can_act=record.state == "open" and (access.can_act(current_user, record) if actionable is None
                                            else actionable)), status


@bp.route("/tasks/<task_id>", methods=["GET"])
@login_required
def task(task_id):
    record, actionable = _task_or_404(task_id)
    return _render(record, record.draft or {}, {}, actionable=actionable)


def _uploads(schema) -> list:
    """The files chosen in the form's file fields (an empty file input sends no name: none)."""
    return [attachments.Upload(field=key, filename=storage.filename, stream=storage.stream)
            for key in forms.file_fields(schema) for storage in request.files.getlist(key) if storage.filename]


@bp.route("/tasks/<task_id>", methods=["POST"])
@login_required
def submit(task_id):
    record, actionable = _task_or_404(task_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if record.state != "open":
        flash(_("Bu görev artık açık değil."), "error")
        return _render(record, record.draft or {}, {}, 409)
    if not actionable:
        flash(_("Bu görevi tamamlama yetkiniz yok."), "error")
        return _render(record, record.draft or {}, {}, 403)
    schema = tasks.form_schema(record)
    data = forms.parse(schema, request.form)
    typed = dict(data)
    uploads = _uploads(schema)
    try:
        attachments.add_uploads(record, current_user, schema, data, uploads)
        if request.form.get("action") == "draft":
            tasks.save_draft(record, current_user, data)
            flash(_("Taslak kaydedildi."), "success")
            return redirect(url_for("inbox.task", task_id=record.id))
        tasks.complete(record.id, current_user, data)
    except ServiceError as exc:
        unit_of_work.discard()
        flash(exc.message, "error")
        record, actionable = _task_or_404(task_id)
        status = {"validation": 422, "conflict": 409, "forbidden": 403}.get(exc.code, 400)
        errors = dict(exc.field_errors)
        for upload in uploads:  # the refusal threw the new files away with everything else
            errors.setdefault(upload.field, _("Form kaydedilmediği için seçtiğiniz dosya yüklenmedi; "
                                              "dosyayı yeniden seçin."))
        return _render(record, attachments.shown(record, schema, typed), errors, status, actionable)
    flash(_("“%(name)s” tamamlandı.", name=record.name), "success")
    return redirect(url_for("inbox.index"))
