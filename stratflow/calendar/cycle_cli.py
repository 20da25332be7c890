"""`flask --app wsgi stratflow cycle …`: the yearly-cycle dates of an adopted plan (calendar/cycle.py).

Registered by stratflow/cli.py beside `calendar`. Pure computation: no database, no app context.
Each date says whether the law gives it or it is a product default (a municipality setting).
"""

from __future__ import annotations

import json
import re
from datetime import date

import click

from .cli import _parsed, _recess
from .cycle import KEYS, CycleDate, plan_dates
from .inputs import parse_date, parse_municipality_type, parse_weekday
from .notices import format_day

DEFAULT_BASIS = "ürün varsayılanı"
PERIOD = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")

LABELS = {
    "tr": {
        "title": "Stratejik plan yıllık döngüsü {first}–{last}", "year": "Plan yılı {year}",
        "law": "mevzuat", "default": "ürün varsayılanı (ayar)", "no_meeting": "o ay olağan toplantı yok (tatil ayı)",
        "dates": {
            "monitoring_h1_actuals": "Birimlerin ilk altı ay gerçekleşmeleri",
            "monitoring_h1_report": "Altı aylık izleme raporu",
            "unit_performance_proposals": "Birimlerin performans programı önerileri",
            "budget_to_encumen": "Bütçe ve performans programı encümene",
            "performance_program_council": "Performans programı meclise",
            "budget_council": "Bütçe meclise",
            "monitoring_h2_actuals": "Birimlerin yıl sonu gerçekleşmeleri",
            "monitoring_h2_report": "Yıl sonu izleme raporu",
            "unit_activity_reports": "Birim faaliyet raporları",
            "evaluation_report": "Yıllık değerlendirme raporu",
            "activity_report_council": "Faaliyet raporu nisan meclisine",
            "final_accounts_council": "Kesinhesap mayıs meclisine",
        },
    },
    "en": {
        "title": "Strategic plan yearly cycle {first}–{last}", "year": "Plan year {year}",
        "law": "legislation", "default": "product default (a setting)",
        "no_meeting": "no regular meeting that month (recess)",
        "dates": {
            "monitoring_h1_actuals": "Units' actuals of the first half",
            "monitoring_h1_report": "Six-monthly monitoring report",
            "unit_performance_proposals": "Units' performance programme proposals",
            "budget_to_encumen": "Budget and performance programme to the encümen",
            "performance_program_council": "Performance programme to the council",
            "budget_council": "Budget to the council",
            "monitoring_h2_actuals": "Units' year-end actuals",
            "monitoring_h2_report": "Year-end monitoring report",
            "unit_activity_reports": "Unit activity reports",
            "evaluation_report": "Yearly evaluation report",
            "activity_report_council": "Activity report to the April council",
            "final_accounts_council": "Final accounts to the May council",
        },
    },
}


def parse_period(text: str) -> tuple[int, int]:
    """'2025-2029' → (2025, 5): a plan period of one to five years."""
    match = PERIOD.match(text or "")
    if not match:
        raise ValueError(f"geçersiz plan dönemi: {text!r} (örnek: 2025-2029)")
    first, last = int(match[1]), int(match[2])
    if not 1 <= last - first + 1 <= 5 or first < 2000:
        raise ValueError(f"geçersiz plan dönemi: {text!r} (bir ile beş yıl arası, örnek: 2025-2029)")
    return first, last - first + 1


@click.command("cycle")
@click.option("--plan-period", required=True, callback=_parsed(parse_period),
              help="The adopted plan's period, e.g. 2025-2029.")
@click.option("--type", "municipality_type", required=True, callback=_parsed(parse_municipality_type),
              help="buyuksehir, il, ilce or belde.")
@click.option("--council-weekday", required=True, callback=_parsed(parse_weekday),
              help="The council's meeting day: monday … sunday (or pazartesi … pazar).")
@click.option("--recess-month", default="8", show_default=True, callback=_parsed(_recess),
              help="The council's recess month, 1–12, or 'none'.")
@click.option("--meeting-date", multiple=True, callback=_parsed(parse_date),
              help="A clerk-entered actual meeting date (wins for its month); repeatable.")
@click.option("--leave-day", multiple=True, callback=_parsed(parse_date),
              help="An administrative-leave day (idari izin); repeatable.")
@click.option("--year", "only_year", type=int, help="Only this plan year.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list instead of text.")
@click.option("--lang", type=click.Choice(["tr", "en"]), default="tr", show_default=True)
def cycle_command(plan_period: tuple[int, int], municipality_type: str, council_weekday: int,
                  recess_month: int | None, meeting_date: tuple[date, ...], leave_day: tuple[date, ...],
                  only_year: int | None, as_json: bool, lang: str) -> None:
    """Print the yearly-cycle dates of a plan: monitoring, performance programme, budget, reports."""
    first, years = plan_period
    if only_year is not None and not first <= only_year < first + years:
        raise click.BadParameter(f"{only_year} plan döneminde değil ({first}–{first + years - 1})",
                                 param_hint="'--year'")
    found = [d for d in plan_dates(first, municipality_type, council_weekday, years, recess_month=recess_month,
                                   actual_dates={d: d for d in meeting_date}, leave_days=leave_day)
             if only_year is None or d.plan_year == only_year]
    if as_json:
        click.echo(json.dumps([as_dict(d, lang) for d in found], ensure_ascii=False, indent=2))
    else:
        click.echo(as_text(found, first, years, lang))


def as_dict(found: CycleDate, lang: str = "tr") -> dict:
    return {"plan_year": found.plan_year, "key": found.key, "label": LABELS[lang]["dates"].get(found.key, found.key),
            "date": found.date.isoformat() if found.date else None, "basis": found.basis, "settled": found.settled,
            "basis_text": basis(found, lang)}


def basis(row: CycleDate, lang: str = "tr") -> str:
    """The legal basis and whether the law settles the date: 'Kanun md. 62 (kanun)', 'ürün varsayılanı (ayar)'."""
    t = LABELS[lang]
    if row.basis.startswith(DEFAULT_BASIS):
        return t["default"]
    text = row.basis
    if lang == "en":
        text = text.replace("tarih: ürün varsayılanı", "date: product default").replace("uygulama", "practice")
    return f"{text} ({t['law'] if row.settled else t['default']})"


def as_text(found: list[CycleDate], first: int, years: int, lang: str = "tr") -> str:
    t = LABELS[lang]
    lines = [t["title"].format(first=first, last=first + years - 1)]
    year = None
    for row in found:
        if row.plan_year != year:
            year = row.plan_year
            lines += ["", t["year"].format(year=year)]
        when = format_day(row.date, lang) if row.date else t["no_meeting"]
        lines.append(f"  {when}: {t['dates'].get(row.key, row.key)} — {basis(row, lang)}")
    return "\n".join(lines)


assert set(LABELS["tr"]["dates"]) == set(KEYS) == set(LABELS["en"]["dates"])
