"""How much does the application add to the engine when a task is completed?

    .venv/bin/python benchmarks/complete_task.py                       # temporary SQLite file
    .venv/bin/python benchmarks/complete_task.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/complete_task.py --http                # through a real socket too

Set-up: `--instances` municipalities with `--units` spending units each, every one with its
strategic-plan instance taken to the nomination step (one open nomination task per unit).
Every nomination task is then completed once, alternately

- through the HTTP API: POST /api/v1/tasks/<id>/complete with a bearer token (in-process WSGI
  by default, so no socket; `--http` serves the app with werkzeug on 127.0.0.1 instead), or
- through the service alone: `services.tasks.complete` + commit in a request context,

and, before each of them, the bare engine (stratflow.engine.Workflow, no database) does
load + complete + dump on the very same stored state. Medians are printed with their ratio,
with the number of SQL statements an API completion issues. Each API client lists its inbox
once first (untimed), so its token counts as recently used, as a working client's is.
Run it on a quiet machine: it warns when the load average says otherwise.

On PostgreSQL the tables go into a fresh schema (dropped afterwards); nothing else is touched.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from stratflow import create_app, engine  # noqa: E402
from stratflow.config import normalise_db_url  # noqa: E402
from stratflow.extensions import db  # noqa: E402

NOMINATION = {"members": [{"full_name": "Deniz Acar", "title": "Bilgisayar Mühendisi",
                           "email": "deniz.acar@example.bel.tr", "phone": "0266 555 10 20"}]}


@dataclass
class Sample:
    task_id: str
    instance_id: int
    token: str
    engine_ms: float = 0.0
    app_ms: float = 0.0
    mode: str = ""
    statements: int = 0


class StatementCounter:
    """Counts the SQL statements the app's engine sends (all threads)."""

    def __init__(self, app):
        from sqlalchemy import event
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._count)
        self.count = 0

    def _count(self, *_args) -> None:
        self.count += 1


@dataclass
class Results:
    api: list = field(default_factory=list)
    service: list = field(default_factory=list)
    engine: list = field(default_factory=list)


# -- database -----------------------------------------------------------------------------------

def sqlite_url(folder: str) -> str:
    return f"sqlite:///{Path(folder) / 'bench.db'}"


def postgres_schema(url: str, create: bool) -> str:
    schema = f"stratflow_bench_{os.getpid()}"
    admin = create_engine(normalise_db_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        if create:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema


def make_app(url: str, schema: str | None):
    options = {}
    if schema:
        options["connect_args"] = {"options": f"-c search_path={schema}"}
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_db_url(url), "SQLALCHEMY_ENGINE_OPTIONS": options,
                      "SECRET_KEY": "benchmark-only"})
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
    return app


# -- data ---------------------------------------------------------------------------------------

def build(app, instances: int, units: int) -> list[Sample]:
    """Municipalities at the nomination step; one sample per open nomination task."""
    from stratflow.services import definitions

    samples = []
    with app.app_context():
        definitions.import_directory(app.config["WORKFLOWS_DIR"], app.config["MAX_BPMN_BYTES"])
        db.session.commit()
        for number in range(1, instances + 1):
            samples += _municipality(number, units)
            db.session.commit()
    return samples


def _municipality(number: int, units: int) -> list[Sample]:
    from stratflow.models import Municipality, RoleAssignment, SpendingUnit, TaskRecord, User
    from stratflow.services import accounts, instances

    town = Municipality(name=f"Ölçüm Belediyesi {number}", province="Balıkesir", type="ilce",
                        population=50_000, election_date=date(2024, 3, 31), mazbata_date=date(2024, 4, 5))
    db.session.add(town)

    def person(key, role, unit=None):
        user = User(email=f"{key}.{number}@bench.example", full_name=f"{key} {number}", municipality=town)
        user.roles.append(RoleAssignment(role=role, municipality=town, unit=unit))
        db.session.add(user)
        return user

    coordinator, mayor = person("sgm", "coordinator"), person("baskan", "mayor")
    managers = {}
    for i in range(units):
        unit = SpendingUnit(municipality=town, name=f"Birim {i + 1:02d} Müdürlüğü", code=f"b{i + 1}")
        db.session.add(unit)
        managers[unit] = person(f"mudur{i + 1}", "unit_manager", unit)
    db.session.flush()
    instance = instances.start_instance(town, coordinator)
    _complete(instance.id, "circular_draft", coordinator, {
        "nomination_deadline": "2024-05-05", "coordinating_unit": "Strateji Geliştirme Müdürlüğü"})
    _complete(instance.id, "circular_approval", mayor, {"circular_decision": "approve"})
    tokens = {unit.id: accounts.create_token(user, "benchmark")[1] for unit, user in managers.items()}
    open_tasks = db.session.execute(db.select(TaskRecord).filter_by(
        instance_id=instance.id, bpmn_id="team_nomination", state="open").order_by(TaskRecord.id)).scalars()
    return [Sample(t.id, instance.id, tokens[t.unit_id]) for t in open_tasks]


def _complete(instance_id: int, bpmn_id: str, actor, data: dict) -> None:
    from stratflow.models import TaskRecord
    from stratflow.services import tasks
    record = db.session.execute(db.select(TaskRecord).filter_by(
        instance_id=instance_id, bpmn_id=bpmn_id, state="open")).scalar_one()
    tasks.complete(record.id, actor, data)


# -- measuring ----------------------------------------------------------------------------------

def stored_state(app, instance_id: int) -> tuple[str, str, str]:
    """(spec cache key, spec JSON, engine state) of an instance as the database holds it now."""
    from stratflow.models import DefinitionVersion, ProcessInstance
    from stratflow.services import versions
    with app.app_context():
        instance = db.session.get(ProcessInstance, instance_id)
        spec_json = db.session.get(DefinitionVersion, instance.version_id).spec_json
        return versions.info(instance.version).spec_key, spec_json, instance.state


def data_variable(key: str, spec_json: str, state: str, task_id: str) -> str | None:
    workflow = engine.Workflow.load(key, spec_json, state)
    return next(t.properties.get("formDataVariable") for t in workflow.ready_human_tasks() if t.id == task_id)


def time_engine(key: str, spec_json: str, state: str, task_id: str, variable: str | None) -> float:
    started = time.perf_counter()
    workflow = engine.Workflow.load(key, spec_json, state)
    workflow.complete(task_id, {variable: NOMINATION} if variable else NOMINATION)
    workflow.dump()
    return (time.perf_counter() - started) * 1000


def time_service(app, sample: Sample) -> float:
    from stratflow.models import TaskRecord, User
    from stratflow.services import tasks
    with app.test_request_context(f"/api/v1/tasks/{sample.task_id}/complete", method="POST"):
        record = db.session.get(TaskRecord, sample.task_id)
        actor = db.session.execute(db.select(User).join(User.roles).filter_by(
            role="unit_manager", unit_id=record.unit_id)).scalar_one()
        db.session.commit()  # end the set-up reads; the timing covers the transition only
        started = time.perf_counter()
        tasks.complete(sample.task_id, actor, NOMINATION)
        db.session.commit()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed


class ApiClient:
    """POST the completion in-process (Flask test client) or over a keep-alive HTTP connection."""

    def __init__(self, app, over_http: bool):
        self.app, self.server, self.conn = app, None, None
        if over_http:
            from werkzeug.serving import WSGIRequestHandler, make_server

            class Quiet(WSGIRequestHandler):
                protocol_version = "HTTP/1.1"

                def log_request(self, *args, **kwargs):
                    pass

            self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
            threading.Thread(target=self.server.serve_forever, daemon=True).start()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.server.server_port, timeout=30)
        else:
            self.client = app.test_client()

    def list_tasks(self, sample: Sample) -> None:
        headers = {"Authorization": f"Bearer {sample.token}"}
        if self.conn is not None:
            self.conn.request("GET", "/api/v1/tasks", headers=headers)
            response = self.conn.getresponse()
            response.read()
            status = response.status
        else:
            status = self.client.get("/api/v1/tasks", headers=headers).status_code
        if status != 200:
            raise SystemExit(f"GET /api/v1/tasks answered {status}")

    def complete(self, sample: Sample) -> float:
        path = f"/api/v1/tasks/{sample.task_id}/complete"
        headers = {"Authorization": f"Bearer {sample.token}", "Content-Type": "application/json"}
        body = json.dumps(NOMINATION)
        started = time.perf_counter()
        if self.conn is not None:
            self.conn.request("POST", path, body=body, headers=headers)
            response = self.conn.getresponse()
            payload, status = response.read(), response.status
        else:
            response = self.client.post(path, data=body, headers=headers)
            payload, status = response.get_data(), response.status_code
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            raise SystemExit(f"API answered {status}: {payload[:500]!r}")
        return elapsed

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.server.shutdown()
            self.server.server_close()


def measure(app, samples: list[Sample], over_http: bool) -> None:
    if not any(rule.rule == "/api/v1/tasks/<task_id>/complete" and "POST" in rule.methods
               for rule in app.url_map.iter_rules()):
        raise SystemExit("POST /api/v1/tasks/<task_id>/complete is missing from stratflow/web/api.py")
    client = ApiClient(app, over_http)
    counter = StatementCounter(app)
    variable = None
    try:
        for sample in samples[::2]:  # each client lists its inbox first (not timed), as a real one would
            client.list_tasks(sample)
        for index, sample in enumerate(samples):
            key, spec_json, state = stored_state(app, sample.instance_id)
            if variable is None:
                variable = data_variable(key, spec_json, state, sample.task_id)
            sample.engine_ms = time_engine(key, spec_json, state, sample.task_id, variable)
            sample.mode = "api" if index % 2 == 0 else "service"
            before = counter.count
            sample.app_ms = client.complete(sample) if sample.mode == "api" else time_service(app, sample)
            sample.statements = counter.count - before
    finally:
        client.close()


# -- report -------------------------------------------------------------------------------------

def machine(app, url: str) -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    if url.startswith("sqlite"):
        database = f"SQLite {sqlite3.sqlite_version} (WAL, BEGIN IMMEDIATE, synchronous=NORMAL)"
    else:
        with app.app_context():
            database = "PostgreSQL " + db.session.execute(text("SHOW server_version")).scalar()
    return {"cpu": f"{cpu}, {os.cpu_count()} cores", "os": platform.platform(terse=True),
            "python": platform.python_version(), "database": database}


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(samples: list[Sample], warmup: int, info: dict, args, loads: tuple[float, float]) -> None:
    kept = samples[warmup:]
    engine_ms = [s.engine_ms for s in kept]
    api_ms = [s.app_ms for s in kept if s.mode == "api"]
    service_ms = [s.app_ms for s in kept if s.mode == "service"]
    m_engine, m_api, m_service = median(engine_ms), median(api_ms), median(service_ms)
    paired = median([s.app_ms / s.engine_ms for s in kept if s.mode == "api"])
    transport = "HTTP/1.1 to werkzeug on 127.0.0.1" if args.http else "in-process WSGI (Flask test client)"
    print(f"date        {date.today().isoformat()}")
    for key, value in info.items():
        print(f"{key:<11} {value}")
    print(f"set-up      {args.instances} instances x {args.units} units; {len(kept)} completions measured "
          f"after {warmup} warm-up; API via {transport}")
    print(f"load avg    {loads[0]:.2f} before, {loads[1]:.2f} after (1 min)")
    if max(loads) > 0.5 * (os.cpu_count() or 1):
        print("WARNING     the machine was busy with other work: figures are inflated and noisy")
    print()
    print(f"{'':<34}{'median ms':>10}{'p90 ms':>9}{'n':>5}")
    for label, values in (("bare engine: load+complete+dump", engine_ms),
                          ("service: tasks.complete + commit", service_ms),
                          ("HTTP API: POST .../complete", api_ms)):
        p90 = statistics.quantiles(values, n=10)[-1] if len(values) >= 2 else float("nan")
        print(f"{label:<34}{median(values):>10.2f}{p90:>9.2f}{len(values):>5}")
    print()
    print(f"ratio API / engine      {m_api / m_engine:.2f}x   (target <= 1.5x; "
          f"median of per-task ratios {paired:.2f}x)")
    print(f"ratio service / engine  {m_service / m_engine:.2f}x")
    print(f"completions/s via API   {1000 / m_api:.0f}  (one client, sequential: 1000 / median)")
    print(f"SQL statements per API completion  {median([s.statements for s in kept if s.mode == 'api']):.0f}")
    print()
    print("RESULTS.md row:")
    statements = median([s.statements for s in kept if s.mode == "api"])
    print(f"| {date.today().isoformat()} | {info['database']} | {transport} | {args.instances}x{args.units} "
          f"| {m_engine:.2f} | {m_service:.2f} | {m_api:.2f} | {m_api / m_engine:.2f}x | {1000 / m_api:.0f} "
          f"| {statements:.0f} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=12, help="spending units per municipality (default 12)")
    parser.add_argument("--instances", type=int, default=10, help="municipalities, one instance each (default 10)")
    parser.add_argument("--warmup", type=int, default=4, help="first completions left out of the figures")
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server to measure on (a scratch schema is used)")
    parser.add_argument("--http", action="store_true", help="send API requests over a real socket")
    args = parser.parse_args(argv)
    if args.units < 1 or args.instances < 1 or args.warmup < 0:
        parser.error("--units and --instances must be at least 1, --warmup at least 0")

    with tempfile.TemporaryDirectory(prefix="stratflow-bench-") as folder:
        url = args.postgres or sqlite_url(folder)
        schema = postgres_schema(url, create=True) if args.postgres else None
        try:
            app = make_app(url, schema)
            samples = build(app, args.instances, args.units)
            if len(samples) <= args.warmup + 1:
                parser.error("not enough tasks: raise --instances or --units, or lower --warmup")
            before = load_average()
            measure(app, samples, args.http)
            report(samples, args.warmup, machine(app, url), args, (before, load_average()))
            with app.app_context():
                db.engine.dispose()
        finally:
            if schema:
                postgres_schema(url, create=False)


if __name__ == "__main__":
    main()
