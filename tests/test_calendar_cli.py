"""`flask --app wsgi stratflow calendar …` (stratflow.calendar.cli.calendar_command).

The command is invoked through Flask's CLI runner (`app.test_cli_runner()`), directly as a command
object; test_registered_under_the_stratflow_group runs it by its full name once stratflow/cli.py
registers it (`group.add_command(calendar_command)`).
"""

import json

import pytest

from stratflow.calendar.cli import calendar_command

ELECTION_2024 = ["--election-date", "2024-03-31", "--type", "ilce", "--council-weekday", "tuesday"]


@pytest.fixture()
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(calendar_command, args=list(args))
    return invoke


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_text_schedule_in_turkish(run):
    result = run(*ELECTION_2024)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  Seçim türü: genel seçim" in lines
    assert "  Süre başlangıcı: 31 Mart 2024 Pazar (seçim günü)" in lines
    assert "  Yasal süre sonu: 30 Eylül 2024 Pazartesi (5393 sayılı Kanun md. 41: 31 Mart 2024 Pazar gününden " \
           "itibaren 6 ay; stratflow tatil nedeniyle uzatmaz — ihtiyatlı uygulama tercihi, kanun hükmü değil)" in lines
    meetings = lines[lines.index("Meclis toplantıları (seçimden yasal süre sonuna kadar):") + 1:][:6]
    assert meetings == ["  2 Nisan 2024 Salı", "  7 Mayıs 2024 Salı", "  4 Haziran 2024 Salı", "  2 Temmuz 2024 Salı",
                        "  Ağustos 2024: tatil ayı", "  3 Eylül 2024 Salı (hedef)"]
    assert "Hedef meclis toplantısı: 3 Eylül 2024 Salı" in lines
    assert "Uyarılar:" not in lines


def test_json_schedule(run):
    data = _json(run(*ELECTION_2024, "--json"))
    assert data["legal_deadline"] == "2024-09-30"
    assert data["target_council_meeting"] == "2024-09-03"
    assert data["council_meetings"] == ["2024-04-02", "2024-05-07", "2024-06-04", "2024-07-02", "2024-09-03"]
    assert data["warnings"] == []
    assert data["recess_month"] == 8 and data["council_weekday"] == "tuesday"


def test_json_metropolitan_with_turkish_weekday_and_a_bayram(run):
    data = _json(run("--election-date", "2024-03-31", "--type", "Büyükşehir", "--council-weekday", "ÇARŞAMBA",
                     "--json"))
    assert data["municipality_type"] == "buyuksehir" and data["council_weekday"] == "wednesday"
    assert data["council_meetings"][0] == "2024-04-09"  # 10 April 2024: Ramazan Bayramı → the eve, same week
    assert data["target_council_meeting"] == "2024-09-11"
    assert len(data["warnings"]) == 2 and "Ramazan Bayramı" in data["warnings"][0]
    assert "en yakın iş günü" in data["warnings"][0]


def test_recess_month_option(run):
    assert "2024-08-06" in _json(run(*ELECTION_2024, "--recess-month", "none", "--json"))["council_meetings"]
    july = _json(run(*ELECTION_2024, "--recess-month", "7", "--json"))["council_meetings"]
    assert "2024-07-02" not in july and "2024-08-06" in july


def test_deadline_month_in_recess_and_extraordinary_meeting(run):
    args = ["--election-date", "2024-02-29", "--type", "il", "--council-weekday", "salı"]
    data = _json(run(*args, "--json"))
    assert data["legal_deadline"] == "2024-08-29" and data["target_council_meeting"] == "2024-07-02"
    assert "tatil ayı" in data["warnings"][0]
    none_left = run(*args, "--not-before", "2024-08-01")
    assert none_left.exit_code == 0, none_left.output
    assert "Hedef meclis toplantısı: yok — olağanüstü meclis toplantısı gerekir" in none_left.output
    data = _json(run(*args, "--not-before", "2024-08-01", "--json"))
    assert data["target_council_meeting"] is None and data["extraordinary_meeting_needed"] is True
    assert any("olağanüstü" in w for w in data["warnings"])


def test_clerk_entered_date_and_leave_day(run):
    data = _json(run(*ELECTION_2024, "--meeting-date", "2024-09-05", "--leave-day", "2024-07-02", "--json"))
    assert data["target_council_meeting"] == "2024-09-05"
    assert data["meetings"][-1]["source"] == "entered"
    assert [w["code"] for w in data["warning_details"]] == ["meeting_on_leave_day"]


def test_english_output(run):
    result = run(*ELECTION_2024, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Legal deadline: Monday, September 30, 2024" in result.output
    assert "Target council meeting: Tuesday, September 3, 2024" in result.output


@pytest.mark.parametrize(("args", "option", "message"), [
    (["--type", "koy"], "--type", "bilinmeyen belediye türü"),
    (["--election-date", "2024-02-30"], "--election-date", "geçersiz tarih"),
    (["--election-date", "31.03.2024"], "--election-date", "geçersiz tarih"),
    (["--recess-month", "13"], "--recess-month", "geçersiz ay"),
    (["--recess-month", "ağustos"], "--recess-month", "geçersiz ay"),
    (["--council-weekday", "tuesdey"], "--council-weekday", "bilinmeyen gün"),
    (["--leave-day", "2024-13-01"], "--leave-day", "geçersiz tarih"),
])
def test_bad_input_is_a_clear_usage_error(run, args, option, message):
    defaults = dict(zip(ELECTION_2024[::2], ELECTION_2024[1::2], strict=True))
    defaults.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = run(*[part for pair in defaults.items() for part in pair])
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.output and message in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


RERUN_2019 = ["--election-date", "2019-06-23", "--election-kind", "yenileme", "--type", "buyuksehir",
              "--council-weekday", "monday"]


def test_rerun_counts_from_the_general_election_day(run):
    result = run(*RERUN_2019, "--general-election-date", "2019-03-31")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  Seçim türü: yenileme seçimi" in lines
    assert "  Genel seçim günü: 31 Mart 2019 Pazar" in lines
    assert "  Süre başlangıcı: 31 Mart 2019 Pazar (genel seçim günü: YSK yenileme seçimini genel seçimin devamı " \
           "sayar)" in lines
    assert any(line.startswith("  Yasal süre sonu: 30 Eylül 2019 Pazartesi") for line in lines)
    data = _json(run(*RERUN_2019, "--general-election-date", "2019-03-31", "--json"))
    assert (data["election_kind"], data["deadline_counts_from"], data["legal_deadline"]) == \
        ("yenileme", "2019-03-31", "2019-09-30")
    assert data["target_council_meeting"] == "2019-09-09"
    english = run(*RERUN_2019, "--general-election-date", "2019-03-31", "--lang", "en").output
    assert "Election kind: re-run election" in english
    assert "Deadline counts from: Sunday, March 31, 2019 (the general election day" in english


def test_rerun_with_a_bayram_in_the_meeting_week(run):
    # Kurban Bayramı 2019 (11–14 August) closes Monday 12 August: the meeting is proposed on Friday 9 August
    data = _json(run(*RERUN_2019, "--general-election-date", "2019-03-31", "--recess-month", "none", "--json"))
    assert data["council_meetings"] == ["2019-07-08", "2019-08-09", "2019-09-09"]
    assert data["meetings"][1] == {"date": "2019-08-09", "source": "moved", "scheduled": "2019-08-12"}
    assert [w["code"] for w in data["warning_details"]] == ["meeting_moved"]


@pytest.mark.parametrize(("args", "message"), [
    ([], "Yenileme seçiminde genel seçim tarihi girilmelidir"),
    (["--general-election-date", "2019-06-23"], "yenileme seçiminden (23 Haziran 2019 Pazar) önce olmalıdır"),
    (["--general-election-date", "2018-03-31"], "12 aydan daha önce olamaz"),
])
def test_a_rerun_without_a_fitting_general_election_date_is_refused(run, args, message):
    result = run(*RERUN_2019, *args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output and "Yasal süre sonu" not in result.output
    english = run(*RERUN_2019, *args, "--lang", "en")
    assert english.exit_code == 2 and "general election" in english.output


def test_general_date_only_with_a_rerun_and_by_election_from_its_own_day(run):
    bad = run(*ELECTION_2024, "--general-election-date", "2024-03-31")
    assert bad.exit_code == 2 and "yalnızca yenileme seçiminde" in bad.output
    data = _json(run("--election-date", "2026-06-07", "--election-kind", "ara", "--type", "ilce",
                     "--council-weekday", "tuesday", "--json"))
    assert (data["deadline_counts_from"], data["legal_deadline"]) == ("2026-06-07", "2026-12-07")
    unknown = run(*ELECTION_2024, "--election-kind", "erken")
    assert unknown.exit_code == 2 and "--election-kind" in unknown.output


def test_recess_in_april_is_a_warning(run):
    data = _json(run(*ELECTION_2024, "--recess-month", "4", "--json"))
    assert "recess_in_april" in [w["code"] for w in data["warning_details"]]


def test_missing_election_date_is_a_usage_error(run):
    result = run("--type", "ilce", "--council-weekday", "tuesday")
    assert result.exit_code == 2 and "Missing option '--election-date'" in result.output


def test_registered_under_the_stratflow_group(app):
    from stratflow.cli import group
    if group.commands.get("calendar") is not calendar_command:
        pytest.skip("stratflow/cli.py does not register calendar_command yet (the lead adds it)")
    runner = app.test_cli_runner()
    data = json.loads(runner.invoke(args=["stratflow", "calendar", *ELECTION_2024, "--json"]).output)
    assert data["target_council_meeting"] == "2024-09-03"
    bad = runner.invoke(args=["stratflow", "calendar", *ELECTION_2024[:-1], "someday"])
    assert bad.exit_code == 2 and "bilinmeyen gün" in bad.output
