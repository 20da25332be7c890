"""Rendering .docx templates (docxtpl = Jinja inside Word) and checking uploaded ones.

Templates are user content: they render in Jinja's sandbox, with autoescaping (values never
break the XML), and only the documented variables are accepted.
"""

from __future__ import annotations

import io
import re
import zipfile

from docxtpl import DocxTemplate, Listing
from jinja2 import ChainableUndefined, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from .typography import FILTERS

MAX_UNPACKED_BYTES = 60_000_000  # a zip bomb is refused before docxtpl unpacks it


class TemplateProblem(Exception):
    """Why a template cannot be used. `reason` is one of: too_big, not_docx, macros, syntax,
    unknown, render; `detail` says more (untranslated: names, the Jinja message)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def environment(strict: bool = False) -> SandboxedEnvironment:
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined if strict else ChainableUndefined)
    env.filters.update(FILTERS)
    return env


def _multiline(value):
    if isinstance(value, str):
        return Listing(value) if "\n" in value else value
    if isinstance(value, dict):
        return {k: _multiline(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_multiline(v) for v in value]
    return value


def render(template: bytes, context: dict, strict: bool = False) -> bytes:
    doc = DocxTemplate(io.BytesIO(template))
    doc.render(_multiline(context), environment(strict), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def check_package(data: bytes, max_bytes: int) -> None:
    """A real, macro-free .docx of a sane size, or TemplateProblem."""
    if len(data) > max_bytes:
        raise TemplateProblem("too_big", str(max_bytes))
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateProblem("not_docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
            content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TemplateProblem("not_docx", str(exc)) from exc
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types:
        raise TemplateProblem("macros")
    if "word/document.xml" not in names or not content_types:
        raise TemplateProblem("not_docx")
    if unpacked > MAX_UNPACKED_BYTES:
        raise TemplateProblem("too_big", str(max_bytes))


def check_template(data: bytes, allowed: set[str], sample: dict, max_bytes: int) -> None:
    """Refuse what would fail or surprise later: not a docx, macros, Jinja syntax errors, names
    outside the documented set, and anything that does not render with the sample data."""
    check_package(data, max_bytes)
    try:
        names = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(environment(strict=True))
    except TemplateSyntaxError as exc:
        raise TemplateProblem("syntax", f"{exc.message}") from exc
    except TemplateError as exc:
        raise TemplateProblem("syntax", str(exc)) from exc
    except Exception as exc:  # python-docx cannot read it: a broken package
        raise TemplateProblem("not_docx", str(exc)) from exc
    unknown = sorted(set(names) - allowed)
    if unknown:
        raise TemplateProblem("unknown", ", ".join(unknown))
    try:
        render(data, sample, strict=True)
    except UndefinedError as exc:
        found = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", exc.message or "")
        raise TemplateProblem("unknown", next(g for g in found.groups() if g) if found else str(exc)) from exc
    except TemplateSyntaxError as exc:
        raise TemplateProblem("syntax", exc.message or str(exc)) from exc
    except Exception as exc:
        raise TemplateProblem("render", str(exc)[:300]) from exc
