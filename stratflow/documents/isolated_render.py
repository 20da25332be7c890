"""Rendering a municipality's own template in a separate process with the same limits as the
upload check (isolation.py): CPU time, address space and wall time. A template that passed the
check with two sample units can still loop over the real data for ever; here that kills the
child, never the scheduler or a web worker.

The parent runs `python -m stratflow.documents.isolated_render` and sends (template, context,
limits) pickled on stdin; the child answers with one JSON line: {"docx": base64} or
{"reason": …, "detail": …}.
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import subprocess
import sys

from .isolation import DEFAULT_MEMORY, DEFAULT_SECONDS, PACKAGE_PARENT, _answer, _limit
from .render import TemplateProblem


def render_isolated(template: bytes, context: dict, seconds: float = DEFAULT_SECONDS,
                    memory: int = DEFAULT_MEMORY) -> bytes:
    """render.render(template, context) in a child process; TemplateProblem("timeout"/"limits"/
    "render"/"unsafe") when it cannot be done within the limits."""
    payload = pickle.dumps({"template": template, "context": context, "seconds": seconds, "memory": memory})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (PACKAGE_PARENT, os.environ.get("PYTHONPATH"))))}
    try:
        done = subprocess.run([sys.executable, "-m", "stratflow.documents.isolated_render"], input=payload,
                              capture_output=True, timeout=seconds + 5, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise TemplateProblem("timeout") from exc
    answer = _answer(done.stdout)
    if answer is None:
        raise TemplateProblem("timeout" if done.returncode in (-24, -9, 152, 137) else "limits",
                              done.stderr.decode(errors="replace")[-300:])
    if "docx" not in answer:
        raise TemplateProblem(answer.get("reason", "render"), answer.get("detail", ""))
    return base64.b64decode(answer["docx"])


def _child() -> None:
    job = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 — written by our own parent process
    from jinja2.exceptions import SecurityError

    from .render import check_links, render

    _limit(job["seconds"], job["memory"])
    try:
        content = render(job["template"], job["context"])
        check_links(content)
        answer = {"docx": base64.b64encode(content).decode()}
    except TemplateProblem as problem:
        answer = {"reason": problem.reason, "detail": problem.detail}
    except SecurityError as exc:
        answer = {"reason": "unsafe", "detail": str(exc)[:300]}
    except MemoryError:
        answer = {"reason": "limits", "detail": ""}
    except Exception as exc:  # noqa: BLE001 — any failure is the template's, reported to the parent
        answer = {"reason": "render", "detail": str(exc)[:300]}
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    _child()
