"""The yearly cycle's dates (issue 15, calendar part): held-out dates for the plan years 2025–2029
worked out by hand from the law, the council rule and the official holidays."""

from __future__ import annotations

from datetime import date

import pytest

from stratflow.calendar import is_working_day
from stratflow.calendar.cycle import KEYS, plan_dates, plan_year_dates


def _by_key(year: int, kind: str = "ilce", weekday: int = 1, **kwargs) -> dict:
    return {d.key: d.date for d in plan_year_dates(year, kind, weekday, **kwargs)}


# A district council meeting on Tuesdays (first week of the month).
@pytest.mark.parametrize("year, activity_report, h1_actuals, budget_to_encumen", [
    # 1 April 2025 is Ramazan Bayramı: the nearest working day in the meeting week; 15 July 2024
    # (Demokrasi ve Millî Birlik Günü) a Monday; 31 August 2024 a Saturday, the 30th Zafer Bayramı
    (2024, date(2025, 4, 2), date(2024, 7, 12), date(2024, 8, 29)),
    (2025, date(2026, 4, 7), date(2025, 7, 14), date(2025, 8, 29)),
    (2026, date(2027, 4, 6), date(2026, 7, 14), date(2026, 8, 31)),
    (2027, date(2028, 4, 4), date(2027, 7, 14), date(2027, 8, 31)),
    (2028, date(2029, 4, 3), date(2028, 7, 14), date(2028, 8, 31)),
    (2029, date(2030, 4, 2), date(2029, 7, 13), date(2029, 8, 31)),
])
def test_held_out_dates_of_the_plan_years(year, activity_report, h1_actuals, budget_to_encumen):
    dates = _by_key(year)
    assert dates["activity_report_council"] == activity_report      # 5393 art. 56: the April meeting
    assert dates["monitoring_h1_actuals"] == h1_actuals
    assert dates["budget_to_encumen"] == budget_to_encumen          # 5393 art. 62: before 1 September


def test_a_metropolitan_council_meets_in_the_second_week():
    dates = _by_key(2025, "buyuksehir", 0)
    assert dates["performance_program_council"] == date(2025, 10, 13)
    assert dates["budget_council"] == date(2025, 11, 10)
    assert dates["activity_report_council"] == date(2026, 4, 13)
    assert dates["final_accounts_council"] == date(2026, 5, 11)     # 5393 art. 64: the May meeting


def test_every_date_is_a_working_day_and_in_order_of_the_year():
    found = plan_dates(2025, "ilce", 1)
    assert [d.key for d in found[:len(KEYS)]] == list(KEYS) and len(found) == 5 * len(KEYS)
    assert all(is_working_day(d.date) for d in found)
    for year in range(2025, 2030):
        days = [d.date for d in found if d.plan_year == year]
        assert days == sorted(days), year
    assert {d.key for d in found if d.settled} == {"budget_to_encumen", "unit_activity_reports",
                                                  "activity_report_council", "final_accounts_council"}


def test_a_recess_month_takes_its_meeting_away_and_an_entered_date_wins():
    assert _by_key(2025, recess_month=10)["performance_program_council"] is None
    entered = _by_key(2025, actual_dates={(2026, 4): date(2026, 4, 9)})
    assert entered["activity_report_council"] == date(2026, 4, 9)


def test_a_leave_day_moves_a_date_back():
    assert _by_key(2026, leave_days=[date(2026, 8, 31)])["budget_to_encumen"] == date(2026, 8, 28)


def test_the_next_date_of_the_cycle():
    from stratflow.calendar.cycle import next_date
    found = next_date(date(2025, 7, 20), 2025, "ilce", 1)
    assert (found.key, found.date, found.plan_year) == ("monitoring_h1_report", date(2025, 7, 31), 2025)
    # In March the previous plan year's evaluation report (10 working days before the April council)
    # is next, then the activity report at the April council.
    found = next_date(date(2026, 3, 10), 2025, "ilce", 1)
    assert (found.key, found.date, found.plan_year) == ("evaluation_report", date(2026, 3, 24), 2025)
    found = next_date(date(2026, 3, 25), 2025, "ilce", 1)
    assert (found.key, found.date, found.plan_year) == ("activity_report_council", date(2026, 4, 7), 2025)
    assert next_date(date(2031, 6, 1), 2025, "ilce", 1) is None
