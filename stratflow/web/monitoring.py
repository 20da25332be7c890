"""The yearly cycle on the web: the coordinator starts a monitoring period, a performance programme
or a year's activity reports from the plan's page; everyone with a role in the municipality reads a
monitoring's realisation (planned vs actual, per target) and a year's reports, and downloads them."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..documents.typography import as_date
from ..parsing import parse_int
from ..services import (
    NotFound,
    ServiceError,
    access,
    evaluation,
    evaluation_report,
    monitoring,
    monitoring_report,
    performance,
    plan_access,
    plan_update,
    spreadsheet,
    status_report,
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


def _start(instance_id, begin, done: str):
    """A yearly process started from the plan's page by who manages the municipality: `begin(plan)`
    starts it (a ServiceError is flashed there and nothing is kept), then its instance page."""
    plan = _instance(instance_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not access.can_manage(current_user, plan.municipality_id):
        abort(404)
    try:
        started = begin(plan)
    except ServiceError as exc:
        unit_of_work.discard()
        flash(exc.message, "error")
        return redirect(url_for("plan.show", instance_id=plan.id))
    flash(done, "success")
    return redirect(url_for("instances.show", instance_id=started.id))


def _year() -> int:
    return parse_int(request.form.get("year")) or 0


@bp.route("/monitoring", methods=["POST"])
@login_required
def start(instance_id):
    return _start(instance_id, lambda plan: monitoring.start_period(
        current_user, plan, _year(), parse_int(request.form.get("half")) or 0),
        _("İzleme dönemi başlatıldı: birimlerin görev kutusuna gösterge girişi görevi düştü."))


@bp.route("/performance", methods=["POST"])
@login_required
def start_performance(instance_id):
    return _start(instance_id, lambda plan: performance.start_program(current_user, plan, _year()),
                  _("Performans programı hazırlığı başlatıldı: birimler yılın hedeflerini ve maliyetlerini "
                    "önerecek."))


@bp.route("/evaluation-year", methods=["POST"])
@login_required
def start_evaluation(instance_id):
    return _start(instance_id, lambda plan: evaluation.start_year(current_user, plan, _year()),
                  _("Faaliyet raporu hazırlığı başlatıldı: birimler birim faaliyet raporlarını hazırlayacak."))


@bp.route("/plan-update", methods=["POST"])
@login_required
def start_update(instance_id):
    return _start(instance_id, lambda plan: plan_update.start_update(current_user, plan, request.form.get("reason")),
                  _("Plan güncellemesi açıldı: planlama ekibi kalan yılların hedef kartlarını düzenleyebilir."))


def _year_report(instance_id):
    instance = _instance(instance_id)
    if not evaluation.is_evaluation(instance):
        abort(404)
    return instance


@bp.route("/year-report")
@login_required
def year_report(instance_id):
    instance = _year_report(instance_id)
    report = evaluation.report_of(instance)
    costs = evaluation.cost_totals(report.activities)
    share = "—" if costs[2] is None else status_report.number(costs[2], str(get_locale())) + " %"
    return render_template("monitoring/year_report.html", instance=instance, report=report, costs=costs, share=share,
                           presented_on=as_date(report.council.get("presented_on")))


def _docx(body: bytes, name: str) -> Response:
    return Response(body, mimetype=DOCX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/year-report/unit-<int:unit_id>.docx")
@login_required
def unit_report_docx(instance_id, unit_id):
    instance = _year_report(instance_id)
    try:
        body = evaluation_report.unit_docx(instance, unit_id)
    except StopIteration:
        abort(404)
    return _docx(body, f"birim-faaliyet-raporu-{instance.id}-{unit_id}.docx")


@bp.route("/year-report/activity-report.docx")
@login_required
def activity_report_docx(instance_id):
    instance = _year_report(instance_id)
    return _docx(evaluation_report.activity_docx(instance), f"faaliyet-raporu-{instance.id}.docx")


@bp.route("/year-report/evaluation-report.docx")
@login_required
def evaluation_report_docx(instance_id):
    instance = _year_report(instance_id)
    return _docx(evaluation_report.evaluation_docx(instance), f"degerlendirme-raporu-{instance.id}.docx")


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
