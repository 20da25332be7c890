"""The municipality overview, its status report (DOCX/PDF) and the consultant cockpit (+ CSV/XLSX)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..pdf import PdfUnavailable, docx_to_pdf
from ..services import NotFound, access, overview, public_plan, spreadsheet, status_report
from .labels import INSTANCE_STATUSES
from .municipalities import TYPE_LABELS

bp = Blueprint("cockpit", __name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _labels() -> dict:
    locale = str(get_locale() or "tr")
    return {"risk_label": lambda level: overview.RISK_LABELS.get(level, level),
            "reason_text": lambda code: overview.REASON_TEXTS.get(code, code),
            "type_label": lambda t: TYPE_LABELS.get(t, t), "rule_text": overview.RULE_TEXT,
            "phase_state": status_report.state_label,
            "ratio_sentence": lambda r: status_report.ratio_sentence(r, locale),
            "compliance_label": lambda c: overview.COMPLIANCE_LABELS.get(c.state, c.state),
            "cycle_label": lambda key: overview.CYCLE_LABELS.get(key, key),
            "compliance_sentence": lambda c: status_report.compliance_sentence(c, locale),
            "number": lambda v: status_report.number(v, locale),
            "percent": lambda v: status_report.percent(v, locale), "today": overview.today_local()}


def _viewed(municipality_id: int):
    try:
        return access.municipality_for(current_user, municipality_id)
    except NotFound:
        abort(404)


@bp.route("/municipalities/<int:municipality_id>/overview")
@login_required
def municipality_overview(municipality_id):
    municipality = _viewed(municipality_id)
    view = overview.municipality_overview(municipality)
    return render_template("overview/show.html", municipality=municipality, view=view,
                           holders=status_report.holders(view), public_page=public_plan.link_for(municipality.id),
                           **_labels())


@bp.route("/municipalities/<int:municipality_id>/overview/report.<any(docx, pdf):kind>")
@login_required
def report(municipality_id, kind):
    municipality = _viewed(municipality_id)
    view = overview.municipality_overview(municipality)
    locale = str(get_locale() or "tr")
    document = status_report.build_docx(view, locale, TYPE_LABELS.get(municipality.type, municipality.type))
    name = status_report.file_name(view)
    if kind == "docx":
        return _download(document, DOCX, f"{name}.docx")
    try:
        pdf = docx_to_pdf(document)
    except PdfUnavailable:
        flash(_("PDF oluşturulamadı: sunucuda LibreOffice kurulu değil ya da dönüştürme başarısız oldu. "
                "Raporu Word (DOCX) olarak indirebilirsiniz."), "error")
        return redirect(url_for("cockpit.municipality_overview", municipality_id=municipality.id))
    return _download(pdf, "application/pdf", f"{name}.pdf")


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cockpit():
    if not overview.can_use_cockpit(current_user):
        abort(403)
    args = request.args
    return overview.cockpit(current_user, province=args.get("province") or None, type=args.get("type") or None,
                            phase=args.get("phase") or None)


@bp.route("/cockpit")
@login_required
def index():
    data = _cockpit()
    return render_template("cockpit/index.html", cockpit=data, phases=data.phases,
                           export_args={k: v for k, v in data.filters.items() if v}, **_labels())


@bp.route("/cockpit.<any(csv, xlsx):kind>")
@login_required
def export(kind):
    data = _cockpit()
    table = status_report.cockpit_table(data.rows, lambda t: str(TYPE_LABELS.get(t, t)),
                                        lambda s: INSTANCE_STATUSES.get(s, s))
    stamp = overview.today_local().isoformat()
    header, rows = table[0], table[1:]
    if kind == "csv":
        return _download(spreadsheet.csv_bytes(header, rows), "text/csv; charset=utf-8", f"kokpit-{stamp}.csv")
    sheet = spreadsheet.Sheet(_("Kokpit"), header, rows, freeze="B2", header_fill="8A1538")
    return _download(spreadsheet.xlsx_bytes([sheet]), XLSX, f"kokpit-{stamp}.xlsx")
