"""File names from uploads: what a browser sends is anything (a path, line breaks, a NUL)."""

from __future__ import annotations

import unicodedata

from ..parsing import strip_controls

MAX_LENGTH = 255


def clean_filename(name, default: str) -> str:
    """The last part of `name` (either slash), without control or format characters, white space
    collapsed, at most 255 characters; `default` when nothing is left. Safe in a
    Content-Disposition header and as a name in the database."""
    text = strip_controls("" if name is None else str(name))
    text = "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c) != "Cf")
    text = " ".join(text.replace("\\", "/").rsplit("/", 1)[-1].split())
    if text in ("", ".", ".."):
        return default
    if len(text) > MAX_LENGTH:
        stem, dot, suffix = text.rpartition(".")
        text = (stem[:MAX_LENGTH - len(suffix) - 1] + dot + suffix) if dot and len(suffix) < 16 else text[:MAX_LENGTH]
    return text
