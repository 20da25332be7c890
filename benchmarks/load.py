"""Completions per second under load: gunicorn with `--workers` workers of `--threads` threads (the
Dockerfile's 2 × 4 by default), `--clients` client threads
completing tasks of the 10-task process through the HTTP API, for `--seconds`.

    .venv/bin/python benchmarks/load.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/load.py                      # temporary SQLite file

Each client has its own municipality (coordinator token) and works its own instances one after the
other: start, then for each of its ten tasks look it up in the inbox and complete it (two requests
per completion). Prints completions/s, latency p50/p95 and errors (any
answer but 200/201; there must be none). Run it on a quiet machine; clients and server share it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from complete_task import postgres_schema, sqlite_url  # noqa: E402
from peers import Server, StratflowPeer, prepare  # noqa: E402


def client(peer: StratflowPeer, handle, until: float, out: dict, lock: threading.Lock) -> None:
    done, errors, times = 0, 0, []
    while time.monotonic() < until:
        task = peer.next_task(handle)
        if task is None:
            handle = peer.start()
            continue
        started = time.perf_counter()
        status = peer.complete(handle, task)
        times.append((time.perf_counter() - started) * 1000)
        if status == 200:
            done += 1
        else:
            errors += 1
    with lock:
        out["done"] += done
        out["errors"] += errors
        out["times"] += times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (the Dockerfile's 4; 1: sync)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    if os.getloadavg()[0] > 0.6:
        print(f"warning: load average {os.getloadavg()[0]:.2f}: figures will be noisy", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        schema = postgres_schema(args.postgres, create=True) if args.postgres else None
        url = args.postgres or sqlite_url(folder)
        try:
            setups = prepare(url, schema, coordinators=args.clients)
            server = Server(url, schema, args.workers, args.threads)
            try:
                peers = [StratflowPeer(server.url, s["token"], s["municipality_id"]) for s in setups]
                handles = [peer.start() for peer in peers]  # (warms both workers up)
                out, lock = {"done": 0, "errors": 0, "times": []}, threading.Lock()
                started = time.monotonic()
                threads = [threading.Thread(target=client, args=(p, h, started + args.seconds, out, lock))
                           for p, h in zip(peers, handles, strict=True)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                elapsed = time.monotonic() - started
            finally:
                server.stop()
        finally:
            if schema:
                postgres_schema(args.postgres, create=False)
    times = sorted(out["times"])
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))] if times else float("nan")
    print(f"{'PostgreSQL' if args.postgres else 'SQLite'} · {args.workers} workers × {args.threads} threads · "
          f"{args.clients} clients · "
          f"{elapsed:.0f} s: {out['done'] / elapsed:.0f} completions/s, "
          f"latency p50 {statistics.median(times) if times else float('nan'):.1f} ms p95 {p95:.1f} ms, "
          f"{out['errors']} errors")


if __name__ == "__main__":
    main()
