"""The plan's cards on the web: the consolidated view (filters, costing, key indicators, each
unit's completeness), the target card form, goals, versions with their diff, Excel export and import."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from ..parsing import parse_int
from ..services import (
    NotFound,
    ServiceError,
    evaluation,
    monitoring,
    plan_access,
    plan_content,
    plan_excel,
    plan_forms,
    plan_rules,
    plan_update,
    plan_versions,
    plan_views,
    public_plan,
    renewal,
)
from . import unit_of_work
from .forms import ActionForm

bp = Blueprint("plan", __name__, url_prefix="/instances/<int:instance_id>/plan")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS = {"validation": 422, "import": 422, "conflict": 409, "forbidden": 403, "not_found": 404}


class PlanImportForm(FlaskForm):
    file = FileField(_l("Dosya (.xlsx)"), render_kw={"accept": ".xlsx"})


def _instance(instance_id):
    try:
        return plan_access.instance_for(current_user, instance_id)
    except NotFound:
        abort(404)


def _checked_post() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _show(instance, import_form=None, import_lines=(), status=200):
    view = plan_views.plan_view(current_user, instance, goal=request.args.get("goal") or None,
                                unit=parse_int(request.args.get("unit")),
                                completeness=request.args.get("completeness") or None)
    return render_template("plan/show.html", instance=instance, view=view, action_form=ActionForm(),
                           monitoring=monitoring.panel(current_user, instance),
                           evaluation=evaluation.panel(current_user, instance),
                           public_page=public_plan.shows(instance),
                           update=plan_update.panel(current_user, instance),
                           may_copy=renewal.may_copy_cards(current_user, instance),
                           import_form=import_form or PlanImportForm(formdata=None),
                           import_lines=list(import_lines), shown=plan_rules.shown), status


@bp.route("")
@login_required
def show(instance_id):
    return _show(_instance(instance_id))


@bp.route("/goals", methods=["POST"])
@bp.route("/goals/<code>", methods=["POST"])
@login_required
def save_goal(instance_id, code=None):
    instance = _instance(instance_id)
    _checked_post()
    data = {k: request.form.get(k) for k in ("code", "title") if k in request.form}
    try:
        goal = plan_content.save_goal(current_user, instance, data, code)
    except NotFound:
        abort(404)
    except ServiceError as exc:
        unit_of_work.discard()
        if exc.code == "forbidden":
            abort(403)
        flash(" ".join([exc.message, *exc.field_errors.values()]), "error")
        return _show(instance, status=STATUS.get(exc.code, 400))
    flash(_("%(code)s amacı kaydedildi.", code=goal.code), "success")
    return redirect(url_for("plan.show", instance_id=instance.id))


def _card_page(instance, target, submitted=None, errors=None, status=200):
    years = plan_rules.plan_years(instance)
    card = plan_content.card(target, years) if target is not None else None
    if card is not None and submitted is None:
        submitted = plan_content.card_input(card)
    rows = plan_forms.rows(card, submitted, years)
    total, hundred = plan_forms.weight_sum([r for r in rows["indicators"] if r.get("code") or r.get("weight")])
    lock = plan_update.edit_lock(instance)
    edits_all = plan_access.edits_all(current_user, instance) and lock is None
    may_edit = edits_all if target is None else (
        lock is None and plan_access.may_edit_target(current_user, instance, target))
    return render_template(
        "plan/card.html", instance=instance, target=target, card=card, values=submitted or {}, rows=rows,
        years=years, errors=errors or {}, weight_total=total, weights_ok=hundred, may_edit=may_edit,
        edits_all=edits_all, goals=plan_content.goals(instance), units=instance.municipality.units,
        missing=plan_views.missing(target) if target is not None else [], action_form=ActionForm(),
        task_id=request.args.get("task") or request.form.get("task"), lock=lock,
        update_scope=plan_update.scope_of(instance)), status


def _target(instance, code):
    try:
        return plan_content.target(instance, code)
    except NotFound:
        abort(404)


@bp.route("/targets/new", methods=["GET", "POST"])
@bp.route("/targets/<code>", methods=["GET", "POST"])
@login_required
def card(instance_id, code=None):
    instance = _instance(instance_id)
    target = _target(instance, code) if code is not None else None
    if target is None and not plan_access.edits_all(current_user, instance):
        abort(403)
    if request.method == "GET":
        return _card_page(instance, target)
    _checked_post()
    data = plan_forms.parse(request.form, plan_rules.plan_years(instance))
    try:
        saved = plan_content.save_card(current_user, instance, data, code=code,
                                       revision=parse_int(request.form.get("revision")))
    except ServiceError as exc:
        unit_of_work.discard()
        if exc.code == "forbidden":
            abort(403)
        flash(exc.message, "error")
        target = _target(instance, code) if code is not None else None
        return _card_page(instance, target, {**(plan_content.card_input(plan_content.card(
            target, plan_rules.plan_years(instance))) if target is not None else {}), **data},
            exc.field_errors, STATUS.get(exc.code, 400))
    flash(_("%(code)s hedef kartı kaydedildi.", code=saved.code), "success")
    task = request.form.get("task")
    return redirect(url_for("plan.card", instance_id=instance.id, code=saved.code, **({"task": task} if task else {})))


@bp.route("/copy-previous", methods=["POST"])
@login_required
def copy_previous(instance_id):
    """A renewal: the previous plan's goals and target cards as the starting point."""
    instance = _instance(instance_id)
    _checked_post()
    try:
        count = renewal.copy_cards(current_user, instance)
    except ServiceError as exc:
        unit_of_work.discard()
        if exc.code == "forbidden":
            abort(403)
        flash(" ".join([exc.message, *exc.field_errors.values()]), "error")
        return redirect(url_for("plan.show", instance_id=instance.id))
    flash(_("Önceki planın %(n)d hedef kartı başlangıç olarak kopyalandı.", n=count), "success")
    return redirect(url_for("plan.show", instance_id=instance.id))


@bp.route("/versions")
@login_required
def versions(instance_id):
    instance = _instance(instance_id)
    found = plan_versions.versions(instance)
    a, b = parse_int(request.args.get("from")), parse_int(request.args.get("to"))
    compared = None
    if a and b:
        try:
            old, new = plan_versions.version(instance, a), plan_versions.version(instance, b)
        except NotFound:
            abort(404)
        compared = {"from": old, "to": new, "diff": plan_versions.diff(old.snapshot, new.snapshot)}
    elif len(found) >= 2:
        compared = {"from": found[1], "to": found[0], "diff": plan_versions.diff(found[1].snapshot, found[0].snapshot)}
    return render_template("plan/versions.html", instance=instance, versions=found, compared=compared)


@bp.route("/export.xlsx")
@login_required
def export(instance_id):
    instance = _instance(instance_id)
    return Response(plan_excel.export_xlsx(instance), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{plan_excel.filename(instance)}"'})


@bp.route("/import", methods=["POST"])
@login_required
def import_cards(instance_id):
    instance = _instance(instance_id)
    form = PlanImportForm()
    if not form.validate_on_submit():
        abort(400)
    upload = form.file.data
    try:
        if upload is None or not upload.filename:
            raise ServiceError(_("Yüklenecek dosyayı seçin."), code="import")
        count = plan_excel.import_xlsx(current_user, instance, upload.filename, upload.read(),
                                       current_app.config.get("IMPORT_MAX_ROWS", 2000))
    except ServiceError as exc:
        unit_of_work.discard()
        if exc.code == "forbidden":
            abort(403)
        flash(exc.message, "error")
        return _show(instance, form, getattr(exc, "lines", []), STATUS.get(exc.code, 400))
    flash(_("%(n)d hedef kartı içe aktarıldı.", n=count), "success")
    return redirect(url_for("plan.show", instance_id=instance.id))
