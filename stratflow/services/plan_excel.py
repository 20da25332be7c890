"""The target cards as an Excel workbook and back (openpyxl): one sheet each for goals, targets,
indicators, activities and risks (plus the costing table, export only). The import is all or
nothing: every card of the file is checked as the card form checks it, and one bad line — e.g. a
target whose weights do not sum to 100 — imports nothing; the reasons are listed line by line
("Göstergeler, satır 4: …"). A card of the file replaces the card of that code as a whole (its
indicators, activities and risks); cards that are not in the file stay as they are.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import PurePath

from flask_babel import gettext as _
from openpyxl import load_workbook

from ..extensions import db
from ..i18n import tr_lower
from ..models import PlanGoal, PlanIndicator, PlanTarget
from ..models.base import utcnow
from . import audit, plan_access, plan_content, plan_rules, plan_state, plan_views, spreadsheet
from .imports import MAX_REPORTED, MAX_XLSX_UNPACKED, ImportRejected, fold
from .plan_rules import CardContext, plan_years

SHEETS = ("Amaçlar", "Hedefler", "Göstergeler", "Faaliyetler", "Riskler")
GOAL_COLUMNS = ("Kod", "Amaç")
TARGET_COLUMNS = ("Kod", "Amaç Kodu", "Hedef", "Sorumlu Birim", "İş Birliği Yapılacak Birimler", "Tespitler",
                  "İhtiyaçlar", "Stratejiler")
RISK_COLUMNS = ("Hedef Kodu", "Risk", "Olasılık (1-5)", "Etki (1-5)", "Kontrol Faaliyeti")
DIRECTIONS = {"increase": "Artış", "decrease": "Azalış"}
FREQUENCIES = {"six_monthly": "Altı aylık", "yearly": "Yıllık"}
KINDS = {"activity": "Faaliyet", "project": "Proje"}
YES = ("evet", "yes", "1", "true", "x")


def filename(instance) -> str:
    return f"hedef-kartlari-{instance.id}.xlsx"


def indicator_columns(years: list[int]) -> tuple:
    return ("Kod", "Hedef Kodu", "Gösterge", "Ölçü Birimi", "Tanım / Formül", "Veri Kaynağı", "Yön",
            "Hedefe Etkisi (%)", "Başlangıç Değeri", *map(str, years), "İzleme Sıklığı", "Raporlama Sıklığı", "TPG")


def activity_columns(years: list[int]) -> tuple:
    return ("Hedef Kodu", "Tür", "Faaliyet / Proje", *map(str, years), "Finansman Kaynağı")


# -- export -----------------------------------------------------------------------------------------

def export_xlsx(instance) -> bytes:
    years = plan_years(instance)
    goals = plan_content.goals(instance)
    cards = [plan_content.card(t, years) for g in goals
             for t in sorted(g.targets, key=lambda t: plan_content.sort_key(t.code))]
    num = plan_content.as_json
    sheets = [
        spreadsheet.Sheet(SHEETS[0], list(GOAL_COLUMNS), [[g.code, g.title] for g in goals]),
        spreadsheet.Sheet(SHEETS[1], list(TARGET_COLUMNS), [
            [c["code"], c["goal_code"], c["title"], (c["responsible_unit"] or {}).get("name"),
             "; ".join(u["name"] for u in c["cooperating_units"]), "\n".join(c["findings"]), "\n".join(c["needs"]),
             "\n".join(c["strategies"])] for c in cards]),
        spreadsheet.Sheet(SHEETS[2], list(indicator_columns(years)), [
            [i["code"], c["code"], i["name"], i["unit_of_measure"], i["definition"], i["data_source"],
             DIRECTIONS.get(i["direction"]), i["weight"], i["baseline"], *[i["values"][str(y)] for y in years],
             FREQUENCIES.get(i["monitoring"]), FREQUENCIES.get(i["reporting"]),
             "Evet" if i["key_indicator"] else "Hayır"]
            for c in cards for i in c["indicators"]]),
        spreadsheet.Sheet(SHEETS[3], list(activity_columns(years)), [
            [c["code"], KINDS.get(a["kind"]), a["name"], *[a["costs"][str(y)] for y in years], a["funding_source"]]
            for c in cards for a in c["activities"]]),
        spreadsheet.Sheet(SHEETS[4], list(RISK_COLUMNS), [
            [c["code"], r["risk"], r.get("likelihood"), r.get("impact"), r.get("control")]
            for c in cards for r in c["risks"]]),
    ]
    table = plan_views.costing(goals, years)
    costing = []
    for g in table["goals"]:
        costing.append([g["goal"].code, g["goal"].title, *map(num, g["years"]), num(g["total"])])
        costing += [[t["target"].code, t["target"].title, *map(num, t["years"]), num(t["total"])]
                    for t in g["targets"]]
    costing.append([_("Toplam"), "", *map(num, table["years"]), num(table["total"])])
    sheets.append(spreadsheet.Sheet("Maliyetlendirme", ["Kod", "Amaç / Hedef", *map(str, years), "Toplam"], costing))
    return spreadsheet.xlsx_bytes(sheets)


# -- import -----------------------------------------------------------------------------------------

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_workbook(data: bytes, max_rows: int) -> dict[str, list[tuple[int, dict]]]:
    """Sheet (by its folded title) → [(line, {folded header: text})], blank rows left out."""
    if not data.startswith(b"PK\x03\x04"):
        raise ImportRejected(_("Excel dosyası okunamadı: dosya .xlsx biçiminde değil."))
    try:
        if sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()) > MAX_XLSX_UNPACKED:
            raise ImportRejected(_("Excel dosyası açıldığında çok büyük; yalnızca veri sayfasını kaydedip yükleyin."))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportRejected:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many kinds of error on damaged files
        raise ImportRejected(_("Excel dosyası okunamadı; dosya bozuk olabilir.")) from exc
    found, count = {}, 0
    try:
        for sheet in book.worksheets:
            header, rows = None, []
            for number, row in enumerate(sheet.iter_rows(values_only=True, max_col=40), start=1):
                cells = [plan_rules.clean_text(_cell(v)) if not isinstance(v, str) or "\n" not in v
                         else "\n".join(plan_rules.clean_text(x) for x in v.splitlines()) for v in row]
                if not any(cells):
                    continue
                if header is None:
                    header = [fold(c) for c in cells]
                    continue
                count += 1
                if count > max_rows:
                    raise ImportRejected(_("Dosyada %(max)d satırdan fazla veri var. Dosyayı bölüp parça parça "
                                           "yükleyin.", max=max_rows))
                rows.append((number, {h: c for h, c in zip(header, cells, strict=False) if h}))
            found[fold(sheet.title)] = rows
    except ImportRejected:
        raise
    except Exception as exc:
        raise ImportRejected(_("Excel dosyası okunamadı; dosya bozuk olabilir.")) from exc
    finally:
        book.close()
    return found


class _Lines:
    """Where each field of a card came from: (sheet, line) for error messages."""

    def __init__(self):
        self.problems: list[str] = []

    def add(self, sheet: str, line: int, message: str) -> None:
        self.problems.append(_("%(sheet)s, satır %(line)d: %(message)s", sheet=sheet, line=line, message=message))


def import_xlsx(actor, instance, upload_name: str, data: bytes, max_rows: int) -> int:
    """Import the cards of the workbook; returns how many target cards were written."""
    plan_access.require_edit_all(actor, instance)
    scope = plan_state.require_editable(instance)
    if PurePath(upload_name or "").suffix.lower() != ".xlsx":
        raise ImportRejected(_("Yalnızca .xlsx dosyaları yüklenebilir."))
    sheets = read_workbook(data, max_rows)
    missing = [name for name in SHEETS[:3] if fold(name) not in sheets]
    if missing:
        raise ImportRejected(_("Dosyada şu sayfalar yok: %(names)s.", names=", ".join(missing)))
    years = plan_years(instance)
    lines = _Lines()
    goals = _goals(sheets, lines)
    rules = plan_content.update_rules(instance, scope)
    if rules is not None:
        _same_goals(instance, sheets, lines)
    cards, where = _cards(instance, sheets, years, lines)
    checked = _check(instance, goals, cards, where, years, lines, rules)
    if lines.problems:
        shown = lines.problems[:MAX_REPORTED]
        raise ImportRejected(_("Dosya içe aktarılmadı: %(n)d hata bulundu. Hiçbir kayıt değişmedi; satırları "
                               "düzeltip dosyayı yeniden yükleyin.", n=len(lines.problems)), shown)
    _write(actor, instance, goals, checked)
    audit.record("plan.imported", actor, municipality_id=instance.municipality_id, instance_id=instance.id,
                 filename=PurePath(upload_name).name, goals=len(goals), targets=len(checked))
    return len(checked)


def _goals(sheets: dict, lines: _Lines) -> dict:
    found = {}
    for line, row in sheets[fold(SHEETS[0])]:
        clean, errors = plan_rules.check_goal({"code": row.get(fold("Kod")), "title": row.get(fold("Amaç"))},
                                              set(found))
        for message in errors.values():
            lines.add(SHEETS[0], line, message)
        if not errors:
            found[clean["code"]] = clean
    return found


def _same_goals(instance, sheets: dict, lines: _Lines) -> None:
    """In a plan update the goals stay as they are: the file's goals are the plan's."""
    existing = {g.code: g.title for g in db.session.execute(
        db.select(PlanGoal).where(PlanGoal.instance_id == instance.id)).scalars()}
    for line, row in sheets[fold(SHEETS[0])]:
        code, title = row.get(fold("Kod")), plan_rules.text(row.get(fold("Amaç")), 500)
        if existing.get(code) != title:
            lines.add(SHEETS[0], line, _("Güncellemede amaçlar değiştirilemez (%(code)s).", code=code or "—"))


def _cards(instance, sheets: dict, years: list[int], lines: _Lines) -> tuple[dict, dict]:
    """Card data by target code, and where each part came from (for the messages)."""
    units = {tr_lower(u.name): u.id for u in instance.municipality.units}
    cards, where = {}, {}
    for line, row in sheets[fold(SHEETS[1])]:
        code = row.get(fold("Kod")) or ""
        if code in cards:
            lines.add(SHEETS[1], line, _("%(code)s kodu bu planda zaten kullanılıyor.", code=code))
            continue
        unit_name = row.get(fold("Sorumlu Birim")) or ""
        unit_id = units.get(tr_lower(unit_name))
        if unit_name and unit_id is None:
            lines.add(SHEETS[1], line, _("Belediyenin böyle bir birimi yok: “%(name)s”.", name=unit_name))
        cooperating = []
        for name in filter(None, (n.strip() for n in (row.get(fold("İş Birliği Yapılacak Birimler")) or "")
                                  .split(";"))):
            if tr_lower(name) not in units:
                lines.add(SHEETS[1], line, _("Belediyenin böyle bir birimi yok: “%(name)s”.", name=name))
            else:
                cooperating.append(units[tr_lower(name)])
        cards[code] = {"code": code, "goal_code": row.get(fold("Amaç Kodu")), "title": row.get(fold("Hedef")),
                       "responsible_unit_id": unit_id if unit_name else None, "cooperating_unit_ids": cooperating,
                       **{key: (row.get(fold(col)) or "").splitlines() for key, col in
                          (("findings", "Tespitler"), ("needs", "İhtiyaçlar"), ("strategies", "Stratejiler"))},
                       "indicators": [], "activities": [], "risks": []}
        where[code] = {"card": (SHEETS[1], line), "indicators": [], "activities": [], "risks": []}
    _parts(sheets, cards, where, years, lines)
    return cards, where


def _choice(text: str | None, labels: dict) -> str | None:
    if not text:
        return None
    by_label = {fold(v): k for k, v in labels.items()} | {fold(k): k for k in labels}
    return by_label.get(fold(text), text)


def _parts(sheets: dict, cards: dict, where: dict, years: list[int], lines: _Lines) -> None:
    parts = (
        (SHEETS[2], "indicators", lambda r: {
            "code": r.get(fold("Kod")), "name": r.get(fold("Gösterge")), "unit_of_measure": r.get(fold("Ölçü Birimi")),
            "definition": r.get(fold("Tanım / Formül")), "data_source": r.get(fold("Veri Kaynağı")),
            "direction": _choice(r.get(fold("Yön")), DIRECTIONS), "weight": r.get(fold("Hedefe Etkisi (%)")),
            "baseline": r.get(fold("Başlangıç Değeri")) or None,
            "values": {str(y): r.get(fold(str(y))) or None for y in years},
            "monitoring": _choice(r.get(fold("İzleme Sıklığı")), FREQUENCIES),
            "reporting": _choice(r.get(fold("Raporlama Sıklığı")), FREQUENCIES),
            "key_indicator": fold(r.get(fold("TPG")) or "") in YES}),
        (SHEETS[3], "activities", lambda r: {
            "kind": _choice(r.get(fold("Tür")), KINDS), "name": r.get(fold("Faaliyet / Proje")),
            "costs": {str(y): r.get(fold(str(y))) or None for y in years},
            "funding_source": r.get(fold("Finansman Kaynağı"))}),
        (SHEETS[4], "risks", lambda r: {
            "risk": r.get(fold("Risk")), "likelihood": r.get(fold("Olasılık (1-5)")) or None,
            "impact": r.get(fold("Etki (1-5)")) or None, "control": r.get(fold("Kontrol Faaliyeti"))}),
    )
    for sheet, key, build in parts:
        for line, row in sheets.get(fold(sheet), []):
            code = row.get(fold("Hedef Kodu")) or ""
            if code not in cards:
                lines.add(sheet, line, _("“Hedefler” sayfasında böyle bir hedef yok: %(code)s.", code=code or "—"))
                continue
            cards[code][key].append(build(row))
            where[code][key].append((sheet, line))


_ROW_KEY = re.compile(r"^(indicators|activities|risks)-(\d+)-")


def _check(instance, goals: dict, cards: dict, where: dict, years: list[int], lines: _Lines,
           rules: plan_rules.UpdateRules | None = None) -> dict:
    """Each card checked against the plan as it will be after the import."""
    existing = db.session.execute(db.select(PlanTarget.code, PlanTarget.id).where(
        PlanTarget.instance_id == instance.id)).all()
    kept_targets = {code for code, _id in existing if code not in cards}
    kept_indicators = set(db.session.execute(
        db.select(PlanIndicator.code).join(PlanTarget).where(PlanIndicator.instance_id == instance.id,
                                                            PlanTarget.code.in_(kept_targets or {""}))).scalars())
    goal_codes = goals.keys() | set(db.session.execute(
        db.select(PlanGoal.code).where(PlanGoal.instance_id == instance.id)).scalars())
    unit_ids = {u.id for u in instance.municipality.units}
    checked = {}
    for code, data in cards.items():
        others = {i.get("code") for c, d in cards.items() if c != code for i in d["indicators"]}
        ctx = CardContext(years, unit_ids, set(goal_codes), (kept_targets | set(cards)) - {code},
                          kept_indicators | others, rules)
        clean, errors = plan_rules.check_card(data, ctx)
        for key, message in errors.items():
            match = _ROW_KEY.match(key)
            sheet, line = where[code][match.group(1)][int(match.group(2))] if match else where[code]["card"]
            lines.add(sheet, line, message)
        checked[code] = clean
    return checked


def _write(actor, instance, goals: dict, checked: dict) -> None:
    existing = {g.code: g for g in db.session.execute(
        db.select(PlanGoal).where(PlanGoal.instance_id == instance.id)).scalars()}
    for code, clean in goals.items():
        goal = existing.get(code) or PlanGoal(instance_id=instance.id, municipality_id=instance.municipality_id,
                                              code=code)
        goal.title, goal.updated_at = clean["title"], utcnow()
        db.session.add(goal)
    db.session.flush()
    targets = {t.code: t for t in db.session.execute(
        db.select(PlanTarget).where(PlanTarget.instance_id == instance.id)
        .with_for_update(of=PlanTarget)).scalars()}
    for code, clean in checked.items():
        t = targets.get(code)
        if t is None:
            t = PlanTarget(instance_id=instance.id, municipality_id=instance.municipality_id, revision=0)
            db.session.add(t)
        plan_content.write_card(t, instance, clean, actor)

