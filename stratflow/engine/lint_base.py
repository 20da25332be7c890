"""The validation report: findings with level, code, message, element id and line.

Messages are lazy Turkish msgids: they are rendered in the reader's language when shown
(web page, CLI, audit text), not when the check ran. Texts quoted from a library (XML
parser, XSD validator, SpiffWorkflow) stay as the library wrote them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiff": SPIFF_NS}
MAX_PER_CODE = 50  # more findings of one kind only make the report unreadable


@dataclass
class Finding:
    level: str  # "error" or "warning"
    code: str
    message: Any  # str or a lazy translated string
    element_id: str | None = None
    line: int | None = None

    @property
    def text(self) -> str:
        return str(self.message)

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def as_text(self) -> str:
        where = []
        if self.line:
            where.append(_("satır %(line)d", line=self.line))
        if self.element_id:
            where.append(_("öğe %(id)s", id=self.element_id))
        prefix = f"[{', '.join(where)}] " if where else ""
        level = _("HATA") if self.is_error else _("UYARI")
        return f"{level}: {prefix}{self.text}"


@dataclass
class Report:
    filename: str
    findings: list[Finding] = field(default_factory=list)
    process_id: str | None = None
    process_name: str | None = None
    lane_roles: dict = field(default_factory=dict)
    form_refs: dict = field(default_factory=dict)  # element id -> form filename
    parser: Any = None  # the engine's parser once the model parsed cleanly
    _counts: Counter = field(default_factory=Counter, repr=False)
    _dropped: Counter = field(default_factory=Counter, repr=False)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def has(self, code: str) -> bool:
        return any(f.code == code for f in self.findings)

    def add(self, level, code, message, element_id=None, line=None) -> None:
        self._counts[code] += 1
        if self._counts[code] > MAX_PER_CODE:
            self._dropped[(level, code)] += 1
            return
        self.findings.append(Finding(level, code, message, element_id, line))

    def finish(self) -> Report:
        """Say how many findings were left out, and order the rest by line."""
        for (level, code), count in sorted(self._dropped.items()):
            self.findings.append(Finding(level, code, _l(
                "Aynı türden %(n)d bulgu daha var; yalnızca ilk %(shown)d tanesi gösterildi.",
                n=count, shown=MAX_PER_CODE)))
        self._dropped.clear()
        self.findings.sort(key=lambda f: (not f.is_error, f.line is None, f.line or 0))
        return self

    def summary(self) -> str:
        return _("%(file)s: %(errors)d hata, %(warnings)d uyarı",
                 file=self.filename, errors=len(self.errors), warnings=len(self.warnings))

    def as_text(self) -> str:
        lines = [self.summary()]
        if self.ok and self.process_id:
            lines.append(_("Süreç: %(id)s (%(name)s)", id=self.process_id, name=self.process_name))
        return "\n".join(lines + [f.as_text() for f in self.findings])
