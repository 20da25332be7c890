"""stratflow side by side with another engine, both over HTTP, on the same 10-task process.

    # stratflow against a second server given by URL (any engine with an adapter in peers.py):
    .venv/bin/python benchmarks/side_by_side.py --other http://127.0.0.1:7000 --other-kind spiff-arena \\
        --other-token TOKEN --other-model misc/ten-tasks [--postgres URL] [--rounds 20]
    # both sides stratflow (e.g. SQLite here, PostgreSQL there; or two versions of stratflow):
    .venv/bin/python benchmarks/side_by_side.py --other http://host:port --other-kind stratflow \\
        --other-token sf_… --other-municipality 1

Our side is started here: gunicorn with `--workers` workers on a fresh database (a temporary
SQLite file, or a fresh schema of `--postgres`), benchmarks/data/ten_tasks.bpmn imported, one
coordinator with a token. Each round starts one instance on each side and completes their ten
tasks interleaved — ours, theirs, ours, theirs — so both see the same machine load. Only the
completion request is timed (start and "which task is open" are not). Prints the medians per side
and their ratio (theirs / ours). Run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from complete_task import postgres_schema, sqlite_url  # noqa: E402
from peers import PEERS, Server, StratflowPeer, prepare  # noqa: E402


def other_peer(args):
    if args.other_kind == "stratflow":
        return StratflowPeer(args.other, args.other_token, args.other_municipality)
    return PEERS[args.other_kind](args.other, args.other_token, args.other_model)


def timed(peer, handle) -> float | None:
    task = peer.next_task(handle)
    if task is None:
        return None
    started = time.perf_counter()
    status = peer.complete(handle, task)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise RuntimeError(f"{peer.kind}: completing {task} gave HTTP {status}")
    return elapsed


def run(ours, theirs, rounds: int) -> tuple[list[float], list[float]]:
    mine, other = [], []
    for _round in range(rounds):
        a, b = ours.start(), theirs.start()
        for _step in range(10):
            for peer, handle, into in ((ours, a, mine), (theirs, b, other)):
                value = timed(peer, handle)
                if value is not None:
                    into.append(value)
    return mine, other


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", required=True, metavar="URL", help="base URL of the other engine")
    parser.add_argument("--other-kind", choices=sorted(PEERS), default="spiff-arena")
    parser.add_argument("--other-token", required=True)
    parser.add_argument("--other-model", default="misc/ten-tasks", help="spiff-arena process model identifier")
    parser.add_argument("--other-municipality", type=int, default=1, help="stratflow: municipality to start in")
    parser.add_argument("--postgres", metavar="URL", help="our database (default: a temporary SQLite file)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if os.getloadavg()[0] > 0.6:
        print(f"warning: load average {os.getloadavg()[0]:.2f}: figures will be noisy", file=sys.stderr)
    with tempfile.TemporaryDirectory() as folder:
        schema = postgres_schema(args.postgres, create=True) if args.postgres else None
        url = args.postgres or sqlite_url(folder)
        try:
            [ours_setup] = prepare(url, schema)
            server = Server(url, schema, args.workers)
            try:
                ours = StratflowPeer(server.url, ours_setup["token"], ours_setup["municipality_id"])
                run(ours, other_peer(args), 1)  # warm-up: both sides load their specs once
                mine, theirs = run(ours, other_peer(args), args.rounds)
            finally:
                server.stop()
        finally:
            if schema:
                postgres_schema(args.postgres, create=False)
    ours_ms, theirs_ms = statistics.median(mine), statistics.median(theirs)
    print(f"stratflow ({'PostgreSQL' if args.postgres else 'SQLite'}, {args.workers} workers): "
          f"median {ours_ms:.1f} ms per completion (n={len(mine)})")
    print(f"{args.other_kind} at {args.other}: median {theirs_ms:.1f} ms per completion (n={len(theirs)})")
    print(f"ratio {args.other_kind} / stratflow: {theirs_ms / ours_ms:.2f}×")


if __name__ == "__main__":
    main()
