"""What kind of file an upload is, judged by its content (magic bytes), never by its name or the
browser's Content-Type: a renamed program is not a PDF.

Kinds: pdf (`%PDF-`), png (its 8-byte signature), jpg (`FF D8 FF`), docx and xlsx (a ZIP whose
`[Content_Types].xml` declares the Word document / Excel workbook main part; the macro-enabled
variants .docm/.xlsm declare another type and are not these kinds).
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

CONTENT_TYPES_PART = "[Content_Types].xml"
MAX_CONTENT_TYPES_BYTES = 1_000_000
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


@dataclass(frozen=True)
class FileKind:
    key: str
    mimetype: str
    extensions: tuple   # accepted name endings; the first is the one a wrong name gets


KINDS = {
    "pdf": FileKind("pdf", "application/pdf", ("pdf",)),
    "docx": FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)),
    "xlsx": FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
    "png": FileKind("png", "image/png", ("png",)),
    "jpg": FileKind("jpg", "image/jpeg", ("jpg", "jpeg")),
}
# The main part each OOXML kind must declare (part name, content type).
_OOXML_MAIN = {
    "docx": ("/word/document.xml",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}


def sniff(data: bytes) -> str | None:
    """The kind key of `data`, or None when it is none of the known kinds."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_kind(data)
    return None


def _ooxml_kind(data: bytes) -> str | None:
    overrides = _content_types(data)
    if overrides is None:
        return None
    for key, (part, content_type) in _OOXML_MAIN.items():
        if overrides.get(part) == content_type:
            return key
    return None


def _content_types(data: bytes) -> dict | None:
    """Part name -> content type of the package's overrides; None when it is no readable package
    (not a ZIP, no or an oversized [Content_Types].xml, a DOCTYPE, broken XML)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            info = package.getinfo(CONTENT_TYPES_PART)
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                return None
            with package.open(info) as part:
                xml = part.read(MAX_CONTENT_TYPES_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, RuntimeError, NotImplementedError,
            ValueError):
        return None
    if len(xml) > MAX_CONTENT_TYPES_BYTES or re.search(rb"<!(DOCTYPE|ENTITY)", xml, re.IGNORECASE):
        return None
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return None
    return {(o.get("PartName") or "").lower(): (o.get("ContentType") or "").strip()
            for o in root.iter(f"{_CT_NS}Override")}


def with_extension(name: str, kind: str) -> str:
    """`name` ending in one of the kind's extensions (the stored name never misleads the reader)."""
    extensions = KINDS[kind].extensions
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix.lower() in extensions:
        return name
    return f"{stem if dot and stem else name}.{extensions[0]}"
