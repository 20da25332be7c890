"""The statutory calendar (stratflow.calendar): legal deadline, council meetings, target meeting,
Turkish holidays and working days. Pure functions, no database.

Holiday dates relied on (from the `holidays` package 0.109, country TR, checked in
test_the_holiday_dates_these_tests_rely_on): Ramazan Bayramı 2024 = 10–12 April, eve 9 April
afternoon; Kurban Bayramı 2025 = 6–9 June, eve 5 June afternoon; 28 October afternoon and
29 October (Cumhuriyet Bayramı); 30 August (Zafer Bayramı); Ramazan Bayramı 2025 eve = Saturday 29 March.
"""

from datetime import date, timedelta

import pytest

from stratflow.calendar import (
    CalendarWarning,
    DayKind,
    add_months,
    add_working_days,
    build_schedule,
    council_meetings,
    day_kind,
    deadline_warnings,
    describe,
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


def test_metropolitan_meeting_inside_ramazan_bayrami_2024_moves_to_next_working_day():
    meetings = council_meetings(date(2024, 3, 31), date(2024, 9, 30), "buyuksehir", WED)
    april = meetings[0]
    assert (april.scheduled, april.date, april.source) == (date(2024, 4, 10), date(2024, 4, 15), "moved")
    assert codes(april.warnings) == [n.MEETING_MOVED, n.MEETING_MOVED_OUT_OF_WEEK]
    assert "Ramazan Bayramı" in describe(april.warnings[0])
    assert "ikinci haftasının" in describe(april.warnings[1])
    assert [m.date for m in meetings][1:] == [date(2024, 5, 8), date(2024, 6, 12), date(2024, 7, 10),
                                              date(2024, 9, 11)]


def test_meeting_inside_kurban_bayrami_2025():
    friday = meeting_of_month((2025, 6), "ilce", FRI)
    assert (friday.scheduled, friday.date) == (date(2025, 6, 6), date(2025, 6, 10))
    assert codes(friday.warnings) == [n.MEETING_MOVED, n.MEETING_MOVED_OUT_OF_WEEK]
    monday = meeting_of_month((2025, 6), "buyuksehir", MON)  # 9 June → 10 June, still in the second week
    assert (monday.scheduled, monday.date) == (date(2025, 6, 9), date(2025, 6, 10))
    assert codes(monday.warnings) == [n.MEETING_MOVED]
    thursday = meeting_of_month((2025, 6), "ilce", THU)  # the eve: not moved, noted
    assert (thursday.date, thursday.source) == (date(2025, 6, 5), "rule")
    assert codes(thursday.warnings) == [n.MEETING_ON_HALF_DAY]


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
    assert data["council_meetings"][0] == "2024-04-15"
    assert [w["code"] for w in data["warning_details"]] == [n.MEETING_MOVED, n.MEETING_MOVED_OUT_OF_WEEK]
    assert data["warning_details"][0]["params"]["scheduled"] == "2024-04-10"
    assert all(isinstance(text, str) for text in data["warnings"])


def test_every_warning_code_has_turkish_and_english_text():
    params = {"date": date(2024, 10, 29), "holiday_on": date(2024, 10, 29), "scheduled": date(2024, 10, 29),
              "week": "first", "month": date(2024, 8, 1), "target": date(2024, 7, 2), "meeting": date(2024, 9, 3),
              "deadline": date(2024, 9, 1), "start": date(2024, 8, 1)}
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
