"""The consultant cockpit: who sees which municipalities, filters, sorting by risk, exports, and a
fixed number of queries however many municipalities there are.

Municipalities are seeded directly as task projections (TaskRecords) with known states and due
dates; expected working days are counted independently (see tests/test_overview.py `wd`).
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import event

from stratflow.extensions import db
from stratflow.models import Municipality, ProcessInstance, RoleAssignment, TaskRecord, User
from stratflow.services import calendars, overview
from stratflow.services.accounts import hash_password

from .conftest import signed_in
from .test_overview import wd

TODAY = datetime(2024, 6, 10, 9, 0, tzinfo=UTC)
MEETING = date(2024, 9, 3)          # first Tuesday of September (büyükşehir: second week)
METRO_MEETING = date(2024, 9, 10)
DONE_BY_A = ("circular_draft", "circular_approval", "board_composition", "board_approval", "team_nomination",
             "team_list", "program_draft", "program_approval")
DUE = {"circular_approval": date(2024, 4, 20), "team_list": date(2024, 5, 10),
       "program_approval": date(2024, 6, 5), "board_composition": date(2024, 4, 30),
       "unit_analysis": date(2024, 6, 14)}


@pytest.fixture(autouse=True)
def frozen():
    """Every test runs on 10 June 2024 (signing in included: a session from the future is refused)."""
    with time_machine.travel(TODAY, tick=False):
        yield


def seed_municipality(version, name, province, kind, completed=(), open_steps=(), instance=True):
    town = Municipality(name=name, province=province, type=kind, population=100_000,
                        election_date=date(2024, 3, 31), mazbata_date=date(2024, 4, 5), council_weekday="tuesday")
    db.session.add(town)
    if instance:
        started = datetime(2024, 4, 6, 7, 0)
        run = ProcessInstance(version=version, municipality=town, title=f"{name} planı", status="running",
                              state="{}", state_schema=1, started_at=started)
        db.session.add(run)
        for step, state in [(s, "completed") for s in completed] + [(s, "open") for s in open_steps]:
            db.session.add(TaskRecord(id=str(uuid.uuid4()), instance=run, municipality=town, bpmn_id=step, name=step,
                                      state=state, due_date=DUE.get(step), created_at=started,
                                      completed_at=started if state == "completed" else None))
    return town


def person(email, *roles):
    user = User(email=email, full_name=email.split("@")[0], password_hash=hash_password("Demo.2024"))
    for role, town in roles:
        user.roles.append(RoleAssignment(role=role, municipality=town))
    db.session.add(user)
    return user


@pytest.fixture
def towns(ctx, definition):
    a = seed_municipality(definition, "Akçay Belediyesi", "Balıkesir", "ilce", DONE_BY_A, ["unit_analysis"])
    b = seed_municipality(definition, "Bornova Belediyesi", "İzmir", "buyuksehir",
                          ["circular_draft", "circular_approval"], ["board_composition"])
    c = seed_municipality(definition, "Cunda Belediyesi", "Balıkesir", "belde", instance=False)
    d = seed_municipality(definition, "Dikmen Belediyesi", "Ankara", "il", ["circular_draft"])
    person("danisman@firma.example", *[("consultant", t) for t in (a, b, c)])
    person("koordinator@dikmen.example", ("coordinator", d))
    person("mudur@akcay.example", ("unit_manager", a))
    person("admin@firma.example", ("admin", None))
    db.session.commit()
    return {"A": a, "B": b, "C": c, "D": d}


def names(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    return [r[0] for r in rows[1:]]


def user(email):
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def test_rows_sorted_by_risk_with_known_figures(towns):
    with time_machine.travel(TODAY, tick=False):
        rows = overview.cockpit(user("danisman@firma.example")).rows
    assert [r.municipality.name for r in rows] == ["Cunda Belediyesi", "Bornova Belediyesi", "Akçay Belediyesi"]
    left = wd(date(2024, 6, 10), MEETING)
    cunda, bornova, akcay = rows
    # no process: the whole plan from the mazbata is ahead
    assert cunda.instance is None and cunda.risk.remaining_days == wd(date(2024, 4, 5), MEETING)
    assert cunda.risk.level == "high"
    # only the circular done (its target 20 April); board composition overdue since 30 April
    assert bornova.target_meeting == METRO_MEETING
    assert bornova.risk.remaining_days == wd(date(2024, 4, 20), METRO_MEETING)
    assert bornova.risk.time_left == wd(date(2024, 6, 10), METRO_MEETING) and bornova.overdue == 1
    assert bornova.risk.level == "high" and bornova.current.key == "organisation"
    # three phases done up to the program's target (5 June): on plan
    assert akcay.risk.remaining_days == wd(date(2024, 6, 5), MEETING)
    assert akcay.risk.ratio == round(wd(date(2024, 6, 5), MEETING) / left, 2) <= 1.1
    assert akcay.risk.level == "low" and akcay.overdue == 0 and akcay.current.key == "analysis"
    assert akcay.percent == round(3 / 9 * 100)


def test_consultant_sees_only_followed_municipalities(towns, client):
    b = signed_in(client, "danisman@firma.example")
    with time_machine.travel(TODAY, tick=False):
        page = b.get("/cockpit").get_data(as_text=True)
        listed = names(b.get("/cockpit.csv"))
    assert "Dikmen" not in page and page.count("data-municipality=") == 3
    assert listed == ["Cunda Belediyesi", "Bornova Belediyesi", "Akçay Belediyesi"]
    # drill down: the consultant reads the instance page of a followed municipality only
    bornova = db.session.execute(db.select(ProcessInstance).filter_by(municipality_id=towns["B"].id)).scalar_one()
    dikmen = db.session.execute(db.select(ProcessInstance).filter_by(municipality_id=towns["D"].id)).scalar_one()
    assert f'/instances/{bornova.id}"' in page
    assert b.get(f"/instances/{dikmen.id}").status_code == 404


def test_coordinator_and_admin_scope(towns, client):
    with time_machine.travel(TODAY, tick=False):
        assert names(signed_in(client, "koordinator@dikmen.example").get("/cockpit.csv")) == ["Dikmen Belediyesi"]
    with time_machine.travel(TODAY, tick=False):
        rows = overview.cockpit(user("admin@firma.example")).rows
    assert len(rows) == 4


def test_unit_manager_cannot_open_the_cockpit(towns, client):
    b = signed_in(client, "mudur@akcay.example")
    assert b.get("/cockpit").status_code == 403
    assert b.get("/cockpit.xlsx").status_code == 403
    assert b.get(f"/municipalities/{towns['A'].id}/overview").status_code == 404
    assert 'data-nav="cockpit"' not in b.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("query", "expected"), [
    ("province=Balıkesir", ["Cunda Belediyesi", "Akçay Belediyesi"]),
    ("type=buyuksehir", ["Bornova Belediyesi"]),
    ("phase=analysis", ["Akçay Belediyesi"]),
    ("phase=none", ["Cunda Belediyesi"]),
    ("province=Balıkesir&type=belde", ["Cunda Belediyesi"]),
    ("province=Mars&type=kasaba&phase=x", ["Cunda Belediyesi", "Bornova Belediyesi", "Akçay Belediyesi"]),
    ("province=Ankara", ["Cunda Belediyesi", "Bornova Belediyesi", "Akçay Belediyesi"]),  # not followed: ignored
])
def test_filters(towns, client, query, expected):
    b = signed_in(client, "danisman@firma.example")
    with time_machine.travel(TODAY, tick=False):
        assert names(b.get(f"/cockpit.csv?{query}")) == expected
        page = b.get(f"/cockpit?{query}")
    assert page.status_code == 200 and page.get_data(as_text=True).count("data-municipality=") == len(expected)


def test_csv_and_xlsx_exports(towns, client):
    from openpyxl import load_workbook
    b = signed_in(client, "danisman@firma.example")
    with time_machine.travel(TODAY, tick=False):
        csv_response = b.get("/cockpit.csv")
        xlsx_response = b.get("/cockpit.xlsx")
    assert csv_response.data.startswith("\ufeff".encode())
    header, *rows = list(csv.reader(io.StringIO(csv_response.data.decode("utf-8-sig")), delimiter=";"))
    assert header[:3] == ["Belediye", "İl", "Tür"] and "Risk" in header
    assert rows[1][header.index("Süresi geçmiş görev")] == "1"
    assert rows[2][header.index("Risk")] == "Düşük" and rows[0][header.index("Risk")] == "Yüksek"
    sheet = load_workbook(io.BytesIO(xlsx_response.data)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0] == header and [r[0] for r in values[1:]] == [r[0] for r in rows]
    assert values[3][header.index("İlerleme (%)")] == round(3 / 9 * 100)


def count_queries(fn) -> int:
    seen = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731 - statement
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen)


def test_query_count_does_not_grow_with_municipalities(towns, definition):
    consultant = user("danisman@firma.example")
    with time_machine.travel(TODAY, tick=False):
        overview.cockpit(consultant)  # warm the process-spec cache
        db.session.expire_all()
        consultant = user("danisman@firma.example")
        assert consultant.roles  # the signed-in user's roles are read with the user, before the page
        calendars.forget()  # both counts start from a cold calendar cache
        few = count_queries(lambda: overview.cockpit(consultant))
        for n in range(6):
            town = seed_municipality(definition, f"Ek {n} Belediyesi", "Manisa", "ilce",
                                     ["circular_draft", "circular_approval"], ["board_composition"])
            consultant.roles.append(RoleAssignment(role="consultant", municipality=town))
        db.session.commit()
        db.session.expire_all()
        consultant = user("danisman@firma.example")
        assert consultant.roles
        calendars.forget()
        many = count_queries(lambda: overview.cockpit(consultant))
        assert len(overview.cockpit(consultant).rows) == 9
    assert many == few <= 10  # … one for the units behind in a running monitoring, one for this year's periods
