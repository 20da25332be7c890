"""Pages and sweeps at national scale: the inbox, the instance page and the reminder sweep.

    .venv/bin/python benchmarks/national.py                       # temporary SQLite file
    .venv/bin/python benchmarks/national.py --postgres postgresql://postgres@127.0.0.1:5432/test

Set-up (DESIGN.md §3a): `--municipalities` (default 450) municipalities with `--units` (default
40) spending units each, ~44 people per municipality (a unit manager and a team member per unit,
coordinator, mayor, deputy mayor, clerk) — about 20,000 users — each with its strategic-plan
instance. One instance is taken through the real engine to the situation analysis; the others
copy its stored state, and every instance gets `--tasks` (default 110) open task rows spread over
its units and roles, with due dates from 10 working days ahead to 10 days late, so ~50,000 open
tasks in all. Bulk inserts: building takes a minute or two.

Measured, each through the Flask app in-process (signed-in session, full request cycle):
- the inbox (`GET /`) of `--samples` unit managers and coordinators picked at random: p50/p95;
- the instance page (`GET /instances/<id>`) as coordinators of random municipalities: p50/p95;
- the reminder sweep (`reminders.plan_due`) over all open tasks: the first sweep (writes the
  rows due today) and a second one right after (finds everything already planned).

`--filler N` adds N more instances (a municipality each, one unit, `--filler-tasks` open tasks,
nobody sampled holds them): run with 550 and 9550 to compare the inbox at 1,000 and 10,000 instances.

On PostgreSQL the tables go into a fresh schema (dropped afterwards); nothing else is touched.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from complete_task import make_app, postgres_schema, sqlite_url  # noqa: E402

from stratflow.extensions import db  # noqa: E402

SEED = 20260924
UNIT_ROLES = ("unit_manager", "team_member")


def _fillers(count: int, tasks: int, version_id, state, template, step_names, rnd, today, now) -> None:
    """`count` more instances, each in a municipality of its own with one unit and `tasks` open
    tasks for roles nobody sampled holds: the country grows, the measured people's work does not."""
    from stratflow.models import Municipality, ProcessInstance, SpendingUnit, TaskRecord
    for number in range(1, count + 1):
        m = Municipality(name=f"Dolgu Belediyesi {number:05d}", province=f"İl {number % 81 + 1:02d}", type="ilce",
                         population=50000, election_date=template.municipality.election_date,
                         mazbata_date=template.municipality.mazbata_date, council_weekday="tuesday")
        db.session.add(m)
        db.session.flush()
        unit = SpendingUnit(municipality_id=m.id, name="Birim 01 Müdürlüğü", code="U01")
        instance = ProcessInstance(version_id=version_id, municipality_id=m.id, title=f"{m.name} Stratejik Planı",
                                   status="running", state=state, state_schema=template.state_schema, revision=1,
                                   started_at=now, updated_at=now, anchors=dict(template.anchors or {}))
        db.session.add_all([unit, instance])
        db.session.flush()
        db.session.execute(db.insert(TaskRecord), [{
            "id": str(uuid.UUID(int=rnd.getrandbits(128))), "instance_id": instance.id, "municipality_id": m.id,
            "bpmn_id": step_names[t % len(step_names)][0], "name": step_names[t % len(step_names)][1], "lane": None,
            "role": "unit_manager" if t % 3 else "coordinator", "unit_id": unit.id if t % 3 else None, "form": None,
            "state": "open", "due_date": today + timedelta(days=rnd.randint(-10, 14)), "created_at": now}
            for t in range(tasks)])
        if number % 200 == 0:
            db.session.commit()
    db.session.commit()


def build(app, municipalities: int, units: int, tasks: int, filler: int = 0, filler_tasks: int = 40) -> dict:
    from stratflow.models import (
        Municipality,
        ProcessInstance,
        RoleAssignment,
        SpendingUnit,
        TaskRecord,
        User,
    )
    from stratflow.services import definitions, demo

    rnd = random.Random(SEED)
    with app.app_context():
        definitions.import_directory(app.config["WORKFLOWS_DIR"], app.config["MAX_BPMN_BYTES"])
        db.session.commit()
        town = demo.load()
        db.session.commit()
        template = db.session.execute(db.select(ProcessInstance)).scalars().one()
        state = db.session.execute(db.select(ProcessInstance.state)
                                   .where(ProcessInstance.id == template.id)).scalar_one()
        version_id, step_names = template.version_id, _step_names(template.id)
        today = date.today()
        now = datetime.now(UTC).replace(tzinfo=None)
        ids = {"coordinators": [], "managers": [], "instances": []}
        for number in range(1, municipalities + 1):
            m = Municipality(name=f"Ölçüm Belediyesi {number:04d}", province=f"İl {number % 81 + 1:02d}",
                             type=rnd.choice(("ilce", "ilce", "ilce", "il", "buyuksehir")),
                             population=60000 + number, election_date=town.election_date,
                             mazbata_date=town.mazbata_date, council_weekday="tuesday")
            db.session.add(m)
            db.session.flush()
            unit_rows = [{"municipality_id": m.id, "name": f"Birim {u:02d} Müdürlüğü", "code": f"U{u:02d}"}
                         for u in range(1, units + 1)]
            db.session.execute(db.insert(SpendingUnit), unit_rows)
            unit_ids = list(db.session.execute(db.select(SpendingUnit.id)
                                               .where(SpendingUnit.municipality_id == m.id)).scalars())
            people = [("coordinator", None), ("mayor", None), ("deputy_mayor", None), ("council_clerk", None)]
            people += [(role, unit_id) for unit_id in unit_ids for role in UNIT_ROLES]
            user_rows = [{"email": f"p{number}.{i}@olcum.bel.tr", "full_name": f"Kişi {number}-{i}",
                          "locale": "tr", "active": True, "mail_digest": False, "municipality_id": m.id,
                          "created_at": now} for i in range(len(people))]
            db.session.execute(db.insert(User), user_rows)
            user_ids = list(db.session.execute(db.select(User.id).where(User.municipality_id == m.id)
                                               .order_by(User.id)).scalars())
            db.session.execute(db.insert(RoleAssignment), [
                {"user_id": uid, "role": role, "municipality_id": m.id, "unit_id": unit_id}
                for uid, (role, unit_id) in zip(user_ids, people, strict=True)])
            ids["coordinators"].append(user_ids[0])
            ids["managers"] += [uid for uid, (role, _u) in zip(user_ids, people, strict=True)
                                if role == "unit_manager"][:3]
            instance = ProcessInstance(version_id=version_id, municipality_id=m.id,
                                       title=f"{m.name} Stratejik Planı", status="running", state=state,
                                       anchors=dict(template.anchors or {}),
                                       state_schema=template.state_schema, revision=1, started_at=now,
                                       updated_at=now)
            db.session.add(instance)
            db.session.flush()
            ids["instances"].append((instance.id, user_ids[0]))
            task_rows = []
            for t in range(tasks):
                bpmn_id, name = step_names[t % len(step_names)]
                unit_id = unit_ids[t % len(unit_ids)]
                task_rows.append({
                    "id": str(uuid.UUID(int=rnd.getrandbits(128))), "instance_id": instance.id,
                    "municipality_id": m.id, "bpmn_id": bpmn_id, "name": name, "lane": None,
                    "role": "unit_manager" if t % 3 else "coordinator",
                    "unit_id": unit_id if t % 3 else None, "form": None, "state": "open",
                    "due_date": today + timedelta(days=rnd.randint(-10, 14)), "created_at": now})
            db.session.execute(db.insert(TaskRecord), task_rows)
            if number % 50 == 0:
                db.session.commit()
        db.session.commit()
        _fillers(filler, filler_tasks, version_id, state, template, step_names, rnd, today, now)
        counts = {name: db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()
                  for name, model in (("users", User), ("open tasks", TaskRecord),
                                      ("instances", ProcessInstance), ("units", SpendingUnit))}
    return {"ids": ids, "counts": counts}


def _step_names(instance_id: int) -> list[tuple[str, str]]:
    from stratflow.models import ProcessInstance, TaskRecord
    from stratflow.services import versions
    rows = dict(db.session.execute(db.select(TaskRecord.bpmn_id, TaskRecord.name)
                                   .where(TaskRecord.instance_id == instance_id)).all())
    meaning = versions.of_instance(db.session.get(ProcessInstance, instance_id)).meaning
    steps = [s for phase in meaning.phases for step in phase.steps for s in step[:1]]
    return [(s, rows.get(s, s.replace("_", " ").title())) for s in steps]


def timed_gets(app, paths_and_users: list[tuple[str, int]]) -> list[float]:
    from stratflow.models import User
    client = app.test_client()
    # Flask-Login's strong session protection: the identifier of the client's address and agent
    with app.test_request_context(environ_base=client.environ_base):
        identifier = app.login_manager._session_identifier_generator()
        session_ids = {u.id: u.get_id() for u in db.session.execute(  # "<id>:<session generation>"
            db.select(User).where(User.id.in_({u for _p, u in paths_and_users}))).scalars()}
    out = []
    for path, user_id in paths_and_users:
        with client.session_transaction() as session:
            session["_user_id"] = session_ids[user_id]
            session["_fresh"] = True
            session["_id"] = identifier
        started = time.perf_counter()
        response = client.get(path)
        out.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} as user {user_id}: HTTP {response.status_code}")
    return out


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"p50 {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms   (n={len(values)})"


def sweep(app) -> tuple[float, int]:
    from stratflow.services import reminders
    with app.test_request_context():
        started = time.perf_counter()
        created = reminders.plan_due(datetime.now(UTC).replace(tzinfo=None))
        db.session.commit()
        return (time.perf_counter() - started) * 1000, created


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--municipalities", type=int, default=450)
    parser.add_argument("--units", type=int, default=22)
    parser.add_argument("--tasks", type=int, default=110)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--filler", type=int, default=0,
                        help="more instances (own municipalities, nobody sampled) to grow the country")
    parser.add_argument("--filler-tasks", type=int, default=40, help="open tasks of each filler instance")
    parser.add_argument("--no-sweep", action="store_true", help="skip the reminder sweeps")
    args = parser.parse_args()
    if os.getloadavg()[0] > 0.6:
        print(f"warning: load average {os.getloadavg()[0]:.2f}: figures will be noisy", file=sys.stderr)
    schema = None
    with tempfile.TemporaryDirectory() as folder:
        if args.postgres:
            schema = postgres_schema(args.postgres, create=True)
        app = make_app(args.postgres or sqlite_url(folder), schema)
        try:
            started = time.perf_counter()
            built = build(app, args.municipalities, args.units, args.tasks, args.filler, args.filler_tasks)
            if schema:  # the statistics autovacuum would have gathered after the bulk inserts
                with app.app_context():
                    db.session.execute(db.text("ANALYZE"))
                    db.session.commit()
            print(f"{platform.python_version()} · {'PostgreSQL' if schema else 'SQLite'} · "
                  f"built in {time.perf_counter() - started:.0f} s: "
                  + ", ".join(f"{v} {k}" for k, v in built["counts"].items()))
            rnd = random.Random(SEED)
            ids = built["ids"]
            users = rnd.sample(ids["managers"], args.samples // 2) + rnd.sample(
                ids["coordinators"], min(len(ids["coordinators"]), args.samples // 2))
            timed_gets(app, [("/", u) for u in users[:10]])  # warm-up
            print("inbox          ", percentiles(timed_gets(app, [("/", u) for u in users])))
            pages = [rnd.choice(ids["instances"]) for _ in range(args.samples // 2)]
            timed_gets(app, [(f"/instances/{i}", u) for i, u in pages[:5]])
            print("instance page  ", percentiles(timed_gets(app, [(f"/instances/{i}", u) for i, u in pages])))
            if not args.no_sweep:
                first_ms, created = sweep(app)
                second_ms, again = sweep(app)
                print(f"reminder sweep  first {first_ms / 1000:6.1f} s ({created} mails planned)   "
                      f"second {second_ms / 1000:6.3f} s ({again} new)")
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            if schema:
                postgres_schema(args.postgres, create=False)


if __name__ == "__main__":
    main()
