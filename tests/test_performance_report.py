"""The performance programme as proposed (issue 15): the consolidated page, the Word draft and the
Excel sheet from the units' answers, checked against hand-computed figures; a unit that has not
answered shows the plan's values and is named as waiting; looked at as a PNG page."""

from __future__ import annotations

import io
import subprocess

import docx
import openpyxl
import pytest

from stratflow.extensions import db
from stratflow.models import TaskRecord
from stratflow.pdf import docx_to_pdf
from stratflow.services import accounts, performance, tasks

from . import factories
from .conftest import ROOT, signed_in
from .plan_helpers import manager_of, town_with_plan

ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def programme(ctx, definition):
    """2026 programme: unit 0 proposed (12.5 with a note, 12; the road 2,500 TL and a pavement
    750.25 TL), unit 1 has not answered (the plan's 12 and 12; the road 2,000 TL)."""
    town, plan, units = town_with_plan()
    plan.status = "completed"
    coordinator = factories.person(town, "coordinator")
    coordinator.password_hash = accounts.hash_password("Demo.2024")
    started = performance.start_program(coordinator, plan, 2026)
    db.session.commit()
    record = db.session.execute(db.select(TaskRecord).filter_by(instance_id=started.id, unit_id=units[0].id)) \
        .scalar_one()
    rows = [dict(r, proposed=12.5 if r["indicator_code"] == "PG1.1.1" else 12,
                 note="Yeni ekip" if r["indicator_code"] == "PG1.1.1" else "") for r in record.draft["rows"]]
    tasks.complete(record.id, manager_of(units[0]), {"rows": rows, "activities": [
        {"name": "Yol yenileme", "cost": 2500, "funding": "Öz kaynak"},
        {"name": "Kaldırım", "cost": 750.25, "funding": "İller Bankası"}]})
    db.session.commit()
    return town, started, units, coordinator


def test_the_page_consolidates_what_the_units_proposed(programme, client):
    town, started, units, coordinator = programme
    browser = signed_in(client, coordinator.email)
    page = browser.get(f"/instances/{started.id}/program").get_data(as_text=True)
    assert "2026 yılı performans programı" in page
    assert f"Önerisi henüz gelmeyen birimler (planın değerleriyle gösterilir): {units[1].name}" in page
    assert page.count('data-test="unit-total"') == 2
    assert ">3.250,25<" in page and ">2.000,00<" in page and "5.250,25 TL" in page  # 2,500 + 750.25; + 2,000
    assert 'data-test="program-link"' in browser.get(f"/instances/{started.id}").get_data(as_text=True)
    book = openpyxl.load_workbook(io.BytesIO(browser.get(f"/instances/{started.id}/program.xlsx").data))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert rows[0][:7] == ["Birim", "Tür", "Kod", "Gösterge / faaliyet", "Plandaki yıl hedefi",
                           "Önerilen performans hedefi", "Fark"]
    first = next(r for r in rows if r[2] == "PG1.1.1" and r[0] == units[0].name)
    assert first[4:7] == [12, 12.5, 0.5] and first[9] == "Yeni ekip"
    waiting = next(r for r in rows if r[2] == "PG2.1.1")
    assert waiting[4:7] == [12, None, None]
    assert sum(r[7] or 0 for r in rows[1:]) == pytest.approx(5250.25)


def test_the_consolidation_task_links_to_it(programme, client):
    town, started, units, coordinator = programme
    other = db.session.execute(db.select(TaskRecord).filter_by(instance_id=started.id, unit_id=units[1].id)) \
        .scalar_one()
    tasks.complete(other.id, manager_of(units[1]), {"rows": [dict(r, proposed=r["plan_value"])
                                                            for r in other.draft["rows"]],
                                                   "activities": other.draft["activities"]})
    db.session.commit()
    consolidation = db.session.execute(db.select(TaskRecord).filter_by(
        instance_id=started.id, bpmn_id="program_consolidation", state="open")).scalar_one()
    page = signed_in(client, coordinator.email).get(f"/tasks/{consolidation.id}").get_data(as_text=True)
    assert f'href="/instances/{started.id}/program"' in page and 'data-test="related-link"' in page


def test_the_word_draft_reads_well(programme, client, tmp_path):
    town, started, units, coordinator = programme
    body = signed_in(client, coordinator.email).get(f"/instances/{started.id}/program.docx").data
    document = docx.Document(io.BytesIO(body))
    text = [p.text for p in document.paragraphs]
    assert "2026 Yılı Performans Programı" in text and f"1. {units[0].name}" in text
    assert f"Önerisi henüz gelmeyen birimler (planın değerleriyle gösterildi): {units[1].name}" in text
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["PG1.1.1", "Gösterge PG1.1.1", "12", "12,5", "0,5", "Yeni ekip"] in cells
    assert ["Birim toplamı", "3.250,25 TL", ""] in cells and ["Toplam", "5.250,25 TL"] in cells
    ARTIFACTS.mkdir(exist_ok=True)
    (tmp_path / "program.pdf").write_bytes(docx_to_pdf(body))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "program.pdf"),
                    str(ARTIFACTS / "performance-program")], check=True)
    assert list(ARTIFACTS.glob("performance-program*.png"))


def test_only_a_programme_and_only_for_its_municipality(programme, client):
    town, started, units, coordinator = programme
    browser = signed_in(client, coordinator.email)
    plan_id = db.session.execute(db.select(TaskRecord.instance_id).where(TaskRecord.instance_id != started.id)) \
        .scalars().first()
    assert browser.get(f"/instances/{plan_id}/program").status_code == 404  # the plan, not a programme
    stranger = factories.person(factories.municipality("Uzak Belediyesi", units=1), "coordinator")
    stranger.password_hash = accounts.hash_password("Demo.2024")
    db.session.commit()
    assert signed_in(app_client(client), stranger.email).get(f"/instances/{started.id}/program.docx").status_code \
        == 404


def app_client(client):
    return client.application.test_client()
