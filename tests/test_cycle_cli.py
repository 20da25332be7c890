"""`flask --app wsgi stratflow cycle …` (stratflow.calendar.cycle_cli): the yearly-cycle dates of a plan,
held-out dates of plan year 2027 for a district council meeting on Tuesdays computed by hand."""

import json

from click.testing import CliRunner

from stratflow.calendar.cycle_cli import cycle_command

DISTRICT = ["--plan-period", "2025-2029", "--type", "ilce", "--council-weekday", "salı"]


def _run(*args):
    return CliRunner().invoke(cycle_command, args=[*DISTRICT, *args])


def test_plan_year_2027_by_hand():
    result = _run("--year", "2027", "--json")
    assert result.exit_code == 0, result.output
    dates = {row["key"]: row["date"] for row in json.loads(result.output)}
    assert dates == {
        "monitoring_h1_actuals": "2027-07-14",        # 15 July: Democracy and National Unity Day
        "monitoring_h1_report": "2027-07-30",         # 31 July 2027 is a Saturday
        "unit_performance_proposals": "2027-08-13",   # 15 August is a Sunday
        "budget_to_encumen": "2027-08-31",            # a Tuesday ("before 1 September", 5393 art. 62)
        "performance_program_council": "2027-10-05",  # first week of October, Tuesday
        "budget_council": "2027-11-02",
        "monitoring_h2_actuals": "2028-01-14",        # 15 January 2028 is a Saturday
        "monitoring_h2_report": "2028-01-31",
        "unit_activity_reports": "2028-02-29",        # 2028 is a leap year
        "evaluation_report": "2028-03-21",            # 10 working days before the April meeting
        "activity_report_council": "2028-04-04",      # 5393 art. 56
        "final_accounts_council": "2028-05-02",       # 1 May is Labour Day; Tuesday 2 May
    }


def test_every_year_of_the_period_and_what_the_law_settles():
    rows = json.loads(_run("--json", "--lang", "en").output)
    assert sorted({row["plan_year"] for row in rows}) == [2025, 2026, 2027, 2028, 2029] and len(rows) == 60
    budget = next(row for row in rows if row["key"] == "budget_to_encumen")
    assert budget["settled"] and budget["basis_text"] == "5393 sayılı Belediye Kanunu md. 62 (legislation)"
    proposals = next(row for row in rows if row["key"] == "unit_performance_proposals")
    assert not proposals["settled"] and proposals["basis_text"] == "product default (a setting)"


def test_text_in_turkish_and_a_recess_month_without_a_meeting():
    result = _run("--year", "2026", "--recess-month", "10")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Stratejik plan yıllık döngüsü 2025–2029" and "Plan yılı 2026" in lines
    assert "  31 Ağustos 2026 Pazartesi: Bütçe ve performans programı encümene — 5393 sayılı Belediye Kanunu " \
           "md. 62 (mevzuat)" in lines
    assert any(line.startswith("  o ay olağan toplantı yok (tatil ayı): Performans programı meclise") for line in lines)
    assert "  14 Ağustos 2026 Cuma: Birimlerin performans programı önerileri — ürün varsayılanı (ayar)" in lines


def test_a_clerk_entered_meeting_and_a_leave_day_win():
    rows = json.loads(_run("--year", "2027", "--json", "--meeting-date", "2027-10-12",
                           "--leave-day", "2027-08-31").output)
    dates = {row["key"]: row["date"] for row in rows}
    assert dates["performance_program_council"] == "2027-10-12"
    assert dates["budget_to_encumen"] == "2027-08-27"  # 30 August is Victory Day


def test_bad_input_is_refused_with_a_reason():
    for args, reason in ((["--plan-period", "2025-2032"], "bir ile beş yıl arası"),
                         (["--plan-period", "yirmi"], "geçersiz plan dönemi"),
                         (["--year", "2031"], "2031 plan döneminde değil (2025–2029)")):
        result = CliRunner().invoke(cycle_command, args=[*DISTRICT, *args])
        assert result.exit_code == 2 and reason in result.output, result.output
    result = CliRunner().invoke(cycle_command, args=["--plan-period", "2025-2029", "--type", "köy",
                                                     "--council-weekday", "salı"])
    assert result.exit_code == 2 and "bilinmeyen belediye türü" in result.output


def test_registered_under_the_stratflow_group():
    from stratflow.cli import group
    assert group.get_command(None, "cycle") is cycle_command
