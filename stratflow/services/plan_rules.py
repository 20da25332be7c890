"""Checking a goal or a target card before anything is written: codes (pattern, parent, unique in
the instance), the responsible and co-operating units (the municipality's own), the plan years,
numbers, and the weights of a target's indicators (exactly 100 in sum).

`check_goal` / `check_card` return (clean values, field errors); the errors are in the user's
language, keyed by field ("code", "indicators-0-weight", "indicators-1-values-2027" …).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from ..models.plan import ACTIVITY_KINDS, DIRECTIONS, FREQUENCIES, PLAN_YEARS
from ..parsing import strip_controls

GOAL_CODE = re.compile(r"^A([1-9][0-9]?)$")
TARGET_CODE = re.compile(r"^H([1-9][0-9]?)\.([1-9][0-9]?)$")
INDICATOR_CODE = re.compile(r"^PG([1-9][0-9]?)\.([1-9][0-9]?)\.([1-9][0-9]?)$")
MAX_NUMBER = Decimal(10) ** 14
MAX_ROWS = 30
HUNDRED = Decimal(100)


def plan_years(instance) -> list[int]:
    """The five years of the plan period: from the process data's plan_period (recorded on the
    instance when the draft was seeded), else the election year + 1."""
    first = instance.plan_first_year or instance.municipality.election_date.year + 1
    return [first + n for n in range(PLAN_YEARS)]


def clean_text(value) -> str:
    """As services.municipalities.clean_text: no control characters, white space collapsed, NFC."""
    return " ".join(unicodedata.normalize("NFC", strip_controls(str(value), multiline=True)).split())


def text(value, limit: int, multiline: bool = False) -> str | None:
    if value is None:
        return None
    cleaned = clean_text(str(value)) if not multiline else "\n".join(
        clean_text(line) for line in str(value).splitlines())
    cleaned = cleaned.strip()
    return cleaned[:limit] if cleaned else None


def number(value, errors: dict, key: str, *, minimum=None, maximum=MAX_NUMBER, places: int = 4):
    """A Decimal from a JSON number or a typed text ("1.234,5" is not accepted: "1234,5" is)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        errors[key] = _("Bir sayı girin.")
        return None
    try:
        result = Decimal(value.strip().replace(",", ".")) if isinstance(value, str) else Decimal(str(value))
    except InvalidOperation:
        errors[key] = _("Bir sayı girin.")
        return None
    if not result.is_finite():
        errors[key] = _("Bir sayı girin.")
        return None
    if minimum is not None and result < minimum:
        errors[key] = _("Değer en az %(n)s olmalıdır.", n=minimum)
    elif result > maximum or result < -MAX_NUMBER:
        errors[key] = _("Değer en fazla %(n)s olmalıdır.", n=maximum)
    elif places == 0 and result != result.to_integral_value():
        errors[key] = _("Bir tam sayı girin.")
    elif result != result.quantize(Decimal(1).scaleb(-places)):
        errors[key] = _("En fazla %(n)d ondalık basamak girin.", n=places)
    return result


def texts(value, errors: dict, key: str) -> list[str]:
    """A list of texts (tespitler, ihtiyaçlar, stratejiler): a JSON list or lines of a text."""
    if value is None:
        return []
    items = value.splitlines() if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        errors[key] = _("Metinlerden oluşan bir liste girin.")
        return []
    cleaned = [t for t in (text(i, 1000) for i in items) if t]
    if len(cleaned) > MAX_ROWS:
        errors[key] = _("En fazla %(n)d kayıt girilebilir.", n=MAX_ROWS)
    return cleaned


def check_goal(data: dict, taken: set[str]) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    code = text(data.get("code"), 10)
    if not code:
        errors["code"] = _("Bu alan zorunludur.")
    elif not GOAL_CODE.match(code):
        errors["code"] = _("Amaç kodu A1, A2 … biçiminde olmalıdır.")
    elif code in taken:
        errors["code"] = _("%(code)s kodu bu planda zaten kullanılıyor.", code=code)
    title = text(data.get("title"), 500)
    if not title:
        errors["title"] = _("Bu alan zorunludur.")
    return {"code": code, "title": title}, errors


class UpdateRules:
    """A running plan update (services/plan_update.py): the years it may change and every card as
    it was before (plan_content.card dicts by code)."""

    def __init__(self, open_years: list[int], cards: dict[str, dict]):
        self.open_years, self.cards = list(open_years), cards


class CardContext:
    """What a card's check needs to know of the instance (read once by the caller)."""

    def __init__(self, years: list[int], unit_ids: set[int], goal_codes: set[str], target_codes: set[str],
                 indicator_codes: set[str], update: UpdateRules | None = None):
        # codes taken by the instance's *other* cards
        self.years, self.unit_ids, self.goal_codes = years, unit_ids, goal_codes
        self.target_codes, self.indicator_codes = target_codes, indicator_codes
        self.update = update


def check_card(data: dict, ctx: CardContext) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    code, goal_code = text(data.get("code"), 12), text(data.get("goal_code"), 10)
    match = TARGET_CODE.match(code or "")
    if not code:
        errors["code"] = _("Bu alan zorunludur.")
    elif not match:
        errors["code"] = _("Hedef kodu H1.1, H1.2 … biçiminde olmalıdır.")
    elif code in ctx.target_codes:
        errors["code"] = _("%(code)s kodu bu planda zaten kullanılıyor.", code=code)
    if not goal_code or goal_code not in ctx.goal_codes:
        errors["goal_code"] = _("Bu planda böyle bir amaç yok: %(code)s.", code=goal_code or "—")
    elif match and f"A{match.group(1)}" != goal_code:
        errors["code"] = _("%(code)s hedefi %(goal)s amacının altında olamaz (H%(n)s.… olmalı).",
                           code=code, goal=goal_code, n=goal_code[1:])
    clean = {"code": code, "goal_code": goal_code, "title": text(data.get("title"), 500)}
    if not clean["title"]:
        errors["title"] = _("Bu alan zorunludur.")
    clean["responsible_unit_id"] = _unit(data.get("responsible_unit_id"), ctx, errors, "responsible_unit_id")
    if clean["responsible_unit_id"] is None and "responsible_unit_id" not in errors:
        errors["responsible_unit_id"] = _("Sorumlu birimi seçin (tam olarak bir birim).")
    cooperating = data.get("cooperating_unit_ids") or []
    if not isinstance(cooperating, list):
        errors["cooperating_unit_ids"], cooperating = _("Birimlerden oluşan bir liste girin."), []
    clean["cooperating_unit_ids"] = sorted({u for i, raw in enumerate(cooperating)
                                            if (u := _unit(raw, ctx, errors, "cooperating_unit_ids")) is not None}
                                           - {clean["responsible_unit_id"]})
    for key in ("findings", "needs", "strategies"):
        clean[key] = texts(data.get(key), errors, key)
    clean["risks"] = _risks(data.get("risks") or [], errors)
    clean["indicators"] = _indicators(data.get("indicators") or [], code if match else None, ctx, errors)
    clean["activities"] = _activities(data.get("activities") or [], ctx, errors)
    _check_weights(clean, errors)
    if ctx.update is not None:
        check_update(clean, ctx.years, ctx.update, errors)
    return clean, errors


# -- a plan update: only the remaining years change --------------------------------------------------

def _same(a, b) -> bool:
    """Two plan numbers (Decimal, JSON number or None) are the same value."""
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def _past_message(year: int, rules: UpdateRules) -> str:
    return _("%(year)d geçmiş bir plan yılıdır: güncelleme yalnızca kalan yılları (%(years)s) değiştirir.",
             year=year, years=_span(rules.open_years))


def check_update(clean: dict, years: list[int], rules: UpdateRules, errors: dict) -> None:
    """In a plan update (Yönetmelik md. 4(1)(c)): the card stays under its goal; indicators keep
    their baseline and their values of the years before the update, new ones have none there; no
    indicator is removed (the past years were monitored on it); activities keep their costs of those
    years (matched by name), new ones cost nothing there."""
    before = rules.cards.get(clean["code"] or "")
    past = [(n, y) for n, y in enumerate(years) if y not in rules.open_years]
    if before is not None and clean["goal_code"] != before["goal_code"]:
        errors["goal_code"] = _("Güncellemede amaçlar değişmez: hedef kartı %(goal)s amacının altında kalır.",
                                goal=before["goal_code"])
    old = {i["code"]: i for i in (before or {}).get("indicators", [])}
    for i, row in enumerate(clean["indicators"]):
        was = old.get(row["code"])
        if was is not None and not _same(row["baseline"], was["baseline"]):
            errors[f"indicators-{i}-baseline"] = _("Güncellemede göstergenin başlangıç değeri değiştirilemez.")
        for n, year in past:
            if not _same(row["values"][n], (was or {}).get("values", {}).get(str(year))):
                errors[f"indicators-{i}-values-{year}"] = _past_message(year, rules)
    kept = {row["code"] for row in clean["indicators"]}
    removed = [code for code in old if code not in kept]
    if removed:
        errors["indicators"] = _("%(code)s göstergesi geçmiş yıllarda izlendiği için güncellemede kaldırılamaz; "
                                 "kalan yıllar için değerlerini değiştirin.", code=removed[0])
    costs = {a["name"]: a["costs"] for a in (before or {}).get("activities", [])}
    for i, row in enumerate(clean["activities"]):
        for n, year in past:
            if not _same(row["costs"][n], costs.get(row["name"], {}).get(str(year), 0)):
                errors[f"activities-{i}-costs-{year}"] = _past_message(year, rules)
    names = {row["name"] for row in clean["activities"]}
    for name, was in costs.items():
        if name not in names and any(not _same(was.get(str(y)), 0) for _n, y in past):
            errors["activities"] = _("%(name)s faaliyetinin geçmiş yıllara ait maliyeti olduğu için güncellemede "
                                     "kaldırılamaz; kalan yılların maliyetini sıfırlayın.", name=name)


def _unit(raw, ctx: CardContext, errors: dict, key: str) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        unit_id = int(raw) if not isinstance(raw, bool) else None
    except (TypeError, ValueError):
        unit_id = None
    if unit_id is None or unit_id not in ctx.unit_ids:
        errors[key] = _("Belediyenin harcama birimlerinden birini seçin.")
        return None
    return unit_id


def _rows(value, errors: dict, key: str) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        errors[key] = _("Satırlardan oluşan bir liste girin.")
        return []
    if len(value) > MAX_ROWS:
        errors[key] = _("En fazla %(n)d kayıt girilebilir.", n=MAX_ROWS)
        return []
    return value


def _risks(value, errors: dict) -> list[dict]:
    out = []
    for i, row in enumerate(_rows(value, errors, "risks")):
        key = f"risks-{i}"
        risk = text(row.get("risk"), 500)
        if not risk:
            errors[f"{key}-risk"] = _("Bu alan zorunludur.")
        scores = {}
        for name in ("likelihood", "impact"):
            raw = row.get(name)
            score = number(raw, errors, f"{key}-{name}", minimum=1, maximum=5, places=0)
            if score is None and f"{key}-{name}" not in errors:
                errors[f"{key}-{name}"] = _("1 ile 5 arasında bir puan girin.")
            scores[name] = int(score) if score is not None else None
        out.append({"risk": risk, **scores, "control": text(row.get("control"), 500)})
    return out


def _values(raw, years: list[int], errors: dict, key: str, places: int, minimum=None) -> list:
    """One value per plan year, from {"2025": …, …}: exactly the plan's years."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        errors[key] = _("Her plan yılı için bir değer girin (%(years)s).", years=_span(years))
        return [None] * len(years)
    wanted = {str(y) for y in years}
    extra = sorted(set(map(str, raw)) - wanted)
    if extra:
        errors[key] = _("%(year)s planın yıllarından biri değil (%(years)s).", year=extra[0], years=_span(years))
    return [number(raw.get(str(y)), errors, f"{key}-{y}", minimum=minimum, places=places) for y in years]


def _span(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}"


def _choice(value, allowed: tuple, errors: dict, key: str, default=None):
    value = value if value not in (None, "") else default
    if value is not None and value not in allowed:
        errors[key] = _("Listedeki seçeneklerden birini seçin.")
        return default
    return value


def _indicators(value, target_code: str | None, ctx: CardContext, errors: dict) -> list[dict]:
    out, seen = [], set()
    for i, row in enumerate(_rows(value, errors, "indicators")):
        key = f"indicators-{i}"
        code = text(row.get("code"), 16)
        match = INDICATOR_CODE.match(code or "")
        if not code:
            errors[f"{key}-code"] = _("Bu alan zorunludur.")
        elif not match:
            errors[f"{key}-code"] = _("Gösterge kodu PG1.1.1 biçiminde olmalıdır.")
        elif target_code and f"H{match.group(1)}.{match.group(2)}" != target_code:
            errors[f"{key}-code"] = _("%(code)s göstergesi %(target)s hedefinin altında olamaz.",
                                      code=code, target=target_code)
        elif code in seen or code in ctx.indicator_codes:
            errors[f"{key}-code"] = _("%(code)s kodu bu planda zaten kullanılıyor.", code=code)
        seen.add(code)
        name = text(row.get("name"), 500)
        if not name:
            errors[f"{key}-name"] = _("Bu alan zorunludur.")
        weight = number(row.get("weight"), errors, f"{key}-weight", minimum=0, maximum=HUNDRED, places=2)
        if weight is None and f"{key}-weight" not in errors:
            errors[f"{key}-weight"] = _("Göstergenin hedefe etkisini (yüzde) girin.")
        out.append({
            "code": code, "name": name, "unit_of_measure": text(row.get("unit_of_measure"), 100),
            "definition": text(row.get("definition"), 3000, multiline=True),
            "data_source": text(row.get("data_source"), 500),
            "direction": _choice(row.get("direction"), DIRECTIONS, errors, f"{key}-direction", "increase"),
            "weight": weight, "baseline": number(row.get("baseline"), errors, f"{key}-baseline"),
            "values": _values(row.get("values"), ctx.years, errors, f"{key}-values", 4),
            "monitoring": _choice(row.get("monitoring"), FREQUENCIES, errors, f"{key}-monitoring"),
            "reporting": _choice(row.get("reporting"), FREQUENCIES, errors, f"{key}-reporting"),
            "key_indicator": bool(row.get("key_indicator")),
        })
    return out


def _activities(value, ctx: CardContext, errors: dict) -> list[dict]:
    out = []
    for i, row in enumerate(_rows(value, errors, "activities")):
        key = f"activities-{i}"
        name = text(row.get("name"), 500)
        if not name:
            errors[f"{key}-name"] = _("Bu alan zorunludur.")
        costs = _values(row.get("costs"), ctx.years, errors, f"{key}-costs", 2, minimum=0)
        out.append({"kind": _choice(row.get("kind"), ACTIVITY_KINDS, errors, f"{key}-kind", "activity"),
                    "name": name, "costs": [c if c is not None else Decimal(0) for c in costs],
                    "funding_source": text(row.get("funding_source"), 200)})
    return out


def weight_total(indicators: list) -> Decimal:
    return sum((i["weight"] if isinstance(i, dict) else i.weight) or Decimal(0) for i in indicators) \
        if indicators else Decimal(0)


def _check_weights(clean: dict, errors: dict) -> None:
    """The weights of one target's indicators sum to exactly 100 (a card without indicators yet is
    allowed: it is incomplete)."""
    indicators = clean["indicators"]
    if not indicators or any(f"indicators-{i}-weight" in errors for i in range(len(indicators))):
        return
    total = weight_total(indicators)
    if total != HUNDRED:
        errors["indicators"] = weights_message(clean["code"] or "—", total)


def weights_message(code: str, total: Decimal) -> str:
    return _("%(code)s hedefinin göstergelerinin ağırlıkları toplamı %(total)s; tam 100 olmalıdır.",
             code=code, total=shown(total))


def shown(value: Decimal | None) -> str:
    """A Decimal as people write it: 100, 60.5 (no exponent, no trailing zeros)."""
    return "" if value is None else format(value.normalize(), "f")
