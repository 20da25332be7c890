"""Safe reading of uploaded BPMN XML: size limit, no DOCTYPE/entities, no network."""

from __future__ import annotations

import re

from lxml import etree

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)


class UnsafeXml(Exception):
    def __init__(self, code: str, message: str, line: int | None = None):
        super().__init__(message)
        self.code = code
        self.line = line


def parse(data: bytes, max_bytes: int) -> etree._ElementTree:
    """Parse untrusted XML or raise UnsafeXml with a code the caller can translate."""
    if not data or not data.strip():
        raise UnsafeXml("empty", "the file is empty")
    if len(data) > max_bytes:
        raise UnsafeXml("too_large", f"the file is {len(data)} bytes; the limit is {max_bytes}")
    for pattern in (_DOCTYPE, _ENTITY):
        match = pattern.search(data)
        if match:
            line = data.count(b"\n", 0, match.start()) + 1
            raise UnsafeXml("doctype", "DOCTYPE and ENTITY declarations are not allowed", line)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=False)
    try:
        return etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        raise UnsafeXml("syntax", exc.msg or str(exc), exc.lineno) from exc
