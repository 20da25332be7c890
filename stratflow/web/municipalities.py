"""Municipalities: the list, creating one (admin), its facts, settings, spending units, people and
imports; the council meeting dates (clerk, coordinator) and the administrative-leave days (admin).

A coordinator manages only their own municipality; everyone else but an admin gets a 404.
Every form is posted back to a page that re-shows it with Turkish messages on bad input.
"""

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from .. import calendar
from ..parsing import parse_int
from ..services import (
    NotFound,
    ServiceError,
    access,
    calendars,
    imports,
    municipalities,
    municipality_import,
    people,
    public_plan,
    settings,
)
from . import unit_of_work
from .forms import ActionForm
from .labels import ELECTION_KIND_LABELS, ROLE_LABELS

bp = Blueprint("municipalities", __name__)

TYPE_LABELS = {"buyuksehir": _l("Büyükşehir belediyesi"), "il": _l("İl belediyesi"),
               "ilce": _l("İlçe belediyesi"), "belde": _l("Belde belediyesi")}
WEEKDAY_LABELS = {"monday": _l("Pazartesi"), "tuesday": _l("Salı"), "wednesday": _l("Çarşamba"),
                  "thursday": _l("Perşembe"), "friday": _l("Cuma"), "saturday": _l("Cumartesi"),
                  "sunday": _l("Pazar")}
KIND_LABELS = {"units": _l("Harcama birimleri"), "people": _l("Kişiler")}
STATUS_BY_CODE = {"validation": 422, "import": 422, "conflict": 409, "forbidden": 403, "not_found": 404}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MunicipalityForm(FlaskForm):
    name = StringField(_l("Belediye adı"), render_kw={"maxlength": 200})
    province = SelectField(_l("İl"), validate_choice=False,
                           choices=[("", _l("— seçin —"))] + [(p, p) for p in municipalities.PROVINCES])
    type = SelectField(_l("Belediye türü"), validate_choice=False,
                       choices=[("", _l("— seçin —")), *TYPE_LABELS.items()])
    population = StringField(_l("Nüfus"), render_kw={"inputmode": "numeric"})
    election_date = StringField(_l("Seçim tarihi"), render_kw={"type": "date"})
    election_kind = SelectField(_l("Seçim türü"), validate_choice=False, choices=list(ELECTION_KIND_LABELS.items()))
    general_election_date = StringField(_l("Genel seçim tarihi (yalnızca yenileme seçiminde)"),
                                        render_kw={"type": "date"})
    mazbata_date = StringField(_l("Mazbata tarihi"), render_kw={"type": "date"})
    council_weekday = SelectField(_l("Meclis toplantı günü"), validate_choice=False,
                                  choices=[("", _l("— seçin —")), *WEEKDAY_LABELS.items()])


MONTH_LABELS = (_l("Ocak"), _l("Şubat"), _l("Mart"), _l("Nisan"), _l("Mayıs"), _l("Haziran"), _l("Temmuz"),
                _l("Ağustos"), _l("Eylül"), _l("Ekim"), _l("Kasım"), _l("Aralık"))
SOURCE_LABELS = {"rule": _l("Kurala göre"), "moved": _l("Tatil nedeniyle kaydırıldı"), "entered": _l("Girilen tarih")}


class SettingsForm(FlaskForm):
    """The municipality's settings; the phase targets come as rule_<step> fields (see the template)."""
    recess_month = SelectField(_l("Meclis tatil ayı"), validate_choice=False,
                               choices=[("none", _l("Tatil yok")),
                                        *[(str(i), m) for i, m in enumerate(MONTH_LABELS, 1)]])
    reminder_before = StringField(_l("Son tarihten önce hatırlatma (iş günü, ör. 7,3,1)"), render_kw={"maxlength": 60})
    remind_on_due = SelectField(_l("Son gün hatırlatması"), validate_choice=False,
                                choices=[("", _l("Varsayılan")), ("yes", _l("Evet")), ("no", _l("Hayır"))])
    overdue_every = StringField(_l("Gecikmede kaç iş gününde bir hatırlatılsın (0: hiç)"), render_kw={"maxlength": 3})
    escalation_days = StringField(_l("Üst makama bildirim eşikleri (gecikilen iş günü, ör. 3,6,10)"),
                                  render_kw={"maxlength": 60})
    countdown_days = StringField(_l("Yasal süre geri sayımı (gün, ör. 60,30,14,7,3)"), render_kw={"maxlength": 60})
    public_plan_page = SelectField(_l("Herkese açık plan sayfası"), validate_choice=False,
                                   choices=[("no", _l("Kapalı")),
                                            ("yes", _l("Açık: kabul edilen planın hedefleri ve onaylı izleme "
                                                       "sonuçları giriş yapmadan görülebilir"))])
    monitoring_autostart = SelectField(_l("İzleme dönemleri"), validate_choice=False,
                                       choices=[("yes", _l("Kendiliğinden başlasın: her altı ayın bitiminde birimlere "
                                                           "gösterge girişi görevi düşer")),
                                                ("no", _l("Koordinatör başlatsın (plan sayfasından)"))])


class MeetingForm(FlaskForm):
    month = StringField(_l("Toplantı ayı (boşsa tarihin ayı)"), render_kw={"type": "month"})
    meeting_date = StringField(_l("Gerçek toplantı tarihi"), render_kw={"type": "date"})


class LeaveDayForm(FlaskForm):
    day = StringField(_l("Tarih"), render_kw={"type": "date"})
    label = StringField(_l("Açıklama"), render_kw={"maxlength": 200})


class UnitForm(FlaskForm):
    name = StringField(_l("Birim adı"), render_kw={"maxlength": 200})
    code = StringField(_l("Kod"), render_kw={"maxlength": 40})


class PersonForm(FlaskForm):
    email = EmailField(_l("E-posta"), render_kw={"maxlength": 254})
    full_name = StringField(_l("Ad Soyad"), render_kw={"maxlength": 200})
    title = StringField(_l("Unvan"), render_kw={"maxlength": 200})
    phone = StringField(_l("Telefon"), render_kw={"maxlength": 40})
    roles = SelectMultipleField(_l("Roller"), validate_choice=False,
                                choices=[(r, ROLE_LABELS[r]) for r in people.PERSON_ROLES],
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    unit_id = SelectField(_l("Birim (birim müdürü ve ekip üyesi için)"), validate_choice=False, choices=[])
    password = PasswordField(_l("İlk parola (en az 8 karakter)"), render_kw={"autocomplete": "new-password"})


class PersonEditForm(PersonForm):
    password = PasswordField(_l("Yeni parola (boş bırakılırsa değişmez)"),
                             render_kw={"autocomplete": "new-password"})


class MunicipalityImportForm(FlaskForm):
    file = FileField(_l("Dosya (.csv ya da .xlsx)"), render_kw={"accept": ".csv,.xlsx"})


class ImportForm(FlaskForm):
    kind = SelectField(_l("İçe aktarılacak kayıtlar"), validate_choice=False, choices=list(KIND_LABELS.items()))
    file = FileField(_l("Dosya (.csv ya da .xlsx)"), render_kw={"accept": ".csv,.xlsx"})


# -- helpers --------------------------------------------------------------------------------------

def _managed(municipality_id: int):
    try:
        return access.municipality_for(current_user, municipality_id, manage=True)
    except NotFound:
        abort(404)


def _submitted(form) -> None:
    if not form.validate_on_submit():  # only the CSRF token is validated by the form itself
        abort(400)


def _commit(action, *args):
    """Run a service call: (result, None), or (None, error) with its work discarded (the request's
    commit is unit_of_work's)."""
    try:
        return action(*args), None
    except NotFound:
        abort(404)
    except ServiceError as exc:
        unit_of_work.discard()
        return None, exc


def _refuse(exc: ServiceError, form=None) -> int:
    """Flash the refusal, put field messages on the form; the HTTP status to answer with."""
    flash(exc.message, "error")
    for key, message in exc.field_errors.items():
        field = getattr(form, key, None) if form is not None else None
        if field is not None:
            field.errors = [message]
        else:
            flash(message, "error")
    return STATUS_BY_CODE.get(exc.code, 400)


def _back(municipality_id: int, anchor: str | None = None):
    return redirect(url_for(".show", municipality_id=municipality_id, _anchor=anchor))


def _facts(m) -> dict:
    return {"name": m.name, "province": m.province, "type": m.type, "population": str(m.population),
            "election_date": m.election_date.isoformat(), "election_kind": m.election_kind,
            "general_election_date": m.general_election_date.isoformat() if m.general_election_date else "",
            "mazbata_date": m.mazbata_date.isoformat() if m.mazbata_date else "",
            "council_weekday": m.council_weekday}


def _person_form(m, cls=PersonForm, **kwargs):
    form = cls(**kwargs)
    form.unit_id.choices = [("", _("— birim yok —"))] + [
        (str(u.id), u.name) for u in municipalities.sorted_units(m)]
    return form


def _settings_context(m, form=None, rule_values=None, rule_errors=None) -> dict:
    data = settings.form_data(m)
    config = current_app.config
    policy = settings.default_policy(config)
    return {"settings_form": form or SettingsForm(formdata=None, data=data),
            "phase_tasks": settings.phase_tasks(),
            "rule_values": rule_values if rule_values is not None else
            {k[len("rule_"):]: v for k, v in data.items() if k.startswith("rule_")},
            "rule_errors": rule_errors or {}, "recess_notes": settings.recess_notes(m),
            "default_policy": policy, "default_countdown": tuple(config["COUNTDOWN_DAYS"]),
            "public_page_on": data["public_plan_page"] == "yes",
            "public_page_adopted": public_plan.adopted_plan(m.id) is not None}


def _page(m, status: int = 200, **parts):
    context = {"form": MunicipalityForm(formdata=None, data=_facts(m)), "unit_form": UnitForm(formdata=None),
               "person_form": _person_form(m, formdata=None), "import_form": ImportForm(formdata=None),
               "rename": None, "import_lines": []}
    context.update(_settings_context(m))
    context.update(parts)
    people_rows = [{"user": u, "roles": people.roles_in(u, m),
                    "editable": people.can_edit_details(current_user, u, m)} for u in people.people_of(m)]
    return render_template(
        "municipalities/show.html", municipality=m, units=municipalities.sorted_units(m),
        usage=municipalities.unit_usage(m), unit_names={u.id: u.name for u in m.units}, people=people_rows,
        action_form=ActionForm(formdata=None), columns=imports.COLUMNS, role_names=imports.ROLE_NAMES,
        max_rows=current_app.config.get("IMPORT_MAX_ROWS", 2000), type_label=TYPE_LABELS.get,
        schedule=calendars.of(m).schedule,
        weekday_label=WEEKDAY_LABELS.get, **context), status


# -- the municipality -----------------------------------------------------------------------------

@bp.route("/municipalities")
@login_required
def index():
    managed = access.managed_municipalities(current_user)
    if not managed and not current_user.is_admin:
        abort(404)
    return render_template("municipalities/index.html", municipalities=managed,
                           can_create=current_user.is_admin, type_label=TYPE_LABELS.get)


@bp.route("/municipalities/new", methods=["GET", "POST"])
@login_required
def new():
    if not current_user.is_admin:
        abort(404)
    if request.method == "GET":
        form = MunicipalityForm(formdata=None, data={"council_weekday": "tuesday", "election_kind": "genel"})
        return _new_page(form)
    form = MunicipalityForm()
    _submitted(form)
    municipality, error = _commit(municipalities.create_municipality, current_user, form.data)
    if error:
        status = _refuse(error, form)
        return _new_page(form, status)
    flash(_("“%(name)s” oluşturuldu. Şimdi harcama birimlerini ve kişileri ekleyin.", name=municipality.name),
          "success")
    return _back(municipality.id)


def _new_page(form, status: int = 200, import_form=None, import_lines=()):
    return render_template("municipalities/new.html", form=form,
                           import_form=import_form or MunicipalityImportForm(formdata=None),
                           import_lines=list(import_lines), columns=imports.COLUMNS[municipality_import.KIND],
                           max_rows=current_app.config.get("IMPORT_MAX_ROWS", 2000)), status


@bp.route("/municipalities/import", methods=["POST"])
@login_required
def import_municipalities():
    if not current_user.is_admin:
        abort(404)
    form = MunicipalityImportForm()
    _submitted(form)
    blank = MunicipalityForm(formdata=None, data={"council_weekday": "tuesday", "election_kind": "genel"})
    upload = form.file.data
    if upload is None or not upload.filename:
        form.file.errors = [_("Yüklenecek dosyayı seçin.")]
        flash(_("Yüklenecek dosyayı seçin."), "error")
        return _new_page(blank, 422, form)
    count, error = _commit(municipality_import.import_municipalities, current_user, upload.filename, upload.read(),
                           current_app.config.get("IMPORT_MAX_ROWS", 2000))
    if error:
        flash(error.message, "error")
        return _new_page(blank, STATUS_BY_CODE.get(error.code, 400), form, getattr(error, "lines", []))
    flash(_("%(n)d belediye içe aktarıldı.", n=count), "success")
    return redirect(url_for(".index"))


@bp.route("/municipalities/import/municipalities.xlsx")
@login_required
def import_municipalities_template():
    if not current_user.is_admin:
        abort(404)
    return Response(imports.template_xlsx(municipality_import.KIND), mimetype=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="belediyeler.xlsx"'})


@bp.route("/municipalities/<int:municipality_id>")
@login_required
def show(municipality_id):
    return _page(_managed(municipality_id))


@bp.route("/municipalities/<int:municipality_id>", methods=["POST"])
@login_required
def update(municipality_id):
    m = _managed(municipality_id)
    form = MunicipalityForm()
    _submitted(form)
    # a post without the election fields (an older page) keeps them as stored: never a silent change
    data = {k: v for k, v in form.data.items()
            if k in request.form or k not in ("election_kind", "general_election_date")}
    changes, error = _commit(municipalities.update_municipality, current_user, m, data)
    if error:
        return _page(m, _refuse(error, form), form=form)
    flash(_("Belediye bilgileri kaydedildi.") if changes else _("Değişiklik yok."), "success")
    return _back(m.id)


@bp.route("/municipalities/<int:municipality_id>/settings", methods=["POST"])
@login_required
def update_settings(municipality_id):
    m = _managed(municipality_id)
    form = SettingsForm()
    _submitted(form)
    data = {**form.data, **{k: v for k, v in request.form.items() if k.startswith("rule_")}}
    for choice in ("public_plan_page", "monitoring_autostart"):
        if choice not in request.form:  # an older page: the stored choice stays
            data.pop(choice, None)
    changes, error = _commit(settings.update_settings, current_user, m, data)
    if error:
        status = _refuse(error, form)
        rule_errors = {k[len("rule_"):]: v for k, v in error.field_errors.items() if k.startswith("rule_")}
        rule_values = {k[len("rule_"):]: v for k, v in request.form.items() if k.startswith("rule_")}
        return _page(m, status, **_settings_context(m, form, rule_values, rule_errors))
    flash(_("Ayarlar kaydedildi; açık görevlerin son tarihleri güncellendi.") if changes else _("Değişiklik yok."),
          "success")
    return _back(m.id, "settings")


# -- council meetings (the clerk and the coordinator enter the actual dates) ----------------------

def _meetings_page(m, form=None, status: int = 200):
    sched = calendars.of(m).schedule
    return render_template(
        "municipalities/council_meetings.html", municipality=m, schedule=sched,
        entered=settings.entered_meeting_rows(m), form=form or MeetingForm(formdata=None),
        action_form=ActionForm(formdata=None), can_edit=settings.can_enter_meetings(current_user, m.id),
        can_manage=access.can_manage(current_user, m.id), source_label=SOURCE_LABELS.get,
        notes=_notes, other_notes=_notes(_schedule_notes(sched)),
        month_names=MONTH_LABELS), status


def _notes(warnings) -> list[str]:
    return [calendar.describe(w, str(get_locale() or "tr")) for w in warnings]


def _schedule_notes(sched) -> list:
    """The schedule's warnings but those the meetings table shows beside their meeting."""
    shown = [w for m in sched.meetings for w in m.warnings]
    return [w for w in sched.warnings if w not in shown]


def _meetings_municipality(municipality_id: int, edit: bool = False):
    try:
        return settings.meetings_municipality(current_user, municipality_id, edit=edit)
    except NotFound:
        abort(404)
    except ServiceError:
        abort(403)


@bp.route("/municipalities/<int:municipality_id>/council-meetings", methods=["GET", "POST"])
@login_required
def council_meetings(municipality_id):
    if request.method == "GET":
        return _meetings_page(_meetings_municipality(municipality_id))
    m = _meetings_municipality(municipality_id, edit=True)
    form = MeetingForm()
    _submitted(form)
    row, error = _commit(settings.enter_meeting, current_user, m, form.data)
    if error:
        return _meetings_page(m, form, _refuse(error, form))
    flash(_("%(month)s toplantısının tarihi kaydedildi; hedef toplantı ve son tarihler güncellendi.",
            month=_month(row.month)), "success")
    return redirect(url_for(".council_meetings", municipality_id=m.id))


@bp.route("/municipalities/<int:municipality_id>/council-meetings/<int:meeting_id>/remove", methods=["POST"])
@login_required
def remove_council_meeting(municipality_id, meeting_id):
    m = _meetings_municipality(municipality_id, edit=True)
    _submitted(ActionForm())
    _result, error = _commit(settings.remove_meeting, current_user, m, meeting_id)
    if error:
        return _meetings_page(m, status=_refuse(error))
    flash(_("Girilen tarih silindi; o ayın toplantısı yeniden kurala göre hesaplanıyor."), "success")
    return redirect(url_for(".council_meetings", municipality_id=m.id))


def _month(day) -> str:
    return f"{MONTH_LABELS[day.month - 1]} {day.year}"


# -- administrative-leave days (national; the administrator keeps the table) ----------------------

def _leave_page(year: int, form=None, status: int = 200):
    return render_template("municipalities/leave_days.html", year=year, years=settings.leave_years(),
                           rows=settings.leave_day_rows(year), form=form or LeaveDayForm(formdata=None),
                           action_form=ActionForm(formdata=None)), status


def _year_arg() -> int:
    from datetime import date
    year = parse_int(request.args.get("year", ""))
    return year if year is not None and 1900 <= year <= 2100 else date.today().year


@bp.route("/leave-days", methods=["GET", "POST"])
@login_required
def leave_days():
    if not current_user.is_admin:
        abort(404)
    if request.method == "GET":
        return _leave_page(_year_arg())
    form = LeaveDayForm()
    _submitted(form)
    row, error = _commit(settings.add_leave_day, current_user, form.data)
    if error:
        return _leave_page(_year_arg(), form, _refuse(error, form))
    flash(_("İdari izin günü eklendi; açık görevlerin son tarihleri güncellendi."), "success")
    return redirect(url_for(".leave_days", year=row.day.year))


@bp.route("/leave-days/<int:leave_day_id>/remove", methods=["POST"])
@login_required
def remove_leave_day(leave_day_id):
    if not current_user.is_admin:
        abort(404)
    _submitted(ActionForm())
    day, error = _commit(settings.remove_leave_day, current_user, leave_day_id)
    if error:
        return _leave_page(_year_arg(), status=_refuse(error))
    flash(_("İdari izin günü silindi; açık görevlerin son tarihleri güncellendi."), "success")
    return redirect(url_for(".leave_days", year=day.year))


# -- spending units -------------------------------------------------------------------------------

@bp.route("/municipalities/<int:municipality_id>/units", methods=["POST"])
@login_required
def add_unit(municipality_id):
    m = _managed(municipality_id)
    form = UnitForm()
    _submitted(form)
    unit, error = _commit(municipalities.add_unit, current_user, m, form.data)
    if error:
        return _page(m, _refuse(error, form), unit_form=form)
    flash(_("“%(name)s” birimi eklendi.", name=unit.name), "success")
    return _back(m.id, "units")


@bp.route("/municipalities/<int:municipality_id>/units/<int:unit_id>", methods=["POST"])
@login_required
def update_unit(municipality_id, unit_id):
    m = _managed(municipality_id)
    form = UnitForm()
    _submitted(form)
    changes, error = _commit(municipalities.update_unit, current_user, m, unit_id, form.data)
    if error:
        rename = {"id": unit_id, "name": form.name.data, "code": form.code.data, "errors": error.field_errors}
        flash(error.message, "error")
        return _page(m, STATUS_BY_CODE.get(error.code, 400), rename=rename)
    flash(_("Birim kaydedildi.") if changes else _("Değişiklik yok."), "success")
    return _back(m.id, "units")


@bp.route("/municipalities/<int:municipality_id>/units/<int:unit_id>/remove", methods=["POST"])
@login_required
def remove_unit(municipality_id, unit_id):
    m = _managed(municipality_id)
    _submitted(ActionForm())
    _result, error = _commit(municipalities.remove_unit, current_user, m, unit_id)
    if error:
        return _page(m, _refuse(error))
    flash(_("Birim silindi."), "success")
    return _back(m.id, "units")


# -- people ---------------------------------------------------------------------------------------

@bp.route("/municipalities/<int:municipality_id>/people", methods=["POST"])
@login_required
def add_person(municipality_id):
    m = _managed(municipality_id)
    form = _person_form(m)
    _submitted(form)
    user, error = _commit(people.add_person, current_user, m, form.data)
    if error:
        return _page(m, _refuse(error, form), person_form=form)
    flash(_("“%(name)s” eklendi.", name=user.full_name), "success")
    return _back(m.id, "people")


def _person_data(user, m) -> dict:
    assignments = people.roles_in(user, m)
    unit_id = next((a.unit_id for a in assignments if a.unit_id), None)
    return {"email": user.email, "full_name": user.full_name, "title": user.title or "",
            "phone": user.phone or "", "roles": [a.role for a in assignments],
            "unit_id": str(unit_id) if unit_id else ""}


def _person_page(m, user, form, status: int = 200):
    assignments = people.roles_in(user, m)
    return render_template(
        "municipalities/person.html", municipality=m, person=user, form=form,
        editable=people.can_edit_details(current_user, user, m),
        several_units=len({a.unit_id for a in assignments if a.unit_id}) > 1,
        other_roles=[r for r in user.roles if r.municipality_id != m.id]), status


@bp.route("/municipalities/<int:municipality_id>/people/<int:user_id>", methods=["GET", "POST"])
@login_required
def person(municipality_id, user_id):
    m = _managed(municipality_id)
    try:
        user = people.person_of(m, user_id)
    except NotFound:
        abort(404)
    if request.method == "GET":
        return _person_page(m, user, _person_form(m, PersonEditForm, formdata=None, data=_person_data(user, m)))
    form = _person_form(m, PersonEditForm)
    _submitted(form)
    changes, error = _commit(people.update_person, current_user, m, user_id, form.data)
    if error:
        return _person_page(m, user, form, _refuse(error, form))
    if "password" in changes and user.id == current_user.id:
        login_user(user)  # one's own new password ends the other sessions, not this one
    flash(_("“%(name)s” kaydedildi.", name=user.full_name) if changes else _("Değişiklik yok."), "success")
    return _back(m.id, "people")


@bp.route("/municipalities/<int:municipality_id>/people/<int:user_id>/active", methods=["POST"])
@login_required
def set_active(municipality_id, user_id):
    m = _managed(municipality_id)
    form = ActionForm()
    _submitted(form)
    if form.action.data not in ("activate", "deactivate"):
        abort(400)
    active = form.action.data == "activate"
    _changed, error = _commit(people.set_active, current_user, m, user_id, active)
    if error:
        return _page(m, _refuse(error))
    flash(_("Hesap etkinleştirildi.") if active else _("Hesap devre dışı bırakıldı."), "success")
    return _back(m.id, "people")


# -- import ---------------------------------------------------------------------------------------

@bp.route("/municipalities/<int:municipality_id>/import", methods=["POST"])
@login_required
def import_sheet(municipality_id):
    m = _managed(municipality_id)
    form = ImportForm()
    _submitted(form)
    upload = form.file.data
    if upload is None or not upload.filename:
        form.file.errors = [_("Yüklenecek dosyayı seçin.")]
        flash(_("Yüklenecek dosyayı seçin."), "error")
        return _page(m, 422, import_form=form)
    count, error = _commit(imports.run, current_user, m, form.kind.data, upload.filename, upload.read(),
                           current_app.config.get("IMPORT_MAX_ROWS", 2000))
    if error:
        flash(error.message, "error")
        return _page(m, STATUS_BY_CODE.get(error.code, 400), import_form=form,
                     import_lines=getattr(error, "lines", []))
    message = (_("%(n)d birim içe aktarıldı.", n=count) if form.kind.data == "units"
               else _("%(n)d kişi içe aktarıldı.", n=count))
    flash(message, "success")
    return _back(m.id, "units" if form.kind.data == "units" else "people")


@bp.route("/municipalities/<int:municipality_id>/import/<kind>.xlsx")
@login_required
def import_template(municipality_id, kind):
    _managed(municipality_id)
    if kind not in imports.KINDS:
        abort(404)
    filename = "birimler.xlsx" if kind == "units" else "kisiler.xlsx"
    return Response(imports.template_xlsx(kind), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
