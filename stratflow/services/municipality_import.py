"""Importing municipalities from a sheet (.csv or .xlsx; administrators): every row or none.

The columns are imports.COLUMNS["municipalities"]; the sheet is read and its headers matched as for
units and people (services/imports.py). Each row is checked exactly as the web form checks a new
municipality (services/municipalities.clean_municipality) — so a re-run election (Seçim Türü
"yenileme") without a fitting general election date is refused with its row number, and the
whole file adds nothing. Type, weekday and election kind may be written as people write them
("Büyükşehir", "Salı", "Yenileme seçimi").
"""

from __future__ import annotations

import contextlib

from flask_babel import gettext as _

from ..calendar import inputs
from ..calendar.election import BY_ELECTION, GENERAL, RERUN
from ..extensions import db
from ..i18n import tr_lower
from ..models import Municipality
from . import NotFound, ServiceError, audit, imports, municipalities

KIND = "municipalities"
_ELECTION_KINDS = {imports.fold(name): kind for kind, names in {
    GENERAL: ("genel", "genel seçim", "general"), RERUN: ("yenileme", "yenileme seçimi", "re-run", "rerun"),
    BY_ELECTION: ("ara", "ara seçim", "by-election")}.items() for name in names}


def import_municipalities(actor, filename: str, data: bytes, max_rows: int) -> int:
    """Create one municipality per row; returns how many. ImportRejected (nothing added) on any bad row."""
    if not actor.is_admin:
        raise NotFound()
    header, rows = imports.read_sheet(filename, data, max_rows)
    mapping = imports.map_columns(KIND, header)
    seen, planned, problems = {}, [], []
    for number, cells in rows:
        record, errors = imports._record(mapping, cells)
        try:
            values = municipalities.clean_municipality(_spelled(record))
        except ServiceError as exc:
            values = None
            errors += [f"{_field_label(k)}: {m}" for k, m in exc.field_errors.items()]
        if values is not None:
            earlier = imports._first_seen(seen, tr_lower(values["name"]), number)
            if earlier:
                errors.append(_("“%(name)s” dosyada %(line)d. satırda da var.", name=values["name"], line=earlier))
        problems += [imports._line(number, e) for e in errors]
        planned.append(values)
    imports._raise_if(problems)
    created = [Municipality(**values) for values in planned]
    db.session.add_all(created)
    municipalities.flush_or_conflict(_("Belediyeler eklenemedi: aynı adlı bir belediye bu sırada eklendi."))
    for municipality, values in zip(created, planned, strict=True):
        audit.record("municipality.created", actor, municipality_id=municipality.id, source="import",
                     **{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()})
    audit.record("import.done", actor, kind=KIND, filename=filename, count=len(created))
    return len(created)


def _spelled(record: dict) -> dict:
    """The cells with type, weekday and election kind turned into their codes where recognised
    (anything else is passed on as written, for the form's own message)."""
    out = dict(record)
    for key, parse in (("type", inputs.parse_municipality_type), ("council_weekday", _weekday)):
        with contextlib.suppress(ValueError):
            out[key] = parse(out.get(key) or "")
    kind = out.get("election_kind") or ""
    out["election_kind"] = _ELECTION_KINDS.get(imports.fold(kind), kind) if kind.strip() else GENERAL
    return out


def _weekday(text: str) -> str:
    return inputs.WEEKDAYS[inputs.parse_weekday(text)]


def _field_label(field: str) -> str:
    headers = {c.field: c.header for c in imports.COLUMNS[KIND]}
    return headers.get(field, field)
