"""Safe reading of uploaded BPMN XML: size limit, UTF-8 only, no DOCTYPE/entities, no network.

An uploaded BPMN file is untrusted until an administrator's upload has been checked. The
parser never loads a DTD, never resolves entities and never touches the network; on top
of that any DOCTYPE or ENTITY declaration is refused outright (XXE, "billion laughs").
Errors carry a code and parameters; `lint` turns them into the user's language.
"""

from __future__ import annotations

import re

from lxml import etree

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")


class UnsafeXml(Exception):
    """Why the bytes are not acceptable XML. `params` fill the translated message."""

    def __init__(self, code: str, message: str, line: int | None = None, **params):
        super().__init__(message)
        self.code = code
        self.line = line
        self.params = params


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=False,
                           remove_pis=True)


def parse(data: bytes, max_bytes: int) -> etree._ElementTree:
    """Parse untrusted XML or raise UnsafeXml with a code the caller can translate."""
    if not data or not data.strip():
        raise UnsafeXml("empty", "the file is empty")
    if len(data) > max_bytes:
        raise UnsafeXml("too_large", f"the file is {len(data)} bytes; the limit is {max_bytes}",
                        size=len(data), limit=max_bytes)
    _require_utf8(data)
    match = _DECLARATION.search(data)
    if match:
        line = data.count(b"\n", 0, match.start()) + 1
        raise UnsafeXml("doctype", "DOCTYPE and ENTITY declarations are not allowed", line,
                        keyword=match.group(1).decode().upper())
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml("syntax", exc.msg or str(exc), exc.lineno, error=exc.msg or str(exc)) from exc
    tree = root.getroottree()
    # Belt and braces: the byte scan above already refused these.
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeXml("doctype", "DOCTYPE declarations are not allowed", 1, keyword="DOCTYPE")
    return tree


def _require_utf8(data: bytes) -> None:
    if data.startswith(_BOMS):
        raise UnsafeXml("encoding", "the file is not UTF-8 encoded", 1)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UnsafeXml("encoding", "the file is not UTF-8 encoded", line) from exc
