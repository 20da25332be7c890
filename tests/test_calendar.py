"""The statutory calendar (stratflow.calendar): legal deadline, council meetings, target meeting,
Turkish holidays and working days. Pure functions, no database.

Holiday dates relied on (from the `holidays` package 0.109, country TR, checked in
test_the_holiday_dates_these_tests_rely_on): Ramazan Bayramı 2024 = 10–12 April, eve 9 April
afternoon; Kurban Bayramı 2025 = 6–9 June, eve 5 June afternoon; 28 October afternoon and
29 October (Cumhuriyet Bayramı); 30 August (Zafer Bayramı); Ramazan Bayramı 2025 eve = Saturday 29 March,
bayram 30 March – 1 April; Ramazan Bayramı 2027 = 9–11 March, eve 8 March afternoon; Kurban Bayramı 2019 =
11–14 August, eve Saturday 10 August.
"""

from datetime import date, timedelta

import pytest

from stratflow.calendar import (
    CalendarWarning,
    DayKind,
    ElectionError,
    add_months,
    add_working_days,
    build_schedule,
    council_meetings,
    day_kind,
    deadline_warnings,
    describe,
    election,
    half_day_name,
    holiday_name,
    is_half_day,
    is_working_day,
    legal_deadline,
    meeting_of_month,
    official_holidays,
    parse_date,
    parse_month,
    parse_municipality_type,
    parse_weekday,
    recess_warnings,
    rule_date,
    target_council_meeting,
    working_days_between,
)
from stratflow.calendar import notices as n

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def codes(warnings):
    return [w.code for w in warnings]


# --- legal deadline -----------------------------------------------------------------------------

@pytest.mark.parametrize(("election", "deadline"), [
    (date(2009, 3, 29), date(2009, 9, 29)),  # the official example
    (date(2014, 3, 30), date(2014, 9, 30)),
    (date(2019, 3, 31), date(2019, 9, 30)),  # 31 September does not exist
    (date(2024, 3, 31), date(2024, 9, 30)),
    (date(2029, 3, 25), date(2029, 9, 25)),
])
def test_legal_deadline_of_the_election_cycles(election, deadline):
    assert legal_deadline(election) == deadline
    assert deadline_warnings(deadline) == []  # all on working days: no note


@pytest.mark.parametrize(("election", "deadline"), [
    (date(2023, 8, 31), date(2024, 2, 29)),  # leap year: last day of February
    (date(2022, 8, 31), date(2023, 2, 28)),
    (date(2099, 8, 31), date(2100, 2, 28)),  # 2100 is not a leap year
    (date(2024, 2, 29), date(2024, 8, 29)),
    (date(2023, 12, 31), date(2024, 6, 30)),
    (date(2024, 10, 15), date(2025, 4, 15)),  # across the year
    (date(2024, 8, 30), date(2025, 2, 28)),
])
def test_legal_deadline_month_end_and_leap_years(election, deadline):
    assert legal_deadline(election) == deadline


def test_add_months_backwards_and_zero():
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 15), -13) == date(2022, 12, 15)
    assert add_months(date(2024, 5, 31), 0) == date(2024, 5, 31)


def test_deadline_is_never_moved_but_noted_on_a_holiday():
    deadline = legal_deadline(date(2024, 4, 29))
    assert deadline == date(2024, 10, 29)  # Cumhuriyet Bayramı, not moved
    warnings = deadline_warnings(deadline)
    assert codes(warnings) == [n.DEADLINE_ON_HOLIDAY]
    assert "Cumhuriyet Bayramı" in describe(warnings[0])
    assert "29 Ekim 2024" in describe(warnings[0])
    assert "Republic Day" in describe(warnings[0], "en")


def test_deadline_notes_for_weekend_half_day_and_leave():
    assert codes(deadline_warnings(legal_deadline(date(2023, 3, 30)))) == [n.DEADLINE_ON_WEEKEND]  # Sat 30.09.2023
    half = deadline_warnings(legal_deadline(date(2024, 4, 28)))  # Mon 28.10.2024, afternoon off
    assert codes(half) == [n.DEADLINE_ON_HALF_DAY]
    assert "saat 13.00" in describe(half[0])
    assert codes(deadline_warnings(date(2024, 9, 30), [date(2024, 9, 30)])) == [n.DEADLINE_ON_LEAVE_DAY]


# --- holidays and working days ------------------------------------------------------------------

def test_the_holiday_dates_these_tests_rely_on():
    assert [d for d in official_holidays(2024) if d.month == 4 and d.day < 20] == [
        date(2024, 4, 9), date(2024, 4, 10), date(2024, 4, 11), date(2024, 4, 12)]
    assert [d for d in official_holidays(2025) if d.month == 6] == [
        date(2025, 6, 5), date(2025, 6, 6), date(2025, 6, 7), date(2025, 6, 8), date(2025, 6, 9)]
    assert holiday_name(date(2025, 6, 6)) == "Kurban Bayramı"
    assert holiday_name(date(2025, 6, 6), "en") == "Eid al-Adha"
    assert half_day_name(date(2025, 6, 5)) == "Kurban Bayramı (saat 13.00'ten)"
    assert half_day_name(date(2024, 4, 9)) == "Ramazan Bayramı (saat 13.00'ten)"
    assert half_day_name(date(2024, 10, 28)) == "Cumhuriyet Bayramı (saat 13.00'ten)"
    assert holiday_name(date(2024, 10, 29)) == "Cumhuriyet Bayramı"
    assert holiday_name(date(2024, 8, 30)) == "Zafer Bayramı"
    assert holiday_name(date(2025, 6, 5)) is None and half_day_name(date(2025, 6, 6)) is None
    assert [d for d in official_holidays(2027) if d.month == 3] == [
        date(2027, 3, 8), date(2027, 3, 9), date(2027, 3, 10), date(2027, 3, 11)]
    assert half_day_name(date(2027, 3, 8)) == "Ramazan Bayramı (saat 13.00'ten)"
    assert [d for d in official_holidays(2019) if d.month == 8 and d.day < 20] == [
        date(2019, 8, 10), date(2019, 8, 11), date(2019, 8, 12), date(2019, 8, 13), date(2019, 8, 14)]
    assert holiday_name(date(2025, 4, 1)) == "Ramazan Bayramı"


def test_day_kinds_around_kurban_bayrami_2025():
    kinds = {date(2025, 6, d): day_kind(date(2025, 6, d)) for d in range(4, 11)}
    assert kinds == {
        date(2025, 6, 4): DayKind.WORKING, date(2025, 6, 5): DayKind.HALF_DAY,
        date(2025, 6, 6): DayKind.HOLIDAY, date(2025, 6, 7): DayKind.WEEKEND, date(2025, 6, 8): DayKind.WEEKEND,
        date(2025, 6, 9): DayKind.HOLIDAY, date(2025, 6, 10): DayKind.WORKING}
    assert is_working_day(date(2025, 6, 5)) and is_half_day(date(2025, 6, 5))
    assert not is_working_day(date(2025, 6, 9))


def test_a_half_day_eve_on_a_saturday_is_just_a_weekend():
    assert half_day_name(date(2025, 3, 29)) is not None  # Ramazan Bayramı eve 2025
    assert day_kind(date(2025, 3, 29)) == DayKind.WEEKEND and not is_half_day(date(2025, 3, 29))


@pytest.mark.parametrize(("start", "offset", "expected"), [
    (date(2025, 6, 4), 1, date(2025, 6, 5)),  # the half-day eve counts as a working day
    (date(2025, 6, 4), 2, date(2025, 6, 10)),  # then 6–9 June are skipped
    (date(2025, 6, 5), 1, date(2025, 6, 10)),
    (date(2025, 6, 2), 5, date(2025, 6, 11)),  # 3, 4, 5, 10, 11
    (date(2025, 6, 10), -1, date(2025, 6, 5)),
    (date(2025, 6, 10), -2, date(2025, 6, 4)),
    (date(2025, 6, 7), 1, date(2025, 6, 10)),
    (date(2025, 6, 7), 0, date(2025, 6, 7)),  # zero: the day itself, even on a holiday
    (date(2024, 4, 8), 2, date(2024, 4, 15)),  # Ramazan Bayramı 2024: 9 (eve) then 15
])
def test_add_working_days_across_bayrams(start, offset, expected):
    assert add_working_days(start, offset) == expected


def test_working_days_between_is_the_inverse_of_add_working_days():
    assert working_days_between(date(2025, 6, 4), date(2025, 6, 10)) == 2
    assert working_days_between(date(2025, 6, 10), date(2025, 6, 4)) == -2
    assert working_days_between(date(2025, 6, 6), date(2025, 6, 9)) == 0
    start = date(2025, 5, 28)
    for offset in range(-15, 16):
        assert working_days_between(start, add_working_days(start, offset)) == offset


def test_an_administrative_leave_day_is_skipped():
    leave = {date(2025, 6, 4)}  # a leave day passed in, as from the per-year table
    assert day_kind(date(2025, 6, 4), leave) == DayKind.LEAVE
    assert not is_working_day(date(2025, 6, 4), leave)
    assert add_working_days(date(2025, 6, 3), 1, leave) == date(2025, 6, 5)
    assert add_working_days(date(2025, 6, 3), 2, leave) == date(2025, 6, 10)
    assert working_days_between(date(2025, 6, 2), date(2025, 6, 10), leave) == 3
    assert working_days_between(date(2025, 6, 2), date(2025, 6, 10)) == 4


# --- council meetings -----------------------------------------------------------------------------

def test_rule_date_first_week_for_ordinary_second_week_for_metropolitan():
    assert rule_date(2024, 9, "ilce", TUE) == date(2024, 9, 3)
    assert rule_date(2024, 9, "buyuksehir", TUE) == date(2024, 9, 10)
    assert rule_date(2024, 9, "il", SAT) == date(2024, 9, 7)
    assert rule_date(2024, 9, "buyuksehir", SUN) == date(2024, 9, 8)
    for month in range(1, 13):
        for weekday in range(7):
            ordinary, metro = rule_date(2025, month, "belde", weekday), rule_date(2025, month, "buyuksehir", weekday)
            assert 1 <= ordinary.day <= 7 and 8 <= metro.day <= 14
            assert ordinary.weekday() == metro.weekday() == weekday


def test_meetings_from_the_2024_election_skip_the_august_recess():
    meetings = council_meetings(date(2024, 3, 31), date(2024, 9, 30), "ilce", TUE)
    assert [m.date for m in meetings] == [date(2024, 4, 2), date(2024, 5, 7), date(2024, 6, 4),
                                          date(2024, 7, 2), date(2024, 9, 3)]
    no_recess = council_meetings(date(2024, 3, 31), date(2024, 9, 30), "ilce", TUE, recess_month=None)
    assert date(2024, 8, 6) in [m.date for m in no_recess]
    july_recess = council_meetings(date(2024, 3, 31), date(2024, 9, 30), "ilce", TUE, recess_month=7)
    assert [m.date for m in july_recess][3:] == [date(2024, 8, 6), date(2024, 9, 3)]


def test_metropolitan_meeting_inside_ramazan_bayrami_2024_stays_in_its_week():
    # Wed 10.4.2024 is Ramazan Bayramı (10–12 April); the nearest working day of days 8–14 is the
    # eve, Tue 9 April (a working morning), one day before — not Mon 15 April outside the week
    meetings = council_meetings(date(2024, 3, 31), date(2024, 9, 30), "buyuksehir", WED)
    april = meetings[0]
    assert (april.scheduled, april.date, april.source) == (date(2024, 4, 10), date(2024, 4, 9), "moved")
    assert codes(april.warnings) == [n.MEETING_MOVED, n.MEETING_ON_HALF_DAY]
    assert "Ramazan Bayramı" in describe(april.warnings[0])
    assert "en yakın iş günü olan 9 Nisan 2024 Salı" in describe(april.warnings[0])
    assert "nearest working day in the meeting week" in describe(april.warnings[0], "en")
    assert [m.date for m in meetings][1:] == [date(2024, 5, 8), date(2024, 6, 12), date(2024, 7, 10),
                                              date(2024, 9, 11)]


def test_meeting_inside_kurban_bayrami_2025():
    friday = meeting_of_month((2025, 6), "ilce", FRI)  # Fri 6 June: Kurban Bayramı; Sat 7 June is no working day
    assert (friday.scheduled, friday.date) == (date(2025, 6, 6), date(2025, 6, 5))
    assert codes(friday.warnings) == [n.MEETING_MOVED, n.MEETING_ON_HALF_DAY]  # the eve: plan the morning
    monday = meeting_of_month((2025, 6), "buyuksehir", MON)  # 9 June → 10 June (Sun 8 June is no working day)
    assert (monday.scheduled, monday.date) == (date(2025, 6, 9), date(2025, 6, 10))
    assert codes(monday.warnings) == [n.MEETING_MOVED]
    thursday = meeting_of_month((2025, 6), "ilce", THU)  # the eve: not moved, noted
    assert (thursday.date, thursday.source) == (date(2025, 6, 5), "rule")
    assert codes(thursday.warnings) == [n.MEETING_ON_HALF_DAY]


def test_a_holiday_on_the_rule_day_moves_to_the_nearest_day_of_the_week_a_tie_to_the_later():
    # Ramazan Bayramı 2027: Tue 9 – Thu 11 March (eve Mon 8 March afternoon). A metropolitan
    # Wednesday council (10 March): Mon 8 and Fri 12 March are both two days away → Friday.
    wednesday = meeting_of_month((2027, 3), "buyuksehir", WED)
    assert (wednesday.scheduled, wednesday.date, wednesday.source) == (date(2027, 3, 10), date(2027, 3, 12), "moved")
    assert codes(wednesday.warnings) == [n.MEETING_MOVED]
    # Tuesday (9 March): Mon 8 March is nearer than Fri 12 March
    tuesday = meeting_of_month((2027, 3), "buyuksehir", TUE)
    assert tuesday.date == date(2027, 3, 8) and codes(tuesday.warnings) == [n.MEETING_MOVED, n.MEETING_ON_HALF_DAY]
    # Ramazan Bayramı 2025 (30 March – Tue 1 April): an ordinary Tuesday council meets on Wed 2 April
    april = meeting_of_month((2025, 4), "ilce", TUE)
    assert (april.scheduled, april.date) == (date(2025, 4, 1), date(2025, 4, 2))


def _close(monkeypatch, days: dict):
    """Make `days` full-day official holidays on top of the real ones (no real meeting week of
    2019–2035 is a holiday from end to end)."""
    from stratflow.calendar import workdays
    real = workdays._holidays

    def patched(year, category, language):
        found = dict(real(year, category, language))
        if category == "public":
            found.update({d: name for d, name in days.items() if d.year == year})
        return found
    monkeypatch.setattr(workdays, "_holidays", patched)


def test_a_whole_week_of_holiday_moves_the_meeting_to_the_first_working_day_after_it(monkeypatch):
    # Kurban Bayramı 2025 (Fri 6 – Mon 9 June) with Mon 2 – Thu 5 June closed as well: days 1–7 have
    # no working day, so the ordinary Tuesday meeting (3 June) moves to Tue 10 June (Mon 9: bayram)
    _close(monkeypatch, {date(2025, 6, d): "Kurban Bayramı" for d in (2, 3, 4, 5)})
    meeting = meeting_of_month((2025, 6), "ilce", TUE)
    assert (meeting.scheduled, meeting.date, meeting.source) == (date(2025, 6, 3), date(2025, 6, 10), "moved")
    assert codes(meeting.warnings) == [n.MEETING_MOVED_OUT_OF_WEEK]
    assert "ilk haftasının tamamı resmî tatil" in describe(meeting.warnings[0])
    assert "whole first week" in describe(meeting.warnings[0], "en")


def test_a_moved_meeting_after_the_deadline_keeps_its_note(monkeypatch):
    # deadline Wed 3.9.2025 (election 3.3.2025); the Tuesday meeting of 2 September is closed with the
    # whole week, moves to Mon 8 September: after the deadline, and its notes are still shown
    _close(monkeypatch, {date(2025, 9, d): "Test" for d in (1, 2, 3, 4, 5)})
    sched = build_schedule(date(2025, 3, 3), "ilce", TUE, recess_month=None)
    assert sched.legal_deadline == date(2025, 9, 3)
    assert date(2025, 9, 8) not in [m.date for m in sched.meetings]
    assert sched.target.date == date(2025, 8, 5)
    found = codes(sched.warnings)
    assert n.MEETING_MOVED_OUT_OF_WEEK in found and n.MEETING_AFTER_DEADLINE in found
    late = next(w for w in sched.warnings if w.code == n.MEETING_AFTER_DEADLINE)
    assert "8 Eylül 2025 Pazartesi" in describe(late) and "3 Eylül 2025 Çarşamba" in describe(late)


def test_a_leave_day_does_not_move_a_meeting_but_is_noted():
    meeting = meeting_of_month((2024, 9), "ilce", TUE, leave_days=[date(2024, 9, 3)])
    assert meeting.date == date(2024, 9, 3)
    assert codes(meeting.warnings) == [n.MEETING_ON_LEAVE_DAY]


def test_clerk_entered_dates_win_also_in_the_recess_month():
    entered = {(2024, 9): date(2024, 9, 5), "2024-08": date(2024, 8, 20), date(2024, 7, 1): None}
    meetings = council_meetings(date(2024, 3, 31), date(2024, 9, 30), "ilce", TUE, actual_dates=entered)
    assert [(m.date, m.source) for m in meetings][3:] == [(date(2024, 8, 20), "entered"),
                                                          (date(2024, 9, 5), "entered")]
    assert date(2024, 7, 2) not in [m.date for m in meetings]  # July cancelled by the clerk
    assert meeting_of_month("2024-08", "ilce", TUE) is None  # the recess without an entered date


def test_bad_rule_inputs_raise_value_error():
    for args in (("koy", TUE, 8), ("ilce", 7, 8), ("ilce", TUE, 13), ("ilce", TUE, 0)):
        with pytest.raises(ValueError):
            council_meetings(date(2024, 1, 1), date(2024, 3, 1), *args)


# --- target meeting -------------------------------------------------------------------------------

@pytest.mark.parametrize(("election", "kind", "weekday", "target"), [
    (date(2024, 3, 31), "ilce", TUE, date(2024, 9, 3)),
    (date(2024, 3, 31), "buyuksehir", TUE, date(2024, 9, 10)),
    (date(2019, 3, 31), "il", MON, date(2019, 9, 2)),
    (date(2009, 3, 29), "belde", TUE, date(2009, 9, 1)),
    (date(2029, 3, 25), "buyuksehir", TUE, date(2029, 9, 11)),
])
def test_target_is_the_september_meeting_after_a_march_election(election, kind, weekday, target):
    result = target_council_meeting(election, kind, weekday)
    assert result.date == target and result.warnings == () and not result.extraordinary_needed


def test_metropolitan_second_week_can_miss_a_deadline_the_first_week_meets():
    # deadline Mon 9.9.2024: ordinary Tuesday meets on 3.9, metropolitan Tuesday on 10.9 is too late
    assert target_council_meeting(date(2024, 3, 9), "ilce", TUE).date == date(2024, 9, 3)
    late = target_council_meeting(date(2024, 3, 9), "buyuksehir", TUE)
    assert late.date == date(2024, 7, 9)  # August is the recess
    assert codes(late.warnings) == [n.DEADLINE_MONTH_MEETING_LATE]
    assert "olağanüstü" in describe(late.warnings[0])


def test_recess_in_the_deadline_month():
    result = target_council_meeting(date(2024, 2, 29), "ilce", TUE)  # deadline 29.8.2024
    assert result.date == date(2024, 7, 2)
    assert codes(result.warnings) == [n.DEADLINE_MONTH_IN_RECESS]
    assert "Ağustos 2024" in describe(result.warnings[0])
    assert target_council_meeting(date(2024, 2, 29), "ilce", TUE, recess_month=None).date == date(2024, 8, 6)


def test_no_regular_meeting_left_means_extraordinary_meeting():
    result = target_council_meeting(date(2024, 2, 29), "ilce", TUE, not_before=date(2024, 8, 1))
    assert result.date is None and result.extraordinary_needed  # the recess eats the only month left
    assert codes(result.warnings) == [n.NO_REGULAR_MEETING_IN_TIME]
    assert "olağanüstü" in describe(result.warnings[0])
    assert "extraordinary" in describe(result.warnings[0], "en_US")
    late = target_council_meeting(date(2024, 3, 31), "ilce", TUE, not_before=date(2024, 9, 4))
    assert late.date is None


def test_an_entered_meeting_after_the_deadline_falls_back_with_a_warning():
    result = target_council_meeting(date(2024, 3, 31), "ilce", TUE, actual_dates={(2024, 9): date(2024, 10, 1)})
    assert result.date == date(2024, 7, 2)
    assert codes(result.warnings) == [n.DEADLINE_MONTH_MEETING_LATE]
    moved = target_council_meeting(date(2024, 3, 31), "ilce", TUE, actual_dates={(2024, 9): date(2024, 9, 26)})
    assert moved.date == date(2024, 9, 26) and moved.warnings == ()


# --- schedule, warnings, parsing --------------------------------------------------------------------

def test_schedule_as_dict():
    data = build_schedule(date(2024, 3, 31), "buyuksehir", WED).to_dict()
    assert data["legal_deadline"] == "2024-09-30"
    assert data["target_council_meeting"] == "2024-09-11"
    assert data["council_meetings"][0] == "2024-04-09"
    assert [w["code"] for w in data["warning_details"]] == [n.MEETING_MOVED, n.MEETING_ON_HALF_DAY]
    assert data["warning_details"][0]["params"]["scheduled"] == "2024-04-10"
    assert all(isinstance(text, str) for text in data["warnings"])


def test_every_warning_code_has_turkish_and_english_text():
    params = {"date": date(2024, 10, 29), "holiday_on": date(2024, 10, 29), "scheduled": date(2024, 10, 29),
              "week": "first", "month": date(2024, 8, 1), "target": date(2024, 7, 2), "meeting": date(2024, 9, 3),
              "deadline": date(2024, 9, 1), "start": date(2024, 8, 1), "general": date(2024, 3, 31)}
    for code in n.TEXTS:
        turkish, english = describe(CalendarWarning(code, params)), describe(CalendarWarning(code, params), "en")
        assert turkish != english and "{" not in turkish + english
    assert describe(CalendarWarning(n.MEETING_MOVED, params)).startswith("29 Ekim 2024 Salı günkü")


@pytest.mark.parametrize(("text", "weekday"), [
    ("tuesday", TUE), ("Tuesday", TUE), ("salı", TUE), ("SALI", TUE), ("sali", TUE), ("Pazartesi", MON),
    ("ÇARŞAMBA", WED), ("carsamba", WED), ("Perşembe", THU), ("cuma", FRI), ("CUMARTESİ", SAT), ("pazar", SUN),
])
def test_parse_weekday_english_and_turkish(text, weekday):
    assert parse_weekday(text) == weekday


def test_parsers_reject_bad_input_with_a_clear_message():
    assert parse_municipality_type("Büyükşehir") == "buyuksehir"
    assert parse_municipality_type("İLÇE") == "ilce"
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_month("8") == 8
    for parser, value in ((parse_weekday, "tuesdey"), (parse_municipality_type, "koy"), (parse_date, "2024-02-30"),
                          (parse_date, "31.03.2024"), (parse_month, "13"), (parse_month, "ağustos")):
        with pytest.raises(ValueError, match="geçersiz|bilinmeyen"):
            parser(value)


def test_codes_match_the_municipality_model():
    from stratflow.calendar import MUNICIPALITY_TYPES, WEEKDAYS
    from stratflow.models.org import MUNICIPALITY_TYPES as MODEL_TYPES
    from stratflow.models.org import WEEKDAYS as MODEL_WEEKDAYS
    assert (MUNICIPALITY_TYPES, WEEKDAYS) == (MODEL_TYPES, MODEL_WEEKDAYS)


def test_the_calendar_package_stays_pure():
    import ast
    from pathlib import Path
    package = Path(__file__).resolve().parent.parent / "stratflow" / "calendar"
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level:
                assert node.level == 1, f"{path.name} imports from outside stratflow.calendar"
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                assert not any(x.split(".")[0] in ("flask", "flask_babel", "sqlalchemy") for x in names), path.name
        assert len(path.read_text().splitlines()) < 400


def test_holiday_lookup_is_cached_and_fast():
    start = date(2024, 1, 1)
    assert working_days_between(start, start + timedelta(days=365 * 5)) > 1200


# --- election kind: general, re-run (yenileme), by-election (ara) -----------------------------------

def test_a_rerun_counts_the_deadline_from_the_general_election_day():
    # İstanbul 2019: general election 31 March, re-run 23 June → deadline 30 September 2019, not 23 December
    sched = build_schedule(date(2019, 6, 23), "buyuksehir", MON, election_kind="yenileme",
                           general_election_date=date(2019, 3, 31))
    assert (sched.legal_deadline, sched.deadline_counts_from) == (date(2019, 9, 30), date(2019, 3, 31))
    assert [m.date for m in sched.meetings] == [date(2019, 7, 8), date(2019, 9, 9)]  # from the re-run on; August recess
    assert sched.target.date == date(2019, 9, 9)
    data = sched.to_dict()
    assert (data["election_kind"], data["general_election_date"], data["deadline_counts_from"]) == \
        ("yenileme", "2019-03-31", "2019-03-31")
    target = target_council_meeting(date(2019, 6, 23), "buyuksehir", MON, election_kind="yenileme",
                                    general_election_date=date(2019, 3, 31))
    assert (target.date, target.deadline) == (date(2019, 9, 9), date(2019, 9, 30))


def test_a_by_election_and_a_general_election_count_from_their_own_day():
    for kind in ("genel", "ara"):
        sched = build_schedule(date(2026, 6, 7), "ilce", TUE, election_kind=kind)
        assert (sched.legal_deadline, sched.deadline_counts_from) == (date(2026, 12, 7), date(2026, 6, 7))
        assert sched.to_dict()["general_election_date"] is None


@pytest.mark.parametrize(("kind", "general", "code"), [
    ("yenileme", None, election.RERUN_WITHOUT_GENERAL),
    ("yenileme", date(2019, 6, 23), election.GENERAL_NOT_BEFORE_RERUN),
    ("yenileme", date(2019, 7, 1), election.GENERAL_NOT_BEFORE_RERUN),
    ("yenileme", date(2018, 6, 22), election.GENERAL_TOO_EARLY),
    ("genel", date(2019, 3, 31), election.GENERAL_DATE_NOT_FOR_KIND),
    ("ara", date(2019, 3, 31), election.GENERAL_DATE_NOT_FOR_KIND),
    ("ek", None, election.UNKNOWN_KIND),
])
def test_a_rerun_is_never_counted_from_its_own_day_silently(kind, general, code):
    for build in (build_schedule, target_council_meeting):
        with pytest.raises(ElectionError) as caught:
            build(date(2019, 6, 23), "buyuksehir", MON, election_kind=kind, general_election_date=general)
        assert caught.value.code == code
        turkish, english = caught.value.describe("tr"), caught.value.describe("en")
        assert turkish != english and "{" not in turkish + english
    assert isinstance(caught.value, ValueError)


def test_a_rerun_exactly_a_year_after_its_general_election_is_accepted_with_a_warning():
    sched = build_schedule(date(2019, 6, 23), "ilce", TUE, election_kind="yenileme",
                           general_election_date=date(2018, 6, 23))
    assert sched.legal_deadline == date(2018, 12, 23) and sched.meetings == ()
    assert codes(sched.warnings)[0] == n.RERUN_AFTER_DEADLINE
    assert sched.target.extraordinary_needed


# --- recess month notes ------------------------------------------------------------------------------

def test_recess_in_april_is_noted():
    sched = build_schedule(date(2024, 3, 31), "ilce", TUE, recess_month=4)
    assert n.RECESS_IN_APRIL in codes(sched.warnings)
    assert "5393 md. 56" in describe(CalendarWarning(n.RECESS_IN_APRIL))


def test_recess_in_the_deadline_month_of_the_election_year_is_noted_once():
    assert codes(recess_warnings(9, date(2024, 9, 30))) == [n.RECESS_IN_DEADLINE_MONTH]
    assert codes(recess_warnings(8, date(2024, 9, 30))) == []
    sched = build_schedule(date(2024, 3, 31), "ilce", TUE, recess_month=9)
    # the target's own note says it (the September meeting is gone): not a second time
    assert codes(sched.warnings) == [n.DEADLINE_MONTH_IN_RECESS]
    none_left = build_schedule(date(2024, 3, 31), "ilce", TUE, recess_month=9, not_before=date(2024, 9, 1))
    assert codes(none_left.warnings) == [n.RECESS_IN_DEADLINE_MONTH, n.NO_REGULAR_MEETING_IN_TIME]
    assert "Eylül 2024" in describe(none_left.warnings[0])


def test_the_holiday_policy_is_labelled_as_the_products_not_the_laws():
    text = describe(CalendarWarning(n.DEADLINE_ON_WEEKEND, {"date": date(2023, 9, 30)}))
    assert "uzatmaz" in text and "kanun hükmü değildir" in text
    assert "not a rule of law" in describe(CalendarWarning(n.DEADLINE_ON_WEEKEND, {"date": date(2023, 9, 30)}), "en")
