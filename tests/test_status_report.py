"""The printable status report: DOCX with the right figures, PDF through LibreOffice rendered to
PNG pages (kept under test-artifacts/), and a clear message when LibreOffice is missing."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from docx import Document

from .conftest import signed_in
from .test_overview import LOAD_DAY

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LATE_DAY = datetime(2024, 5, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def late_demo(ctx, definition):
    from stratflow.extensions import db
    from stratflow.services import demo
    with time_machine.travel(LOAD_DAY, tick=False):
        town = demo.load()
        db.session.commit()
    with time_machine.travel(LATE_DAY, tick=False):
        yield town


def document_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    parts.extend(p.text for p in doc.sections[0].header.paragraphs)
    return "\n".join(parts)


def test_docx_holds_the_figures(late_demo, client):
    b = signed_in(client, "sgm@camlitepe.bel.tr")
    response = b.get(f"/municipalities/{late_demo.id}/overview/report.docx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    text = document_text(response.data)
    doc = Document(io.BytesIO(response.data))
    assert round(doc.sections[0].page_width.cm, 1) == 21.0 and round(doc.sections[0].page_height.cm, 1) == 29.7
    for expected in ("Çamlıtepe Belediyesi", "Stratejik Plan Durum Raporu", "Rapor tarihi: 20 Mayıs 2024",
                     "30 Eylül 2024 — 133 gün kaldı", "3 Eylül 2024", "4 Haziran 2024", "YÜKSEK",
                     "Kurul ve ekip", "%52", "Fen İşleri Müdürlüğü", "İsmail Şahin",
                     "Süresi geçmiş görevler var: risk bir kademe yükseltildi."):
        assert expected in text, expected
    assert text.count("Stratejik Planlama Ekibine üye bildir") == 11  # every overdue nomination, once


def non_white_share(ppm: bytes) -> float:
    """Share of non-white pixels in a binary PPM (P6) image."""
    header, rest = ppm.split(b"\n", 3)[:3], ppm.split(b"\n", 3)[3]
    assert header[0] == b"P6"
    pixels = [rest[i:i + 3] for i in range(0, len(rest), 3)]
    return sum(1 for p in pixels if p != b"\xff\xff\xff") / len(pixels)


def test_pdf_renders_to_pages(late_demo, client, tmp_path):
    b = signed_in(client, "baskan@camlitepe.bel.tr")
    response = b.get(f"/municipalities/{late_demo.id}/overview/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.data)
    subprocess.run(["pdftoppm", "-r", "30", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.ppm"))
    assert pages
    assert all(0.005 < non_white_share(p.read_bytes()) < 0.9 for p in pages)
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(ARTIFACTS / "status-report")], check=True)
    assert list(ARTIFACTS.glob("status-report*.png"))


def test_pdf_without_libreoffice_explains_in_turkish(late_demo, client, monkeypatch):
    monkeypatch.setenv("STRATFLOW_SOFFICE", "")
    monkeypatch.setattr("stratflow.pdf.shutil.which", lambda name: None)
    b = signed_in(client, "sgm@camlitepe.bel.tr")
    response = b.get(f"/municipalities/{late_demo.id}/overview/report.pdf")
    assert response.status_code == 302
    page = b.get(response.headers["Location"]).get_data(as_text=True)
    assert "PDF oluşturulamadı" in page and "LibreOffice" in page
