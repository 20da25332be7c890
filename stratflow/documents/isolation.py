"""Checking an uploaded template in a separate process with limits on CPU time, memory and wall
time: a hostile template (a loop of a billion turns, a string of gigabytes) kills the child, never
the web worker.

The parent runs `python -m stratflow.documents.isolation` and sends (template, allowed names,
sample context, size limit) pickled on stdin; the child lowers its own limits, runs
render.check_template and answers with a JSON line: {"ok": true} or {"reason": …, "detail": …}.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

from .render import TemplateProblem

DEFAULT_SECONDS = 10
DEFAULT_MEMORY = 768 * 1024 * 1024  # address space the check may add to the child's own
PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])


def check_template_isolated(data: bytes, allowed: set[str], sample: dict, max_bytes: int,
                            seconds: float = DEFAULT_SECONDS, memory: int = DEFAULT_MEMORY) -> None:
    """render.check_template in a child process; TemplateProblem("timeout"/"limits") when the
    child runs out of time or memory."""
    payload = pickle.dumps({"data": data, "allowed": sorted(allowed), "sample": sample,
                            "max_bytes": max_bytes, "seconds": seconds, "memory": memory})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (PACKAGE_PARENT, os.environ.get("PYTHONPATH"))))}
    try:
        done = subprocess.run([sys.executable, "-m", "stratflow.documents.isolation"], input=payload,
                              capture_output=True, timeout=seconds + 5, env=env, check=False)
    except subprocess.TimeoutExpired as exc:  # the child is killed by subprocess.run
        raise TemplateProblem("timeout") from exc
    answer = _answer(done.stdout)
    if answer is None:  # killed by RLIMIT_CPU (SIGXCPU/SIGKILL) or out of memory before answering
        raise TemplateProblem("timeout" if done.returncode in (-24, -9, 152, 137) else "limits",
                              done.stderr.decode(errors="replace")[-300:])
    if not answer.get("ok"):
        raise TemplateProblem(answer.get("reason", "render"), answer.get("detail", ""))


def _answer(stdout: bytes) -> dict | None:
    for line in reversed(stdout.decode(errors="replace").splitlines()):
        try:
            found = json.loads(line)
        except ValueError:
            continue
        if isinstance(found, dict):
            return found
    return None


def _limit(seconds: float, memory: int) -> None:
    import resource
    cpu = max(1, int(seconds + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        used = 512 * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (used + memory, used + memory))


def _child() -> None:
    job = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 — written by our own parent process
    from .render import check_template

    _limit(job["seconds"], job["memory"])
    try:
        check_template(job["data"], set(job["allowed"]), job["sample"], job["max_bytes"])
        answer = {"ok": True}
    except TemplateProblem as problem:
        answer = {"reason": problem.reason, "detail": problem.detail}
    except MemoryError:
        answer = {"reason": "limits", "detail": ""}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    _child()
