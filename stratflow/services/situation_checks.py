"""Checks of the situation-analysis forms that JSON Schema cannot express, declared by the form:

    "x-checks": ["stakeholder_matrix", "consultation_records", "swot_from_pestle"]

- stakeholder_matrix: activity-area codes and stakeholder names are unique; every code a
  stakeholder names is in the activity-area table; every activity area has a stakeholder (the
  guide's stakeholder–product/service matrix has no empty column).
- consultation_records: at least one survey or workshop is recorded (the guide takes the
  stakeholders' views by surveys and workshops; 5393 art. 41 asks for the views of universities,
  professional chambers and NGOs).
- swot_from_pestle: an opportunity or threat whose source is PESTLE needs a PESTLE factor so
  classified.
- deviation_reasons: an indicator row whose actual value differs from the year's target needs the
  reason for the deviation (5018 art. 41: the activity report explains the deviations; falling
  short and overshooting alike).

Field name (as forms.py names table cells, "stakeholders-0-areas") -> message in the current
language. Rows of the wrong shape are left to the schema's own errors.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..i18n import tr_lower
from .situation import area_code, area_codes


def _rows(data: dict, key: str) -> list[tuple[int, dict]]:
    value = data.get(key)
    return [(i, row) for i, row in enumerate(value) if isinstance(row, dict)] if isinstance(value, list) else []


def _name(text) -> str:
    return " ".join(tr_lower(str(text or "")).split())


def _stakeholder_matrix(data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    codes: dict[str, int] = {}
    for i, row in _rows(data, "activity_areas"):
        code = area_code(row.get("code"))
        if not code:
            continue
        if code in codes:
            errors[f"activity_areas-{i}-code"] = _("Bu kod başka bir faaliyet alanında da kullanıldı.")
        else:
            codes[code] = i
    used: set[str] = set()
    names: set[str] = set()
    for i, row in _rows(data, "stakeholders"):
        name = _name(row.get("name"))
        if name and name in names:
            errors[f"stakeholders-{i}-name"] = _("Bu paydaş listede birden çok kez var.")
        names.add(name)
        written = area_codes(row.get("areas"))
        unknown = [c for c in written if c not in codes]
        if unknown:
            errors[f"stakeholders-{i}-areas"] = _(
                "Faaliyet alanları tablosunda olmayan kod: %(codes)s.", codes=", ".join(unknown))
        used.update(written)
    if names:
        for code, i in codes.items():
            if code not in used:
                errors.setdefault(f"activity_areas-{i}-code", _(
                    "Bu faaliyet alanıyla ilişkilendirilen paydaş yok: paydaş–ürün/hizmet matrisinde her "
                    "faaliyet alanının en az bir paydaşı olmalı."))
    return errors


def _consultation_records(data: dict) -> dict[str, str]:
    if _rows(data, "surveys") or _rows(data, "workshops"):
        return {}
    return {"surveys": _("Paydaş görüşleri anket ya da çalıştayla alınır: en az bir anket ya da çalıştay "
                         "kaydı girin.")}


def _swot_from_pestle(data: dict) -> dict[str, str]:
    classified = {row.get("classification") for _i, row in _rows(data, "pestle")}
    errors = {}
    for quadrant, classification in (("opportunities", "opportunity"), ("threats", "threat")):
        if classification in classified:
            continue
        message = (_("PESTLE tablosunda fırsat olarak sınıflandırılmış bir etken yok: etkeni ekleyin ya da "
                     "kaynağı düzeltin.") if classification == "opportunity" else
                   _("PESTLE tablosunda tehdit olarak sınıflandırılmış bir etken yok: etkeni ekleyin ya da "
                     "kaynağı düzeltin."))
        for i, row in _rows(data, quadrant):
            if row.get("source") == "pestle":
                errors[f"{quadrant}-{i}-source"] = message
    return errors


def _deviation_reasons(data: dict) -> dict[str, str]:
    errors = {}
    for i, row in _rows(data, "rows"):
        planned, actual = row.get("planned"), row.get("actual")
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (planned, actual))
        if numbers and planned != actual and not str(row.get("deviation_reason") or "").strip():
            errors[f"rows-{i}-deviation_reason"] = _("Gerçekleşen değer yılın hedefinden farklı: sapmanın nedenini "
                                                     "yazın.")
    return errors


CHECKS = {"stakeholder_matrix": _stakeholder_matrix, "consultation_records": _consultation_records,
          "swot_from_pestle": _swot_from_pestle, "deviation_reasons": _deviation_reasons}


def check(schema: dict, data: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in schema.get("x-checks") or ():
        run = CHECKS.get(name)
        if run is None:
            continue
        for key, message in run(data).items():
            errors.setdefault(key, message)
    return errors
