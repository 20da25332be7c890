"""What the HTTP benchmarks share: a stratflow server to measure (database prepared, gunicorn
started) and clients for the engines compared with it, all speaking over real sockets.

A peer runs "the same 10-task process" (benchmarks/data/ten_tasks.bpmn: ten user tasks in a row,
one small form): `start()` makes an instance and returns a handle, `next_task(handle)` the id of
its open task, `complete(handle, task)` submits it. Only `complete` is timed by the callers.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
sys.path.insert(0, str(ROOT))
FORM = {"note": "ölçüm"}


class Http:
    """One keep-alive connection (per thread) to a base URL."""

    def __init__(self, base: str, headers: dict):
        parts = urlsplit(base)
        self.host, self.port, self.prefix = parts.hostname, parts.port or 80, parts.path.rstrip("/")
        self.headers = {"Content-Type": "application/json", **headers}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def call(self, method: str, path: str, body=None) -> tuple[int, dict]:
        payload = json.dumps(body).encode() if body is not None else None
        for attempt in (1, 2):
            try:
                self.conn.request(method, self.prefix + path, body=payload, headers=self.headers)
                response = self.conn.getresponse()
                data = response.read()
                return response.status, (json.loads(data) if data else {})
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


class StratflowPeer:
    """A stratflow server: the API of static/openapi.yaml with a coordinator's bearer token."""
    kind = "stratflow"

    def __init__(self, url: str, token: str, municipality_id: int):
        self.http = Http(url.rstrip("/") + "/api/v1", {"Authorization": f"Bearer {token}"})
        self.municipality_id = municipality_id

    def start(self):
        status, body = self.http.call("POST", "/instances", {"municipality_id": self.municipality_id,
                                                              "process": "ten_tasks"})
        if status != 201:
            raise RuntimeError(f"start: HTTP {status} {body}")
        return body["id"]

    def next_task(self, handle) -> str | None:
        """The instance's open task, from the coordinator's inbox (what a client polls)."""
        status, body = self.http.call("GET", "/tasks")
        if status != 200:
            raise RuntimeError(f"inbox: HTTP {status} {body}")
        return next((t["id"] for t in body["tasks"] if t["instance"]["id"] == handle), None)

    def complete(self, handle, task) -> int:
        status, _body = self.http.call("POST", f"/tasks/{task}/complete", FORM)
        return status


class SpiffArenaPeer:
    """spiff-arena's backend API (v1.0) with a bearer token, for a process model whose identifier
    (e.g. "misc:ten-tasks", modified with ":" → "/" as its API expects) holds ten_tasks.bpmn.
    Endpoints as spiff-arena documents them; not exercised by this repository's tests (no
    spiff-arena runs on the project's machines): check them against the version you run."""
    kind = "spiff-arena"

    def __init__(self, url: str, token: str, model: str):
        self.http = Http(url.rstrip("/") + "/v1.0", {"Authorization": f"Bearer {token}"})
        self.model = model.replace("/", ":")

    def start(self):
        status, body = self.http.call("POST", f"/process-instances/{self.model}")
        if status not in (200, 201):
            raise RuntimeError(f"start: HTTP {status} {body}")
        instance_id = body["id"]
        self.http.call("POST", f"/process-instances/{self.model}/{instance_id}/run")
        return instance_id

    def next_task(self, handle) -> str | None:
        status, body = self.http.call("GET", f"/tasks?process_instance_id={handle}")
        items = body.get("results", body) if isinstance(body, dict) else body
        ready = [t for t in items or [] if t.get("state", "READY") == "READY"]
        return ready[0].get("task_id") or ready[0].get("id") if ready else None

    def complete(self, handle, task) -> int:
        status, _body = self.http.call("PUT", f"/tasks/{handle}/{task}", FORM)
        return 200 if status in (200, 202) else status


PEERS = {"stratflow": StratflowPeer, "spiff-arena": SpiffArenaPeer}


# -- a stratflow server to measure ---------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(database_url: str, schema: str | None, coordinators: int = 1) -> list[dict]:
    """Migrate, import the 10-task definition, make `coordinators` municipalities each with a
    coordinator and an API token. Returns [{"municipality_id", "token"}]."""
    from complete_task import make_app

    from stratflow.extensions import db
    from stratflow.models import Municipality, RoleAssignment, SpendingUnit, User
    from stratflow.services import accounts, definitions

    app = make_app(database_url, schema)
    made = []
    with app.app_context():
        definitions.import_upload((DATA / "ten_tasks.bpmn").read_bytes(), "ten_tasks.bpmn",
                                  {"ten_tasks_step.schema.json": (DATA / "ten_tasks_step.schema.json").read_bytes()},
                                  app.config["MAX_BPMN_BYTES"], source="benchmark")
        for n in range(coordinators):
            town = Municipality(name=f"Ölçüm {n} Belediyesi", province="Balıkesir", type="ilce", population=60_000,
                                election_date=date(2024, 3, 31), mazbata_date=date(2024, 4, 5))
            db.session.add_all([town, SpendingUnit(municipality=town, name="Strateji Geliştirme Müdürlüğü")])
            user = User(email=f"sgm{n}@olcum.example", full_name=f"Koordinatör {n}", municipality=town)
            user.roles.append(RoleAssignment(role="coordinator", municipality=town))
            db.session.add(user)
            db.session.flush()
            made.append({"municipality_id": town.id, "token": accounts.create_token(user, "benchmark")[1]})
        db.session.commit()
        db.engine.dispose()
    return made


class Server:
    """gunicorn serving stratflow on a free port (`workers` processes of `threads` threads — the
    Dockerfile's 2 × 4 by default —, no scheduler)."""

    def __init__(self, database_url: str, schema: str | None, workers: int = 2, threads: int = 4):
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "benchmark-only", "PYTHONPATH": str(ROOT)}
        if schema:
            env["STRATFLOW_DB_SEARCH_PATH"] = schema
        self.log = tempfile.NamedTemporaryFile(prefix="stratflow-bench-", suffix=".log", delete=False)  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads),
             "-b", f"127.0.0.1:{self.port}", "--access-logfile", "-", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(Path(self.log.name).read_text()[-2000:]) from None
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(20)


def main() -> None:
    """`python benchmarks/peers.py serve [--postgres URL] [--workers N]`: a stratflow server with the
    10-task process for side_by_side.py's `--other` (prints its URL, token and municipality)."""
    import argparse
    import signal

    from complete_task import postgres_schema, sqlite_url

    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        schema = postgres_schema(args.postgres, create=True) if args.postgres else None
        url = args.postgres or sqlite_url(folder)
        try:
            [setup] = prepare(url, schema)
            server = Server(url, schema, args.workers)
            print(f"--other {server.url} --other-kind stratflow --other-token {setup['token']} "
                  f"--other-municipality {setup['municipality_id']}", flush=True)
            try:
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
                signal.sigwait({signal.SIGINT, signal.SIGTERM})
            finally:
                server.stop()
        finally:
            if schema:
                postgres_schema(args.postgres, create=False)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
