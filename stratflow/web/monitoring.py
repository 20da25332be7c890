"""The yearly cycle on the web: the coordinator starts a monitoring period or a performance programme
from the plan's page; everyone with a role in the municipality reads a monitoring's realisation
(planned vs actual, per target) and downloads it."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..parsing import parse_int
from ..services import (
    NotFound,
    ServiceError,
    access,
    monitoring,
    monitoring_report,
    performance,
    plan_access,
    plan_update,
    spreadsheet,
)
from . import unit_of_work
from .forms import ActionForm

bp = Blueprint("monitoring", __name__, url_prefix="/instances/<int:instance_id>")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _instance(instance_id):
    try:
        return plan_access.instance_for(current_user, instance_id)
    except NotFound:
        abort(404)


@bp.route("/monitoring", methods=["POST"])
@login_required
def start(instance_id):
    plan = _instance(instance_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not access.can_manage(current_user, plan.municipality_id):
        abort(404)
    try:
        started = monitoring.start_period(current_user, plan, parse_int(request.form.get("year")) or 0,
                                          parse_int(request.form.get("half")) or 0)
    except ServiceError as exc:
        unit_of_work.discard()
        flash(exc.message, "error")
        return redirect(url_for("plan.show", instance_id=plan.id))
    flash(_("İzleme dönemi başlatıldı: birimlerin görev kutusuna gösterge girişi görevi düştü."), "success")
    return redirect(url_for("instances.show", instance_id=started.id))


@bp.route("/performance", methods=["POST"])
@login_required
def start_performance(instance_id):
    plan = _instance(instance_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not access.can_manage(current_user, plan.municipality_id):
        abort(404)
    try:
        started = performance.start_program(current_user, plan, parse_int(request.form.get("year")) or 0)
    except ServiceError as exc:
        unit_of_work.discard()
        flash(exc.message, "error")
        return redirect(url_for("plan.show", instance_id=plan.id))
    flash(_("Performans programı hazırlığı başlatıldı: birimler yılın hedeflerini ve maliyetlerini önerecek."),
          "success")
    return redirect(url_for("instances.show", instance_id=started.id))


@bp.route("/plan-update", methods=["POST"])
@login_required
def start_update(instance_id):
    plan = _instance(instance_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not access.can_manage(current_user, plan.municipality_id):
        abort(404)
    try:
        started = plan_update.start_update(current_user, plan, request.form.get("reason"))
    except ServiceError as exc:
        unit_of_work.discard()
        flash(exc.message, "error")
        return redirect(url_for("plan.show", instance_id=plan.id))
    flash(_("Plan güncellemesi açıldı: planlama ekibi kalan yılların hedef kartlarını düzenleyebilir."), "success")
    return redirect(url_for("instances.show", instance_id=started.id))


def _realisation(instance_id):
    instance = _instance(instance_id)
    if not monitoring.is_monitoring(instance):
        abort(404)
    return instance, monitoring.realisation_of(instance)


@bp.route("/realisation")
@login_required
def realisation(instance_id):
    instance, result = _realisation(instance_id)
    return render_template("monitoring/realisation.html", instance=instance, result=result,
                           targets={t.code: t for t in result.targets})


@bp.route("/realisation.xlsx")
@login_required
def realisation_xlsx(instance_id):
    instance, result = _realisation(instance_id)
    header, *rows = monitoring.realisation_sheet(result)
    body = spreadsheet.xlsx_bytes([spreadsheet.Sheet(spreadsheet.sheet_title(_("İzleme")), header, rows)])
    return Response(body, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="izleme-{instance.id}.xlsx"'})


@bp.route("/realisation.docx")
@login_required
def realisation_docx(instance_id):
    instance, _result = _realisation(instance_id)
    return Response(monitoring_report.build_docx(instance), mimetype=DOCX, headers={
        "Content-Disposition": f'attachment; filename="izleme-raporu-{instance.id}.docx"'})
