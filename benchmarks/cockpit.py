"""How long does the consultant cockpit take for many municipalities?

    .venv/bin/python benchmarks/cockpit.py                                  # temporary SQLite file
    .venv/bin/python benchmarks/cockpit.py --municipalities 300 --postgres postgresql://postgres@127.0.0.1:5432/test

Seeds `--municipalities` municipalities (a consultant follows all of them), each with a
strategic-plan instance whose task projection (TaskRecords, 12 spending units) stands somewhere
between the circular and the council; every fifth has an overdue task, every tenth has no
instance. The instances' workflow state is a placeholder: the cockpit must not need it. Then GET
/cockpit (in-process WSGI, signed in) is timed `--repeat` times, with the service call alone and
the number of SQL statements of one page. On PostgreSQL the tables go into a fresh schema
(dropped afterwards).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, event, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STEPS = ["circular_draft", "circular_approval", "board_composition", "board_approval", "team_nomination",
         "team_list", "program_draft", "program_approval", "unit_analysis", "plan_evaluation", "policy_analysis",
         "stakeholder_analysis", "environment_analysis", "findings_needs", "analysis_adoption", "future_draft",
         "future_adoption", "strategy_draft", "target_review", "monitoring_design", "plan_draft", "draft_review",
         "plan_approval", "encumen_opinion"]
PER_UNIT = {"team_nomination", "unit_analysis", "target_review"}
PROVINCES = ["Balıkesir", "İzmir", "Ankara", "Manisa", "Bursa", "Konya"]
TYPES = ["ilce", "ilce", "ilce", "il", "buyuksehir", "belde"]


def seed(n: int, units: int = 12) -> None:
    from stratflow.extensions import db
    from stratflow.models import Municipality, ProcessInstance, RoleAssignment, TaskRecord, User
    from stratflow.services import definitions
    from stratflow.services.accounts import hash_password

    versions = definitions.import_directory(ROOT / "workflows", 5_000_000)
    version = next(v for v in versions if v.definition.key == "strategic_plan")
    consultant = User(email="danisman@bench.example", full_name="Danışman", password_hash=hash_password("Bench.2024"))
    db.session.add(consultant)
    election = date(2024, 3, 31)
    started = datetime(2024, 4, 6, 7)
    for i in range(n):
        town = Municipality(name=f"Belediye {i:04d}", province=PROVINCES[i % 6], type=TYPES[i % 6],
                            population=60_000 + i, election_date=election, mazbata_date=election + timedelta(days=5),
                            council_weekday="tuesday")
        consultant.roles.append(RoleAssignment(role="consultant", municipality=town))
        if i % 10 == 9:
            continue
        instance = ProcessInstance(version=version, municipality=town, title=f"Plan {i}", status="running",
                                   state="{}", state_schema=1, started_at=started)
        db.session.add(instance)
        reached = 2 + (i * 7) % (len(STEPS) - 2)
        for k, step in enumerate(STEPS[:reached]):
            last = k == reached - 1
            for _ in range(units if step in PER_UNIT else 1):
                db.session.add(TaskRecord(
                    id=str(uuid.uuid4()), instance=instance, municipality=town, bpmn_id=step, name=step,
                    state="open" if last else "completed",
                    due_date=date(2024, 4, 20) + timedelta(days=5 * k + (0 if i % 5 else -60)),
                    created_at=started + timedelta(days=k), completed_at=None if last else started + timedelta(days=k)))
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--postgres", help="PostgreSQL URL (default: a temporary SQLite file)")
    args = parser.parse_args()

    schema = None
    if args.postgres:
        from stratflow.config import normalise_db_url
        args.postgres = normalise_db_url(args.postgres)
        schema = f"stratflow_bench_{os.getpid()}"
        engine = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        config = {"SQLALCHEMY_DATABASE_URI": args.postgres,
                  "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}}
    else:
        config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tempfile.mkdtemp()}/bench.db"}
    from stratflow import create_app
    from stratflow.extensions import db

    app = create_app({"SECRET_KEY": "bench", "PASSWORD_HASH_FAST": True, "WTF_CSRF_ENABLED": False, **config})
    try:
        with app.app_context():
            from flask_migrate import upgrade
            upgrade()
            t0 = time.perf_counter()
            seed(args.municipalities)
            print(f"seeded {args.municipalities} municipalities in {time.perf_counter() - t0:.1f} s")
        run(app, args)
    finally:
        if schema:
            with app.app_context():
                db.engine.dispose()
            with create_engine(args.postgres, isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def run(app, args) -> None:
    from stratflow.extensions import db
    from stratflow.models import User
    from stratflow.services import overview

    client = app.test_client()
    assert client.post("/login", data={"email": "danisman@bench.example", "password": "Bench.2024"}).status_code == 302
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    page_ms = []
    for _ in range(args.repeat + 1):
        statements.clear()
        t0 = time.perf_counter()
        response = client.get("/cockpit")
        page_ms.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    rows = response.get_data(as_text=True).count("data-municipality=")
    service_ms = []
    with app.test_request_context():
        user = db.session.execute(db.select(User).filter_by(email="danisman@bench.example")).scalar_one()
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            overview.cockpit(user)
            service_ms.append((time.perf_counter() - t0) * 1000)
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    print(f"database: {dialect}; municipalities: {args.municipalities}; rows on the page: {rows}")
    print(f"GET /cockpit median {statistics.median(page_ms[1:]):.0f} ms (first {page_ms[0]:.0f} ms); "
          f"service alone median {statistics.median(service_ms):.0f} ms; SQL statements per page: {len(statements)}")


if __name__ == "__main__":
    main()
