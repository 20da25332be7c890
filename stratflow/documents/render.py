"""Rendering .docx templates (docxtpl = Jinja inside Word) and checking uploaded ones.

Templates are user content: they render in Jinja's sandbox, with autoescaping (values never
break the XML), and only the documented variables are accepted. The sandbox has no globals
(no range, lipsum, cycler …: nothing that makes work out of nothing) and refuses arithmetic whose
result would be huge. An uploaded template is checked in a separate, resource-limited process
(isolation.py); once accepted it renders in-process at transitions.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from docxtpl import DocxTemplate, Listing
from jinja2 import ChainableUndefined, StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from .typography import FILTERS

MAX_UNPACKED_BYTES = 60_000_000  # a zip bomb is refused before docxtpl unpacks it
MAX_RESULT_SIZE = 100_000  # characters/items a template's arithmetic may produce
MAX_NUMBER = 10**15  # the magnitude of numbers it may produce (money fits easily)
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
# Field codes that make Word/LibreOffice fetch a file or URL, or talk to another program.
EXTERNAL_FIELDS = re.compile(r"\b(INCLUDEPICTURE|INCLUDETEXT|INCLUDE|LINK|DDE|DDEAUTO|IMPORT)\b")
HYPERLINK_TARGET = re.compile(r'\s*HYPERLINK\s+(?:"([^"]*)"|(\S+))', re.IGNORECASE)
WEB_LINK = re.compile(r"(https?://[^/\\\s]|mailto:)", re.IGNORECASE)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_FLD_CHAR, W_FLD_CHAR_TYPE, W_FLD_SIMPLE, W_INSTR = f"{W}fldChar", f"{W}fldCharType", f"{W}fldSimple", f"{W}instr"
W_INSTR_TEXT = (f"{W}instrText", f"{W}delInstrText")


class TemplateProblem(Exception):
    """Why a template cannot be used. `reason` is one of: too_big, not_docx, macros, external,
    syntax, unknown, unsafe, render, limits, timeout; `detail` says more (untranslated: names, the Jinja message)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class DocumentSandbox(SandboxedEnvironment):
    """Jinja's sandbox without globals and with size-checked *, **, +, %."""

    intercepted_binops = frozenset({"*", "**", "+", "%", "//"})

    def call_binop(self, context, operator, left, right):
        numbers = isinstance(left, int | float) and isinstance(right, int | float)
        if operator == "**" and numbers and abs(left) > 1 and right > 64:
            raise SecurityError("exponent too large")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | bytes | list | tuple) and isinstance(times, int) \
                        and len(seq) * max(times, 0) > MAX_RESULT_SIZE:
                    raise SecurityError("result too large")
        if operator == "%" and isinstance(left, str):
            raise SecurityError("string formatting is not allowed")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, str | bytes | list | tuple) and len(result) > MAX_RESULT_SIZE:
            raise SecurityError("result too large")
        if isinstance(result, int | float) and not isinstance(result, bool) and abs(result) > MAX_NUMBER:
            raise SecurityError("number too large")
        return result


def environment(strict: bool = False) -> SandboxedEnvironment:
    env = DocumentSandbox(autoescape=True, undefined=StrictUndefined if strict else ChainableUndefined)
    env.globals.clear()  # range, lipsum, cycler, joiner, namespace, dict: none is a documented placeholder
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
    check_links(data)


def check_links(data: bytes) -> None:
    """No relationship to an outside file or URL except web and mail hyperlinks (a linked image or
    OLE object would make LibreOffice fetch it when the PDF is made; a file:// or UNC hyperlink
    opens a share), and no field that includes or links one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                lower = name.lower()
                if lower.endswith(".rels"):
                    _check_relationships(ElementTree.fromstring(archive.read(name)))
                elif lower.startswith("word/") and lower.endswith(".xml"):
                    for found in fields(ElementTree.fromstring(archive.read(name))):
                        _check_field(found)
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError) as exc:
        raise TemplateProblem("not_docx", str(exc)) from exc


def _check_relationships(root) -> None:
    for rel in root.iter():
        if rel.get("TargetMode", "").lower() != "external":
            continue
        target = rel.get("Target", "")
        if rel.get("Type") != HYPERLINK or not web_or_mail(target):
            raise TemplateProblem("external", target[:200])


def web_or_mail(target: str) -> bool:
    """A hyperlink target a click may open: http(s) or mailto — nothing on a disk or a share
    (file://, a UNC path, //server/share, C:\\…, a relative path)."""
    return bool(WEB_LINK.match(target.strip()))


@dataclass
class Field:
    instruction: str = ""
    nested: bool = False          # another field sits inside the instruction
    nested_keyword: bool = False  # … and makes (part of) its keyword: unknown until Word computes it


def fields(root) -> list[Field]:
    """Every field of a part as Word reads it: a complex field's w:instrText runs (from its begin to
    its separate fldChar) joined without spaces — the keyword may be split over runs — and each
    w:fldSimple/@w:instr. The XML is parsed, so character references and prefixes hide nothing."""
    found, stack = [], []  # stack: (field, still collecting its instruction) per open complex field
    for el in root.iter():
        if el.tag == W_FLD_CHAR:
            kind = el.get(W_FLD_CHAR_TYPE)
            if kind == "begin":
                if stack and stack[-1][1]:
                    _mark_nested(stack[-1][0])
                stack.append((Field(), True))
            elif kind == "separate" and stack:
                stack[-1] = (stack[-1][0], False)
            elif kind == "end" and stack:
                found.append(stack.pop()[0])
        elif el.tag in W_INSTR_TEXT:
            if stack and stack[-1][1]:
                stack[-1][0].instruction += el.text or ""
            elif not stack:
                found.append(Field(el.text or ""))  # outside any field: judged on its own
        elif el.tag == W_FLD_SIMPLE:
            found.append(Field(el.get(W_INSTR) or ""))
    return found + [f for f, _collecting in stack]


def _mark_nested(outer: Field) -> None:
    words = outer.instruction.split()
    outer.nested = True
    if not words or (len(words) == 1 and not outer.instruction[-1:].isspace()):
        outer.nested_keyword = True


def _check_field(found: Field) -> None:
    text = found.instruction.upper()
    if found.nested_keyword:
        raise TemplateProblem("external", f"{found.instruction.strip()[:100]}{{…}}")
    match = EXTERNAL_FIELDS.search(text)
    if match:
        raise TemplateProblem("external", match.group(1))
    if text.split()[:1] == ["HYPERLINK"] and not re.search(r"\\[lL]\b", found.instruction):
        link = HYPERLINK_TARGET.match(found.instruction)
        target = (link.group(1) if link.group(1) is not None else link.group(2)) if link else ""
        if found.nested or not web_or_mail(target):
            raise TemplateProblem("external", f"HYPERLINK {target[:200]}")


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
        rendered = render(data, sample, strict=True)
    except SecurityError as exc:
        raise TemplateProblem("unsafe", str(exc)[:300]) from exc
    except UndefinedError as exc:
        found = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", exc.message or "")
        raise TemplateProblem("unknown", next(g for g in found.groups() if g) if found else str(exc)) from exc
    except TemplateSyntaxError as exc:
        raise TemplateProblem("syntax", exc.message or str(exc)) from exc
    except MemoryError as exc:
        raise TemplateProblem("limits") from exc
    except Exception as exc:
        raise TemplateProblem("render", str(exc)[:300]) from exc
    check_links(rendered)  # what the placeholders produced must not link outside either
