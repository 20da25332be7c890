"""Bad input never gives a 500 and changes nothing ("²" is a digit to str.isdigit() but not to int(),
dates at the calendar's edges overflow); user-entered text never becomes a spreadsheet formula."""

from __future__ import annotations

import csv
import html
import io
from datetime import date

import openpyxl
import pytest

from stratflow.extensions import db
from stratflow.models import AuditEvent, CouncilMeetingDate, MunicipalitySettings, ProcessInstance, TaskRecord, User
from stratflow.parsing import parse_day, parse_int
from stratflow.services import spreadsheet

from .conftest import signed_in
from .test_council_meetings import CLERK, _march_2024

COORDINATOR = "sgm@camlitepe.bel.tr"
ADMIN = "admin@stratflow.example"
FORMULA_UNIT = '=HYPERLINK("http://x")'
FORMULA_PERSON = "+1-2"
SETTINGS_FORM = {"recess_month": "8", "reminder_before": "", "remind_on_due": "", "overdue_every": "",
                 "escalation_days": "", "countdown_days": ""}


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _instance() -> ProcessInstance:
    return db.session.execute(db.select(ProcessInstance)).scalar_one()


def _audit_count() -> int:
    return db.session.execute(db.select(db.func.count()).select_from(AuditEvent)).scalar()


# -- the helpers -----------------------------------------------------------------------------------

def test_parse_int_and_parse_day():
    assert parse_int("42") == 42 and parse_int(" 7 ") == 7 and parse_int("0") == 0
    for bad in ("²", "٣", "-1", "+1", "1.0", "", " ", "1" * 10, None, "12a"):
        assert parse_int(bad) is None, bad
    assert parse_day("2024-02-29") == date(2024, 2, 29)
    for bad in ("9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01", "2023-02-29", "²024-01-01",
                "20240101", "", None):
        assert parse_day(bad) is None, bad


def test_csv_and_xlsx_cells_are_never_formulas():
    rows = [["=1+1", "+1-2", "-x", "@SUM(A1)", "\tx", "\rx", "plain", -3, 2.5, date(2024, 5, 6), None]]
    body = spreadsheet.csv_bytes(["a"] * 11, rows)
    assert body.startswith("\ufeff".encode())
    [_header, row] = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert row == ["'=1+1", "'+1-2", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "plain", "-3", "2,5", "2024-05-06", ""]
    book = spreadsheet.xlsx_bytes([spreadsheet.Sheet("T", ["a"] * 11, rows)])
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [c.data_type for c in cells[:7]] == ["s"] * 7
    assert cells[0].value == "=1+1" and cells[7].value == -3 and cells[8].value == 2.5
    assert cells[9].value.date() == date(2024, 5, 6) and cells[9].data_type == "d"


# -- bad input: no 500, nothing changes ------------------------------------------------------------

@pytest.mark.parametrize("query, note", [
    ("person=²", "Kişi süzgeci tanınmadı"),
    ("person=99999999999999999999", "Kişi süzgeci tanınmadı"),
    ("to=9999-12-31", "Bitiş tarihi geçersiz"),
    ("from=0001-01-01", "Başlangıç tarihi geçersiz"),
    ("from=0001-01-01&to=9999-12-31", "Bitiş tarihi geçersiz"),
])
def test_bad_audit_filters_are_ignored_with_a_note(demo, client, query, note):
    browser = signed_in(client, COORDINATOR)
    response = browser.get(f"/instances/{_instance().id}?{query}")
    assert response.status_code == 200
    assert note in _text(response)


@pytest.mark.parametrize("field", ["reminder_before", "escalation_days", "overdue_every", "countdown_days",
                                   "recess_month"])
def test_superscript_digits_in_settings_are_refused(demo, client, field):
    browser = signed_in(client, COORDINATOR)
    before = _audit_count()
    response = browser.post(f"/municipalities/{demo.id}/settings", {**SETTINGS_FORM, field: "²"},
                            form_page=f"/municipalities/{demo.id}")
    assert response.status_code == 422
    assert "Lütfen işaretli alanları düzeltin." in _text(response)
    db.session.expire_all()
    assert db.session.execute(db.select(MunicipalitySettings)).first() is None
    assert _audit_count() == before


def test_superscript_month_of_a_council_meeting_is_refused(demo, client):
    _march_2024(demo)
    clerk = signed_in(client, CLERK)
    response = clerk.post(f"/municipalities/{demo.id}/council-meetings", {"month": "2024-²", "meeting_date": ""})
    assert response.status_code == 422
    response = clerk.post(f"/municipalities/{demo.id}/council-meetings",
                          {"month": "2024-0²", "meeting_date": "2024-09-03"})
    assert response.status_code == 422 and "Ay geçerli değil" in _text(response)
    assert db.session.execute(db.select(CouncilMeetingDate)).first() is None


def test_superscript_assignee_is_refused(demo, client):
    instance = _instance()
    task = next(t for t in instance_tasks(instance.id) if t.state == "open")
    browser = signed_in(client, COORDINATOR)
    before = _audit_count()
    response = browser.post(f"/instances/{instance.id}/actions/assign",
                            {"task_id": task.id, "assignee_id": "²", "reason": "Birim müdürü izinde."},
                            form_page=f"/instances/{instance.id}")
    assert response.status_code == 422 and "üstlenemez" in _text(response)
    db.session.expire_all()
    assert db.session.get(TaskRecord, task.id).assignee_id is None and _audit_count() == before


def instance_tasks(instance_id: int) -> list[TaskRecord]:
    return list(db.session.execute(db.select(TaskRecord).filter_by(instance_id=instance_id)
                                   .order_by(TaskRecord.created_at)).scalars())


@pytest.mark.parametrize("year", ["²", "9999999999", "1066", "-1"])
def test_bad_leave_day_year_shows_this_year(demo, client, year):
    admin = signed_in(client, ADMIN)
    response = admin.get(f"/leave-days?year={year}")
    assert response.status_code == 200
    assert str(date.today().year) in _text(response)


# -- exports: names that look like formulas stay text ----------------------------------------------

@pytest.fixture
def formula_names(demo):
    instance = _instance()
    task = next(t for t in instance_tasks(instance.id) if t.state == "open" and t.unit is not None)
    task.unit.name = FORMULA_UNIT
    manager = db.session.execute(db.select(User).filter_by(email=f"{task.unit.code}@camlitepe.bel.tr")
                                 ).scalar_one()
    manager.full_name = FORMULA_PERSON
    demo.name = FORMULA_UNIT
    demo.province = FORMULA_PERSON
    db.session.commit()
    return instance


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _xlsx_cells(response) -> list:
    assert response.status_code == 200
    return [c for row in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows() for c in row]


@pytest.mark.parametrize("path", ["/instances/{id}/export/status", "/instances/{id}/export/matrix", "/cockpit"])
def test_exports_write_formula_like_names_as_text(formula_names, client, path):
    browser = signed_in(client, COORDINATOR)
    base = path.format(id=formula_names.id)
    values = [v for row in _csv_rows(browser.get(base + ".csv")) for v in row]
    for name in (FORMULA_UNIT, FORMULA_PERSON):
        assert any(v.startswith("'" + name) for v in values), name
        assert not any(v.startswith(name) for v in values), name
    cells = _xlsx_cells(browser.get(base + ".xlsx"))
    for name in (FORMULA_UNIT, FORMULA_PERSON):
        found = [c for c in cells if isinstance(c.value, str) and name in c.value]
        assert found and all(c.data_type == "s" for c in found), name
    assert not any(c.data_type == "f" for c in cells)


def test_nan_and_infinity_in_a_number_field_are_refused_not_stored():
    from stratflow.services import forms
    schema = {"type": "object", "properties": {"cost": {"type": "number", "minimum": 0}}}
    for text in ("nan", "inf", "-Infinity"):
        data = forms.parse(schema, {"cost": text})
        assert data["cost"] == text  # kept as the text typed: validation reports the wrong type
        assert "cost" in forms.validate(schema, data)


def test_team_workbook_writes_names_as_text():
    import io

    from openpyxl import load_workbook

    from stratflow.documents.spreadsheet import team_workbook
    member = {"no": 1, "full_name": '=HYPERLINK("http://x")', "title": "+1-2", "unit": "Birim",
              "subgroup": "", "email": "a@b.c", "phone": "@SUM(A1)"}
    ctx = {"municipality": {"name": "Çamlıtepe"}, "plan_period": "2027–2031", "coordinating_unit": "=1+1",
           "team": {"leader": "Başkan", "coordinator": "-Koordinatör", "kickoff_date": None,
                    "members": [member], "subgroups": [{"no": 1, "name": "=A1", "lead": "x", "scope": "y"}]}}
    book = load_workbook(io.BytesIO(team_workbook(ctx)))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    risky = [c for c in cells if str(c.value)[:1] in "=+-@"]
    assert len(risky) == 6 and all(c.data_type == "s" for c in risky)
