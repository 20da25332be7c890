"""Calendar feeds: they parse as iCalendar, carry stable UIDs, and follow the access rules."""

from __future__ import annotations

from datetime import date, timedelta

from icalendar import Calendar

from stratflow.calendar import legal_deadline, target_council_meeting
from stratflow.extensions import db
from stratflow.models import Municipality, TaskRecord, User
from stratflow.services import access, accounts

from .conftest import signed_in


def _user(email) -> User:
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def _token(email) -> str:
    _record, secret = accounts.create_token(_user(email), "takvim")
    db.session.commit()
    return secret


def _events(body: bytes) -> dict:
    cal = Calendar.from_ical(body)
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_municipality_feed_with_a_token_in_the_url(demo, client):
    secret = _token("sgm@camlitepe.bel.tr")
    response = client.get(f"/calendar/municipality/{demo.id}.ics?token={secret}")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = _events(response.data)
    deadline = events[f"deadline-{demo.id}@stratflow"]
    assert deadline.decoded("dtstart") == legal_deadline(demo.election_date)
    assert deadline.decoded("dtend") - deadline.decoded("dtstart") == timedelta(days=1)  # all day
    assert "Yasal süre sonu" in str(deadline["summary"])
    target = target_council_meeting(demo.election_date, demo.type, 1).date
    assert events[f"target-{demo.id}@stratflow"].decoded("dtstart") == target
    meetings = [e for uid, e in events.items() if uid.startswith(f"council-{demo.id}-")]
    assert meetings and target in {m.decoded("dtstart") for m in meetings}
    [step] = [e for uid, e in events.items() if uid.startswith("step-") and "team_nomination" in uid]
    due = db.session.execute(db.select(TaskRecord.due_date).filter_by(bpmn_id="team_nomination", state="open")
                             ).scalars().first()
    assert step.decoded("dtstart") == due and "Stratejik Planlama Ekibine üye bildir" in str(step["summary"])
    again = client.get(f"/calendar/municipality/{demo.id}.ics",
                       headers={"Authorization": f"Bearer {secret}"})
    assert set(_events(again.data)) == set(events)  # stable UIDs


def test_personal_feed_lists_my_open_tasks(demo, client):
    manager = "fen@camlitepe.bel.tr"
    [mine] = [t for t in db.session.execute(db.select(TaskRecord).filter_by(state="open")).scalars()
              if t.unit and t.unit.code == "fen"]
    events = _events(signed_in(client, manager).get("/calendar/me.ics").data)
    assert set(events) == {f"task-{mine.id}@stratflow"}
    assert events[f"task-{mine.id}@stratflow"].decoded("dtstart") == mine.due_date
    # Through a token: the coordinator's own open tasks (the nomination of the unit they manage), not
    # the other units' nominations they can see on the instance page.
    coordinator = _events(client.get(f"/calendar/me.ics?token={_token('sgm@camlitepe.bel.tr')}").data)
    theirs = {f"task-{t.id}@stratflow" for t in access.inbox(_user("sgm@camlitepe.bel.tr")) if t.due_date}
    assert coordinator and set(coordinator) == theirs
    assert f"task-{mine.id}@stratflow" not in coordinator


def test_feeds_need_a_valid_token_and_hide_other_municipalities(demo, client):
    other = Municipality(name="Başka Belediyesi", province="Ankara", type="ilce", population=60000,
                         election_date=date(2024, 3, 31), council_weekday="monday")
    db.session.add(other)
    db.session.commit()
    secret = _token("sgm@camlitepe.bel.tr")
    assert client.get(f"/calendar/municipality/{other.id}.ics?token={secret}").status_code == 404
    assert client.get(f"/calendar/municipality/{demo.id}.ics").status_code == 401
    assert client.get(f"/calendar/municipality/{demo.id}.ics?token=sf_wrong").status_code == 401
    assert client.get("/calendar/me.ics?token=").status_code == 401
    # A unit manager is no instance viewer: the municipality's feed is not theirs.
    manager = _token("fen@camlitepe.bel.tr")
    assert client.get(f"/calendar/municipality/{demo.id}.ics?token={manager}").status_code == 404
    admin = _token("admin@stratflow.example")
    assert client.get(f"/calendar/municipality/{other.id}.ics?token={admin}").status_code == 200
