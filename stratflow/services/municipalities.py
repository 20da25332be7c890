"""Setting up a municipality: its facts and its spending units (people: services/people.py).

Input comes as plain dicts of strings (what a form or a sheet row gives). Every function
validates, changes the session, writes audit rows and flushes; the caller commits.
Validation errors are raised as ServiceError(code="validation") with Turkish field messages.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from ..calendar import election
from ..extensions import db
from ..i18n import tr_lower, tr_sort_key
from ..models import Municipality, ProcessInstance, RoleAssignment, SpendingUnit, TaskRecord
from ..models.org import ELECTION_KINDS, MUNICIPALITY_TYPES, WEEKDAYS
from ..parsing import strip_controls
from . import Conflict, NotFound, ServiceError, audit, transition, valid_id, versions

PROVINCES = tuple(sorted((
    "Adana", "Adıyaman", "Afyonkarahisar", "Ağrı", "Aksaray", "Amasya", "Ankara", "Antalya", "Ardahan",
    "Artvin", "Aydın", "Balıkesir", "Bartın", "Batman", "Bayburt", "Bilecik", "Bingöl", "Bitlis", "Bolu",
    "Burdur", "Bursa", "Çanakkale", "Çankırı", "Çorum", "Denizli", "Diyarbakır", "Düzce", "Edirne", "Elazığ",
    "Erzincan", "Erzurum", "Eskişehir", "Gaziantep", "Giresun", "Gümüşhane", "Hakkari", "Hatay", "Iğdır",
    "Isparta", "İstanbul", "İzmir", "Kahramanmaraş", "Karabük", "Karaman", "Kars", "Kastamonu", "Kayseri",
    "Kilis", "Kırıkkale", "Kırklareli", "Kırşehir", "Kocaeli", "Konya", "Kütahya", "Malatya", "Manisa",
    "Mardin", "Mersin", "Muğla", "Muş", "Nevşehir", "Niğde", "Ordu", "Osmaniye", "Rize", "Sakarya", "Samsun",
    "Şanlıurfa", "Siirt", "Sinop", "Sivas", "Şırnak", "Tekirdağ", "Tokat", "Trabzon", "Tunceli", "Uşak",
    "Van", "Yalova", "Yozgat", "Zonguldak"), key=tr_sort_key))
_PROVINCE_KEYS = {tr_lower(p): p for p in PROVINCES}
MAX_POPULATION = 20_000_000
_CODE = re.compile(r"^[\w.-]+$")
_GROUPED = re.compile(r"^[0-9]{1,3}([. ][0-9]{3})+$")
# Facts the due dates depend on (election and mazbata dates, the election's kind — a re-run counts
# the legal deadline from the general election —, the council's meeting rule).
ANCHOR_FIELDS = {"election_date", "mazbata_date", "type", "council_weekday", "election_kind",
                 "general_election_date"}


def clean_text(value) -> str:
    """Trimmed text, inner white space collapsed, NFC-normalised (Turkish letters kept), without
    control characters (a NUL would make PostgreSQL refuse the row; nobody types one on purpose)."""
    text = strip_controls("" if value is None else str(value), multiline=True)
    return " ".join(unicodedata.normalize("NFC", text).split())


def invalid(errors: dict) -> ServiceError:
    return ServiceError(_("Lütfen işaretli alanları düzeltin."), code="validation", field_errors=errors)


def flush_or_conflict(message: str) -> None:
    """Flush; a unique constraint hit by a concurrent request becomes a Conflict."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        raise Conflict(message) from exc


def _json(value):
    return value.isoformat() if isinstance(value, date) else value


# -- the municipality -----------------------------------------------------------------------------

def clean_municipality(data: dict, current: Municipality | None = None) -> dict:
    if current is not None:  # a form without the election kind keeps it: a re-run never becomes general unasked
        data = {"election_kind": current.election_kind,
                "general_election_date": current.general_election_date or "", **data}
    errors: dict[str, str] = {}
    values = {"name": clean_text(data.get("name")),
              "province": _PROVINCE_KEYS.get(tr_lower(clean_text(data.get("province")))),
              "type": clean_text(data.get("type")), "council_weekday": clean_text(data.get("council_weekday"))}
    if not values["name"]:
        errors["name"] = _("Belediye adı boş olamaz.")
    elif len(values["name"]) > 200:
        errors["name"] = _("Belediye adı en fazla 200 karakter olabilir.")
    elif _municipality_name_taken(values["name"], current):
        errors["name"] = _("Bu adla kayıtlı bir belediye zaten var.")
    if values["province"] is None:
        errors["province"] = _("İl, 81 il arasından seçilmelidir.")
    if values["type"] not in MUNICIPALITY_TYPES:
        errors["type"] = _("Belediye türü listeden seçilmelidir (büyükşehir, il, ilçe, belde).")
    if values["council_weekday"] not in WEEKDAYS:
        errors["council_weekday"] = _("Meclis toplantı günü listeden seçilmelidir.")
    values["population"] = _population(data.get("population"), errors)
    values.update(_dates(data, errors))
    if errors:
        raise invalid(errors)
    return values


def _municipality_name_taken(name: str, current: Municipality | None) -> bool:
    key = tr_lower(name)
    rows = db.session.execute(db.select(Municipality.id, Municipality.name)).all()
    return any(tr_lower(other) == key and (current is None or mid != current.id) for mid, other in rows)


def _population(raw, errors: dict) -> int | None:
    text = clean_text(raw)
    if _GROUPED.match(text):  # "90.412" or "90 412"
        text = re.sub(r"[. ]", "", text)
    if not re.fullmatch(r"[0-9]+", text) or int(text) < 1:
        errors["population"] = _("Nüfus pozitif bir tam sayı olmalıdır.")
        return None
    if int(text) > MAX_POPULATION:
        errors["population"] = _("Nüfus en fazla 20.000.000 olabilir.")
        return None
    return int(text)


def parse_date(raw) -> date | None:
    """ISO (2024-03-31) or Turkish (31.03.2024) date; None when blank; ValueError when bad."""
    text = clean_text(raw)
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            value = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if 1900 <= value.year <= 2100:
            return value
    raise ValueError(text)


def _dates(data: dict, errors: dict) -> dict:
    out = {}
    messages = {"election_date": _("Seçim tarihi geçerli bir tarih değil (GG.AA.YYYY)."),
                "mazbata_date": _("Mazbata tarihi geçerli bir tarih değil (GG.AA.YYYY)."),
                "general_election_date": _("Genel seçim tarihi geçerli bir tarih değil (GG.AA.YYYY).")}
    for key, message in messages.items():
        try:
            out[key] = parse_date(data.get(key))
        except ValueError:
            out[key] = None
            errors[key] = message
    if out["election_date"] is None and "election_date" not in errors:
        errors["election_date"] = _("Seçim tarihi boş olamaz.")
    if out["election_date"] and out["mazbata_date"] and out["mazbata_date"] < out["election_date"]:
        errors["mazbata_date"] = _("Mazbata tarihi seçim tarihinden önce olamaz.")
    out["election_kind"] = clean_text(data.get("election_kind")) or election.GENERAL
    _election_errors(out, errors)
    return out


def _election_errors(out: dict, errors: dict) -> None:
    """A re-run needs its general election's date (the legal deadline counts from it), before the
    re-run and at most election.RERUN_MAX_MONTHS months before it; the other kinds take none."""
    if out["election_kind"] not in ELECTION_KINDS:
        errors["election_kind"] = _("Seçim türü listeden seçilmelidir (genel, yenileme, ara).")
        return
    if out["election_date"] is None or "general_election_date" in errors:
        return
    try:
        election.check(out["election_date"], out["election_kind"], out["general_election_date"])
    except election.ElectionError as exc:
        messages = {
            election.RERUN_WITHOUT_GENERAL: _("Yenileme seçiminde genel seçim tarihi girilmelidir: yasal süre "
                                              "(5393 md. 41) genel seçim gününden sayılır."),
            election.GENERAL_NOT_BEFORE_RERUN: _("Genel seçim tarihi yenileme seçiminin tarihinden önce olmalıdır."),
            election.GENERAL_TOO_EARLY: _("Genel seçim tarihi yenileme seçiminden en fazla %(months)d ay önce "
                                          "olabilir; tarihi denetleyin.", months=election.RERUN_MAX_MONTHS),
            election.GENERAL_DATE_NOT_FOR_KIND: _("Genel seçim tarihi yalnızca yenileme seçiminde girilir; genel "
                                                  "seçimde ve ara seçimde yasal süre seçim gününden sayılır."),
        }
        errors["general_election_date"] = messages[exc.code]


def create_municipality(actor, data: dict) -> Municipality:
    if not actor.is_admin:
        raise NotFound()
    values = clean_municipality(data)
    municipality = Municipality(**values)
    db.session.add(municipality)
    flush_or_conflict(_("Bu adla kayıtlı bir belediye zaten var."))
    audit.record("municipality.created", actor, municipality_id=municipality.id,
                 **{k: _json(v) for k, v in values.items()})
    return municipality


def update_municipality(actor, municipality: Municipality, data: dict) -> dict:
    """Apply the form; returns the changes ({field: [old, new]}), empty when nothing changed."""
    values = clean_municipality(data, current=municipality)
    changes = {k: [_json(getattr(municipality, k)), _json(v)] for k, v in values.items()
               if getattr(municipality, k) != v}
    if changes:
        for key, value in values.items():
            setattr(municipality, key, value)
        flush_or_conflict(_("Bu adla kayıtlı bir belediye zaten var."))
        audit.record("municipality.updated", actor, municipality_id=municipality.id, changes=changes)
        if ANCHOR_FIELDS & changes.keys():  # the statutory dates move: so do the open tasks, now
            transition.refresh_due_dates(municipality.id, actor)
    return changes


# -- spending units -------------------------------------------------------------------------------

def sorted_units(municipality: Municipality) -> list[SpendingUnit]:
    return sorted(municipality.units, key=lambda u: tr_sort_key(u.name))


def unit_of(municipality: Municipality, unit_id: int) -> SpendingUnit:
    unit = db.session.get(SpendingUnit, unit_id) if valid_id(unit_id) else None
    if unit is None or unit.municipality_id != municipality.id:
        raise NotFound()
    return unit


def unit_values(data: dict) -> dict:
    return {"name": clean_text(data.get("name")), "code": clean_text(data.get("code")) or None}


def code_key(code: str) -> str:
    """Codes are compared without case in both alphabets: "IMAR" and "imar" are the same code."""
    return tr_lower(code).replace("ı", "i")


def unit_keys(units) -> tuple[set, set]:
    """Case-insensitive names (Turkish casing) and codes already taken by `units`."""
    units = list(units)
    return {tr_lower(u.name) for u in units}, {code_key(u.code) for u in units if u.code}


def unit_errors(values: dict, taken_names: set, taken_codes: set) -> dict:
    errors = {}
    name, code = values["name"], values["code"]
    if not name:
        errors["name"] = _("Birim adı boş olamaz.")
    elif len(name) > 200:
        errors["name"] = _("Birim adı en fazla 200 karakter olabilir.")
    elif tr_lower(name) in taken_names:
        errors["name"] = _("Bu belediyede “%(name)s” adlı bir birim zaten var.", name=name)
    if code and (len(code) > 40 or not _CODE.match(code)):
        errors["code"] = _("Kod en fazla 40 karakter olabilir ve yalnızca harf, rakam, nokta, tire, "
                           "alt çizgi içerebilir.")
    elif code and code_key(code) in taken_codes:
        errors["code"] = _("“%(code)s” kodu başka bir birimde kullanılıyor.", code=code)
    return errors


def add_unit(actor, municipality: Municipality, data: dict) -> SpendingUnit:
    values = unit_values(data)
    errors = unit_errors(values, *unit_keys(municipality.units))
    if errors:
        raise invalid(errors)
    unit = SpendingUnit(municipality=municipality, **values)
    db.session.add(unit)
    flush_or_conflict(_("Bu belediyede aynı adlı bir birim zaten var."))
    audit.record("unit.created", actor, municipality_id=municipality.id, unit_id=unit.id,
                 name=unit.name, code=unit.code, source="form")
    return unit


def update_unit(actor, municipality: Municipality, unit_id: int, data: dict) -> dict:
    unit = unit_of(municipality, unit_id)
    values = unit_values(data)
    errors = unit_errors(values, *unit_keys(u for u in municipality.units if u.id != unit.id))
    if errors:
        raise invalid(errors)
    changes = {k: [getattr(unit, k), v] for k, v in values.items() if getattr(unit, k) != v}
    if changes:
        for key, value in values.items():
            setattr(unit, key, value)
        flush_or_conflict(_("Bu belediyede aynı adlı bir birim zaten var."))
        audit.record("unit.updated", actor, municipality_id=municipality.id, unit_id=unit.id, changes=changes)
    return changes


def remove_unit(actor, municipality: Municipality, unit_id: int) -> None:
    unit = unit_of(municipality, unit_id)
    refusal = _unit_in_use(municipality, unit)
    if refusal:
        raise Conflict(refusal)
    audit.record("unit.removed", actor, municipality_id=municipality.id, unit_id=unit.id,
                 name=unit.name, code=unit.code)
    db.session.delete(unit)
    flush_or_conflict(_("Birim silinemedi: başka bir kayıt bu birimi kullanıyor."))
    db.session.expire(municipality, ["units"])


def _unit_in_use(municipality: Municipality, unit: SpendingUnit) -> str | None:
    def used(query) -> bool:
        return db.session.execute(query.limit(1)).first() is not None

    if used(db.select(TaskRecord.id).where(TaskRecord.unit_id == unit.id)):
        return _("“%(name)s” süreçteki görevlerde geçtiği için silinemez.", name=unit.name)
    if used(db.select(RoleAssignment.id).where(RoleAssignment.unit_id == unit.id)):
        return _("“%(name)s” birimine bağlı kişiler var; önce bu kişilerin birimini değiştirin.", name=unit.name)
    running = db.session.execute(db.select(ProcessInstance).where(
        ProcessInstance.municipality_id == municipality.id,
        ProcessInstance.status.in_(("running", "suspended")))).scalars()
    for instance in running:
        if any(u.get("id") == unit.id for u in versions.read_workflow(instance).data.get("units") or []):
            return _("“%(name)s” yürütülen bir süreçte yer aldığı için silinemez.", name=unit.name)
    return None


def unit_usage(municipality: Municipality) -> dict[int, int]:
    """Unit id → number of tasks and role assignments referring to it (a unit in use is kept)."""
    ids = [u.id for u in municipality.units]
    usage = dict.fromkeys(ids, 0)
    for column in (TaskRecord.unit_id, RoleAssignment.unit_id):
        rows = db.session.execute(db.select(column, func.count()).where(column.in_(ids)).group_by(column))
        for unit_id, count in rows:
            usage[unit_id] += count
    return usage

