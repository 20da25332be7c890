"""A seeded instance in the middle of the process, for the instance page's tests.

The demo municipality is loaded 30 days in the past with the clock frozen there, and the process
is driven through the services with the clock moved day by day:

- day 0  (T0): demo (circular, board done; Bilgi İşlem nominated); the other units nominate;
               the coordinator fixes the team list with the kick-off on T0+2;
- day 2:       the kick-off timer fires (scheduler); program drafted with the units' analysis
               deadline T0+10, and approved;
- day 5:       four units hand in their situation-analysis inputs (UNITS_DONE);
- afterwards:  nothing — on the real today (T0+30) the other units' inputs are 20 days late,
               the team's analyses are open (due on their rule's date), later phases not reached.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import time_machine

from stratflow.extensions import db
from stratflow.jobs.scheduler import run_due_jobs
from stratflow.models import ProcessInstance, TaskRecord, User
from stratflow.services import demo as demo_data
from stratflow.services import tasks

from . import snapshots
from .test_strategic_plan import NOMINATION, steps

DOMAIN = "camlitepe.bel.tr"
UNITS_DONE = ("fen", "mali", "sgm", "imar")
BACK = 30            # T0 = today − BACK
ANALYSIS_DAY = 10    # the units' analysis deadline: T0 + 10
KICKOFF_DAY = 2
STEP_DATA = dict(s for s in steps() if s[0] != "clock")


def moment(day: date, hour: int = 8) -> datetime:
    """`hour` o'clock UTC on `day` (11:00 in Turkey), timezone-aware for time-machine."""
    return datetime.combine(day, time(hour), tzinfo=UTC)


def user(email: str) -> User:
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def open_records(bpmn_id: str) -> list[TaskRecord]:
    return list(db.session.execute(db.select(TaskRecord).filter_by(bpmn_id=bpmn_id, state="open")).scalars())


def complete(bpmn_id: str, email: str, data: dict) -> None:
    [record] = open_records(bpmn_id)
    tasks.complete(record.id, user(email), data)
    db.session.commit()


def seed(app, today: date) -> dict:
    """Seed the scenario (real database, committed) and return its key dates and ids. (Seeded for
    real the first time in each test process for this day, then its rows are put back:
    tests/snapshots.py; on the shipped definitions, like the `definition` fixture.)"""
    found = snapshots.once(f"midway {today.isoformat()}", "definition", lambda: _seed(app, today))
    db.session.commit()  # hold no lock: a live server may serve the pages next
    return dict(found)


def _seed(app, today: date) -> dict:
    t0 = today - timedelta(days=BACK)
    with time_machine.travel(moment(t0), tick=False):
        town = demo_data.load(today=t0)
        db.session.commit()
        for record in open_records("team_nomination"):
            tasks.complete(record.id, user(f"{record.unit.code}@{DOMAIN}"), NOMINATION)
        db.session.commit()
        complete("team_list", f"sgm@{DOMAIN}", {"team_leader": "Zeynep Çelik", "team_coordinator": "Mehmet Kaya",
                                                "kickoff_date": (t0 + timedelta(days=KICKOFF_DAY)).isoformat()})
    kickoff = moment(t0 + timedelta(days=KICKOFF_DAY), 7)
    with time_machine.travel(kickoff, tick=False):
        assert run_due_jobs(app, kickoff.replace(tzinfo=None))["timers_fired"] == 1
        db.session.expire_all()
        complete("program_draft", f"sgm@{DOMAIN}", dict(
            STEP_DATA["program_draft"], analysis_deadline=(t0 + timedelta(days=ANALYSIS_DAY)).isoformat()))
        complete("program_approval", f"baskan@{DOMAIN}", {"program_decision": "approve"})
    with time_machine.travel(moment(t0 + timedelta(days=5)), tick=False):
        for record in open_records("unit_analysis"):
            if record.unit.code in UNITS_DONE:
                tasks.complete(record.id, user(f"{record.unit.code}@{DOMAIN}"), STEP_DATA["unit_analysis"])
        db.session.commit()
    found = {"t0": t0, "analysis_deadline": t0 + timedelta(days=ANALYSIS_DAY), "municipality_id": town.id,
             "instance_id": db.session.execute(db.select(ProcessInstance.id)).scalar_one()}
    db.session.commit()  # hold no lock: a live server may serve the pages next
    return found
