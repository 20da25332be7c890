"""PDF from Word: LibreOffice (soffice --headless) converts a .docx into a PDF.

One conversion at a time per process, each in a fresh temporary profile directory, so a stuck or
crashed LibreOffice never blocks the next one; a timeout bounds every conversion.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

_LOCK = threading.Lock()


class PdfUnavailable(Exception):
    """No LibreOffice on this machine, or the conversion failed: the message says which."""


def soffice_binary(configured: str | None = None) -> str | None:
    for candidate in (configured, os.environ.get("STRATFLOW_SOFFICE"), "soffice", "libreoffice"):
        if candidate and (path := shutil.which(candidate)):
            return path
    return None


def docx_to_pdf(docx: bytes, timeout: float = 90, binary: str | None = None) -> bytes:
    soffice = soffice_binary(binary)
    if soffice is None:
        raise PdfUnavailable("LibreOffice (soffice) is not installed")
    with _LOCK, tempfile.TemporaryDirectory(prefix="stratflow-pdf-") as tmp:
        work = Path(tmp)
        source = work / "document.docx"
        source.write_bytes(docx)
        try:
            subprocess.run(
                [soffice, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(work), str(source)],
                check=True, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable(f"LibreOffice did not finish within {timeout:.0f} s") from exc
        except (subprocess.CalledProcessError, OSError) as exc:
            raise PdfUnavailable(f"LibreOffice failed: {exc}") from exc
        target = work / "document.pdf"
        if not target.exists():
            raise PdfUnavailable("LibreOffice produced no PDF")
        return target.read_bytes()
