"""Importing spending units and people from a sheet (.csv or .xlsx): every row or none.

The first non-blank row holds the column headers (see COLUMNS; case, Turkish letters, spaces
and punctuation are ignored when matching them). Line numbers in messages are sheet rows
(the header is row 1). CSV: UTF-8 with or without BOM; the delimiter (semicolon, comma or
tab) is sniffed from the header line. Blank rows are skipped. People get no password unless
the "Parola" column gives one. Municipalities themselves are imported by administrators
(services/municipality_import.py, columns COLUMNS["municipalities"]).
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook

from ..extensions import db
from ..i18n import tr_lower
from ..models import SpendingUnit, User
from . import ServiceError, audit, municipalities, people
from .municipalities import clean_text

KINDS = ("units", "people")
MAX_REPORTED = 200  # error lines listed one by one; the rest are counted


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    required: bool
    aliases: tuple[str, ...] = ()


COLUMNS = {
    "units": (
        Column("name", "Birim Adı", True, ("Birim", "Harcama Birimi", "Unit", "Unit name")),
        Column("code", "Kod", False, ("Birim Kodu", "Code")),
    ),
    "people": (
        Column("email", "E-posta", True, ("E-mail", "Mail")),
        Column("full_name", "Ad Soyad", True, ("Adı Soyadı", "Ad Soyadı", "İsim", "Full name", "Name")),
        Column("title", "Unvan", False, ("Ünvan", "Unvanı", "Görevi", "Title")),
        Column("phone", "Telefon", False, ("Tel", "Telefon No", "Telefon Numarası", "Phone")),
        Column("roles", "Rol", True, ("Roller", "Rolü", "Role", "Roles")),
        Column("unit", "Birim", False, ("Birim Adı", "Birimi", "Harcama Birimi", "Unit")),
        Column("password", "Parola", False, ("Şifre", "Password")),
    ),
    # municipalities themselves (administrators; services/municipality_import.py)
    "municipalities": (
        Column("name", "Belediye Adı", True, ("Belediye", "Ad", "Name", "Municipality")),
        Column("province", "İl", True, ("Province",)),
        Column("type", "Tür", True, ("Belediye Türü", "Type")),
        Column("population", "Nüfus", True, ("Population",)),
        Column("election_date", "Seçim Tarihi", True, ("Seçim Günü", "Election date")),
        Column("election_kind", "Seçim Türü", False, ("Election kind",)),
        Column("general_election_date", "Genel Seçim Tarihi", False, ("General election date",)),
        Column("mazbata_date", "Mazbata Tarihi", False, ("Mazbata",)),
        Column("council_weekday", "Meclis Günü", True, ("Meclis Toplantı Günü", "Council weekday")),
    ),
}

# Accepted spellings of each role in the "Rol" column (besides the role's code, e.g. unit_manager).
ROLE_NAMES = {
    "mayor": ("Belediye Başkanı", "Başkan"),
    "deputy_mayor": ("Başkan Yardımcısı",),
    "coordinator": ("Koordinatör", "Strateji Geliştirme", "Strateji Geliştirme Birimi"),
    "unit_manager": ("Birim Müdürü", "Müdür", "Harcama Yetkilisi"),
    "team_member": ("Ekip Üyesi", "Stratejik Planlama Ekibi Üyesi", "Planlama Ekibi Üyesi"),
    "board_member": ("Kurul Üyesi", "Strateji Geliştirme Kurulu Üyesi"),
    "council_clerk": ("Yazı İşleri", "Meclis Kâtibi"),
    "consultant": ("Danışman",),
}
_FOLD = str.maketrans("çğıöşüâîû", "cgiosuaiu")


def fold(text: str) -> str:
    """Matching key: Turkish lower case, letters folded to ASCII, spaces and punctuation dropped."""
    return re.sub(r"[^0-9a-z]", "", tr_lower(clean_text(text)).translate(_FOLD))


_ROLE_KEYS = {fold(n): role for role, names in ROLE_NAMES.items() for n in (role, *names)}
_ADMIN_KEYS = {fold(n) for n in ("admin", "Sistem Yöneticisi", "Yönetici")}


class ImportRejected(ServiceError):
    """The sheet was refused as a whole; `lines` gives the reasons one by one."""

    def __init__(self, message: str, lines: list[str] | None = None):
        super().__init__(message, code="import")
        self.lines = list(lines or [])


def run(actor, municipality, kind: str, filename: str, data: bytes, max_rows: int) -> int:
    """Import a sheet of `kind` ("units" or "people"); returns the number of rows added."""
    if kind == "units":
        return import_units(actor, municipality, filename, data, max_rows)
    if kind == "people":
        return import_people(actor, municipality, filename, data, max_rows)
    raise ImportRejected(_("İçe aktarılacak kayıt türünü seçin: birimler ya da kişiler."))


# -- reading a sheet ------------------------------------------------------------------------------

def read_sheet(filename: str, data: bytes, max_rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number, cells)]) of the first sheet; ImportRejected when unusable."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ImportRejected(_("Yalnızca .csv ve .xlsx dosyaları yüklenebilir."))
    if not data:
        raise ImportRejected(_("Dosya boş."))
    header, rows = None, []
    source = _csv_rows(data) if suffix == ".csv" else _xlsx_rows(data)
    with contextlib.closing(source):
        for number, cells in source:
            if number > max_rows * 5 + 100:  # blank rows count too: a sheet of a million empty rows is refused
                raise ImportRejected(_("Dosyada %(max)d satırdan fazla veri var. Dosyayı bölüp parça parça "
                                       "yükleyin.", max=max_rows))
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header = [clean_text(c) for c in cells]
            elif len(rows) >= max_rows:
                raise ImportRejected(_("Dosyada %(max)d satırdan fazla veri var. Dosyayı bölüp parça parça "
                                       "yükleyin.", max=max_rows))
            else:
                rows.append((number, cells))
    if header is None:
        raise ImportRejected(_("Dosya boş."))
    if not rows:
        raise ImportRejected(_("Dosyada başlık satırından sonra veri satırı yok."))
    return header, rows


def _csv_rows(data: bytes):
    if b"\x00" in data:
        raise ImportRejected(_("Dosya bir CSV metin dosyası değil."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected(_("CSV dosyası UTF-8 kodlamasında değil. Excel’de “CSV UTF-8” olarak kaydedin "
                               "ya da .xlsx dosyası yükleyin.")) from exc
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=True)
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise ImportRejected(_("CSV dosyası okunamadı (satır %(line)d): tırnak işaretlerini kontrol edin.",
                               line=reader.line_num)) from exc


def sniff_delimiter(text: str) -> str:
    """The delimiter the header line uses most: semicolon (Turkish Excel), comma or tab."""
    header = text.lstrip("\r\n").split("\n", 1)[0]
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


MAX_XLSX_UNPACKED = 50_000_000
MAX_XLSX_COLUMNS = 50


def _xlsx_rows(data: bytes):
    if not data.startswith(b"PK\x03\x04"):
        raise ImportRejected(_("Excel dosyası okunamadı: dosya .xlsx biçiminde değil."))
    try:
        unpacked = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportRejected(_("Excel dosyası okunamadı; dosya bozuk olabilir.")) from exc
    if unpacked > MAX_XLSX_UNPACKED:  # a zip bomb would tie up the server
        raise ImportRejected(_("Excel dosyası açıldığında çok büyük; yalnızca veri sayfasını kaydedip yükleyin."))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error on damaged files
        raise ImportRejected(_("Excel dosyası okunamadı; dosya bozuk olabilir.")) from exc
    try:
        if not book.worksheets:
            raise ImportRejected(_("Excel dosyasında sayfa yok."))
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_XLSX_COLUMNS), start=1):
            cells = [_cell(v) for v in row]
            while cells and cells[-1] == "":  # max_col pads short rows
                cells.pop()
            yield number, cells
    except ImportRejected:
        raise
    except Exception as exc:
        raise ImportRejected(_("Excel dosyası okunamadı; dosya bozuk olabilir.")) from exc
    finally:
        book.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def map_columns(kind: str, header: list[str]) -> dict[int, str]:
    """Column index → field; ImportRejected on unknown, repeated or missing required headers."""
    lookup = {fold(name): column for column in COLUMNS[kind] for name in (column.header, *column.aliases)}
    mapping, problems = {}, []
    for index, title in enumerate(header):
        column = lookup.get(fold(title)) if title else None
        if title and column is None:
            problems.append(_("Bilinmeyen sütun: “%(name)s”.", name=title))
        elif column and column.field in mapping.values():
            problems.append(_("“%(name)s” sütunu birden fazla kez var.", name=column.header))
        elif column:
            mapping[index] = column.field
    problems += [_("Zorunlu sütun eksik: “%(name)s”.", name=c.header)
                 for c in COLUMNS[kind] if c.required and c.field not in mapping.values()]
    if problems:
        raise ImportRejected(_("Sütun başlıkları hatalı; hiçbir kayıt eklenmedi. Beklenen sütunlar: %(columns)s.",
                               columns=", ".join(c.header for c in COLUMNS[kind])), problems)
    return mapping


def _record(mapping: dict[int, str], cells: list[str]) -> tuple[dict, list[str]]:
    record = dict.fromkeys(mapping.values(), "")
    errors = []
    for index, value in enumerate(cells):
        if index in mapping:
            record[mapping[index]] = value
        elif value.strip():
            errors.append(_("%(n)d. sütunun başlığı yok ama veri içeriyor.", n=index + 1))
    return record, errors


def _line(number: int, message: str) -> str:
    return _("Satır %(line)d: %(message)s", line=number, message=message)


def _raise_if(problems: list[str]) -> None:
    if not problems:
        return
    shown = problems[:MAX_REPORTED]
    if len(problems) > MAX_REPORTED:
        shown.append(_("… ve %(n)d hata daha.", n=len(problems) - MAX_REPORTED))
    raise ImportRejected(_("Dosya içe aktarılmadı: %(n)d hata bulundu. Hiçbir kayıt eklenmedi; satırları "
                           "düzeltip dosyayı yeniden yükleyin.", n=len(problems)), shown)


def _first_seen(seen: dict, key: str | None, number: int) -> int | None:
    """The earlier row with the same key, else None (and remember this row)."""
    if not key:
        return None
    if key in seen:
        return seen[key]
    seen[key] = number
    return None


def _done(actor, municipality, kind: str, filename: str, count: int) -> None:
    audit.record("import.done", actor, municipality_id=municipality.id, kind=kind,
                 filename=PurePath(filename or "").name, count=count)


# -- units ----------------------------------------------------------------------------------------

def import_units(actor, municipality, filename: str, data: bytes, max_rows: int) -> int:
    header, rows = read_sheet(filename, data, max_rows)
    mapping = map_columns("units", header)
    names, codes = municipalities.unit_keys(municipality.units)
    seen_names, seen_codes, planned, problems = {}, {}, [], []
    for number, cells in rows:
        record, errors = _record(mapping, cells)
        values = municipalities.unit_values(record)
        errors += municipalities.unit_errors(values, names, codes).values()
        earlier = _first_seen(seen_names, tr_lower(values["name"]), number)
        if earlier:
            errors.append(_("“%(name)s” birimi dosyada %(line)d. satırda da var.", name=values["name"], line=earlier))
        earlier = _first_seen(seen_codes, municipalities.code_key(values["code"] or ""), number)
        if earlier:
            errors.append(_("“%(code)s” kodu dosyada %(line)d. satırda da var.", code=values["code"], line=earlier))
        problems += [_line(number, e) for e in errors]
        planned.append(values)
    _raise_if(problems)
    units = [SpendingUnit(municipality=municipality, **values) for values in planned]
    db.session.add_all(units)
    municipalities.flush_or_conflict(_("Birimler eklenemedi: aynı adlı bir birim bu sırada eklendi."))
    for unit in units:
        audit.record("unit.created", actor, municipality_id=municipality.id, unit_id=unit.id,
                     name=unit.name, code=unit.code, source="import")
    _done(actor, municipality, "units", filename, len(units))
    return len(units)


# -- people ---------------------------------------------------------------------------------------

def import_people(actor, municipality, filename: str, data: bytes, max_rows: int) -> int:
    header, rows = read_sheet(filename, data, max_rows)
    mapping = map_columns("people", header)
    units = _unit_lookup(municipality)
    checked = []
    for number, cells in rows:
        record, extra = _record(mapping, cells)
        values, errors = _person_values(record, units)
        errors = {**people.check_person(values, require_password=False, check_email=False), **errors}
        checked.append((number, values, errors, extra))
    taken = _existing_emails(v["email"] for _n, v, errors, _x in checked if "email" not in errors)
    seen, problems = {}, []
    for number, values, errors, extra in checked:
        if "email" not in errors and values["email"] in taken:
            errors["email"] = _("Bu e-posta adresiyle kayıtlı bir kişi zaten var.")
        earlier = None if "email" in errors else _first_seen(seen, values["email"], number)
        if earlier:
            errors["email"] = _("Bu e-posta adresi dosyada %(line)d. satırda da var.", line=earlier)
        problems += [_line(number, e) for e in [*errors.values(), *extra]]
    _raise_if(problems)
    users = [people.new_person(municipality, values) for _n, values, _e, _x in checked]
    municipalities.flush_or_conflict(_("Kişiler eklenemedi: aynı e-posta adresi bu sırada kaydedildi."))
    for user in users:
        audit.record("user.created", actor, municipality_id=municipality.id,
                     **people.person_details(user, municipality, "import"))
    _done(actor, municipality, "people", filename, len(users))
    return len(users)


def _unit_lookup(municipality) -> dict:
    """Folded unit code or name → unit (names win over codes)."""
    lookup = {fold(u.code): u for u in municipality.units if u.code}
    lookup.update({fold(u.name): u for u in municipality.units})
    return lookup


def _person_values(record: dict, units: dict) -> tuple[dict, dict]:
    roles, errors = parse_roles(record.get("roles", ""))
    unit, unit_name = None, clean_text(record.get("unit"))
    if unit_name:
        unit = units.get(fold(unit_name))
        if unit is None:
            errors["unit_id"] = _("Birim bulunamadı: “%(unit)s”. Önce birimleri ekleyin.", unit=unit_name)
    values = {key: clean_text(record.get(key)) for key in ("email", "full_name", "title", "phone")}
    values.update(roles=roles, unit=unit, password=(record.get("password") or "").strip())
    return values, errors


def parse_roles(text: str) -> tuple[list[str], dict]:
    """Role codes from a "Rol" cell ("Birim Müdürü, Ekip Üyesi"); errors keyed "roles"."""
    parts = [clean_text(p) for p in re.split(r"[,;/\n]", text or "") if clean_text(p)]
    if not parts:
        return [], {"roles": _("Rol boş olamaz.")}
    if any(fold(p) in _ADMIN_KEYS for p in parts):
        return [], {"roles": _("Sistem yöneticisi rolü içe aktarılamaz.")}
    unknown = [p for p in parts if fold(p) not in _ROLE_KEYS]
    if unknown:
        return [], {"roles": _("Rol tanınmadı: %(roles)s. Geçerli değerler: %(valid)s.",
                               roles=", ".join(f"“{p}”" for p in unknown),
                               valid=", ".join(names[0] for names in ROLE_NAMES.values()))}
    return list(dict.fromkeys(_ROLE_KEYS[fold(p)] for p in parts)), {}


def _existing_emails(emails) -> set[str]:
    emails = sorted(set(emails))
    found = set()
    for start in range(0, len(emails), 500):
        found.update(db.session.execute(
            db.select(User.email).where(User.email.in_(emails[start:start + 500]))).scalars())
    return found


def template_xlsx(kind: str) -> bytes:
    """An empty sheet with the expected headers, to fill in and upload."""
    book = Workbook()
    sheet = book.active
    sheet.title = {"units": "Birimler", "people": "Kişiler", "municipalities": "Belediyeler"}[kind]
    sheet.append([c.header for c in COLUMNS[kind]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
