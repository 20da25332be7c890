"""The performance programme as proposed so far (everyone with a role in the municipality reads it;
the strategy unit consolidates from it): the page, the Word draft and the Excel sheet."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..services import NotFound, performance, performance_report, plan_access, spreadsheet, versions

bp = Blueprint("performance", __name__, url_prefix="/instances/<int:instance_id>")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _programme_instance(instance_id):
    try:
        instance = plan_access.instance_for(current_user, instance_id)
    except NotFound:
        abort(404)
    if versions.of_instance(instance).key != performance.PROCESS:
        abort(404)
    return instance


@bp.route("/program")
@login_required
def show(instance_id):
    instance = _programme_instance(instance_id)
    return render_template("monitoring/program.html", instance=instance,
                           programme=performance_report.programme_of(instance))


@bp.route("/program.xlsx")
@login_required
def xlsx(instance_id):
    instance = _programme_instance(instance_id)
    header, *rows = performance_report.sheet_rows(performance_report.programme_of(instance))
    body = spreadsheet.xlsx_bytes([spreadsheet.Sheet(spreadsheet.sheet_title(_("Performans programı")), header, rows)])
    return Response(body, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="performans-programi-{instance.id}.xlsx"'})


@bp.route("/program.docx")
@login_required
def docx(instance_id):
    instance = _programme_instance(instance_id)
    return Response(performance_report.build_docx(instance), mimetype=DOCX, headers={
        "Content-Disposition": f'attachment; filename="performans-programi-{instance.id}.docx"'})
