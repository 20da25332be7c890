"""The yearly cycle on an adopted plan: the statutory and customary dates of one plan year.

For plan year Y (a year of the adopted plan's period) and a municipality's council rule
(`ROWS` holds each date's rule and basis; `settled` says law or product default):

- monitoring_h1_actuals, 15 July Y, and monitoring_h1_report, 31 July Y: the units' actuals of
  January–June and the six-monthly monitoring report (product defaults: settings);
- unit_performance_proposals, 15 August Y: units propose next year's performance targets and
  costs (product default);
- budget_to_encumen, 31 August Y: the budget, with the performance program, goes to the encümen
  "before the first of September" (5393 art. 62);
- performance_program_council and budget_council: the regular meetings of October and November Y
  (5393 art. 18(a) and 62: adopted before the fiscal year; the months are practice, settings);
- monitoring_h2_actuals, 15 January Y+1, and monitoring_h2_report, 31 January Y+1 (defaults);
- unit_activity_reports, end of February Y+1 (Kamu İdarelerince Hazırlanacak Faaliyet Raporları
  Hakkında Yönetmelik, whose local-administration part gives the spending units' reports to the
  mayor by the end of February) and evaluation_report, 10 working days before the April meeting
  (the yearly evaluation of the Usul ve Esaslar Yönetmeliği, consolidated by the strategy unit with
  the activity report in the plan_evaluation_year process; the date is a product default; without
  an April meeting it counts from the last working day of April: `april_council`);
- activity_report_council: the regular meeting of April Y+1 (5393 art. 56);
- final_accounts_council: the regular meeting of May Y+1 (kesinhesap, 5393 art. 64).

A date that falls on a non-working day moves to the previous working day (nothing is due on a
holiday); a council date is the month's regular meeting by the council's rule (holiday weeks as
council.py says), or the date the clerk entered. A recess month that takes away one of these
meetings leaves it None and says so. Settled law vs. product defaults is in each row's `settled`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .council import DEFAULT_RECESS_MONTH, meeting_of_month
from .workdays import add_working_days, is_working_day


@dataclass(frozen=True)
class CycleDate:
    key: str
    date: date | None      # None: no regular meeting that month (recess, cancelled)
    basis: str             # the legal basis or "product default"
    settled: bool          # True: the law gives the date; False: a product default (a setting)
    plan_year: int


# (key, month offset from January of the plan year, day or "meeting", basis, settled)
ROWS = (
    ("monitoring_h1_actuals", 6, 15, "ürün varsayılanı (ayar)", False),
    ("monitoring_h1_report", 6, 31, "ürün varsayılanı (ayar)", False),
    ("unit_performance_proposals", 7, 15, "ürün varsayılanı (ayar)", False),
    ("budget_to_encumen", 7, 31, "5393 sayılı Belediye Kanunu md. 62", True),
    ("performance_program_council", 9, "meeting", "5393 sayılı Belediye Kanunu md. 18(a) ve 62; uygulama", False),
    ("budget_council", 10, "meeting", "5393 sayılı Belediye Kanunu md. 62; uygulama", False),
    ("monitoring_h2_actuals", 12, 15, "ürün varsayılanı (ayar)", False),
    ("monitoring_h2_report", 12, 31, "ürün varsayılanı (ayar)", False),
    ("unit_activity_reports", 13, "end", "Kamu İdarelerince Hazırlanacak Faaliyet Raporları Hakkında Yönetmelik",
     True),
    ("evaluation_report", 15, "before_april", "Kamu İdarelerinde Stratejik Planlamaya İlişkin Usul ve Esaslar Hakkında "
     "Yönetmelik; tarih: ürün varsayılanı", False),
    ("activity_report_council", 15, "meeting", "5393 sayılı Belediye Kanunu md. 56", True),
    ("final_accounts_council", 16, "meeting", "5393 sayılı Belediye Kanunu md. 64", True),
)
KEYS = tuple(row[0] for row in ROWS)
EVALUATION_BEFORE_COUNCIL = 10   # working days between the evaluation report and the April meeting


def _month(year: int, offset: int) -> date:
    return date(year + offset // 12, offset % 12 + 1, 1)


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _previous_working_day(day: date, leave: frozenset) -> date:
    while not is_working_day(day, leave):
        day -= timedelta(days=1)
    return day


def plan_year_dates(plan_year: int, municipality_type: str, weekday: int,
                    recess_month: int | None = DEFAULT_RECESS_MONTH,
                    actual_dates: Mapping | None = None, leave_days: Iterable[date] = ()) -> list[CycleDate]:
    """The dates of plan year `plan_year`, in the order of the table above (module doc)."""
    leave = frozenset(leave_days)
    found = []
    for key, offset, day, basis, settled in ROWS:
        first = _month(plan_year, offset)
        if day == "meeting":
            meeting = meeting_of_month(first, municipality_type, weekday, recess_month, actual_dates, leave)
            value = meeting.date if meeting else None
        elif day == "before_april":
            meeting = meeting_of_month(first, municipality_type, weekday, recess_month, actual_dates, leave)
            value = add_working_days(april_council(meeting.date if meeting else None, plan_year, leave),
                                     -EVALUATION_BEFORE_COUNCIL, leave)
        else:
            end = _month_end(first)
            value = _previous_working_day(end if day == "end" else first.replace(day=min(day, end.day)), leave)
        found.append(CycleDate(key, value, basis, settled, plan_year))
    return found


def april_council(meeting: date | None, plan_year: int, leave: frozenset) -> date:
    """The April meeting of plan year `plan_year`'s activity report, or — without one (an April
    recess, against 5393 art. 56) — the last working day of April, so that the steps before it
    still have dates."""
    return meeting or _previous_working_day(date(plan_year + 1, 4, 30), leave)


def plan_dates(first_year: int, municipality_type: str, weekday: int, years: int = 5, **kwargs) -> list[CycleDate]:
    """Every plan year's dates of a plan whose period starts in `first_year`."""
    return [d for year in range(first_year, first_year + years)
            for d in plan_year_dates(year, municipality_type, weekday, **kwargs)]


def next_date(today: date, first_year: int, municipality_type: str, weekday: int, years: int = 5,
              **kwargs) -> CycleDate | None:
    """The first of the plan's dates on or after `today` (None once the plan period is over)."""
    coming = [found for year in range(max(first_year, today.year - 1), first_year + years)
              for found in plan_year_dates(year, municipality_type, weekday, **kwargs)
              if found.date is not None and found.date >= today]
    return min(coming, key=lambda found: found.date) if coming else None
