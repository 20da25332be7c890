"""Official documents generated from the process data: contents, versions, PDF pages."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest

from stratflow.documents import KINDS, default_template, sample_context
from stratflow.documents.render import check_template
from stratflow.documents.typography import dative, long_date, money, upper
from stratflow.documents.variables import PLACEHOLDERS, leaf_paths, top_level
from stratflow.extensions import db
from stratflow.models import (
    AuditEvent,
    DocumentVersion,
    Municipality,
    ProcessInstance,
    RoleAssignment,
    SpendingUnit,
    TaskRecord,
    User,
)
from stratflow.services import document_jobs, documents, instances, tasks
from tests.helpers import complete, render_documents

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def _open(instance_id, bpmn_id):
    return list(db.session.execute(db.select(TaskRecord).filter_by(
        instance_id=instance_id, bpmn_id=bpmn_id, state="open")).scalars())


def _versions(instance_id, kind):
    render_documents()
    return list(db.session.execute(db.select(DocumentVersion).filter_by(instance_id=instance_id, kind=kind)
                                   .order_by(DocumentVersion.version)).scalars())


def _text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [" | ".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(parts)


def _table_rows(content: bytes, header: str) -> list[list[str]]:
    for table in docx.Document(io.BytesIO(content)).tables:
        if table.rows[0].cells[0].text == "No" and header in [c.text for c in table.rows[0].cells]:
            return [[c.text for c in row.cells] for row in table.rows[1:]]
    raise AssertionError(f"no table with {header}")


def _instance():
    return db.session.execute(db.select(ProcessInstance)).scalars().first()


def test_turkish_typography():
    assert long_date("2024-09-30") == "30 Eylül 2024"
    assert long_date(date(2024, 2, 1)) == "1 Şubat 2024"
    assert upper("çamlıtepe belediyesi istanbul") == "ÇAMLITEPE BELEDİYESİ İSTANBUL"
    assert dative("Strateji Geliştirme Müdürlüğü") == "Strateji Geliştirme Müdürlüğüne"
    assert dative("Mali Hizmetler Müdürlüğü") == "Mali Hizmetler Müdürlüğüne"
    assert money(1250000) == "1.250.000 TL" and money(12.5) == "12,50 TL"


@pytest.mark.parametrize("kind", [k.key for k in KINDS])
def test_placeholders_documented_and_default_templates_valid(kind):
    documented = {path for path, _ in PLACEHOLDERS[kind]}
    assert leaf_paths(sample_context(kind)) == documented
    check_template(default_template(kind), top_level(kind), sample_context(kind), 5_000_000)


def test_default_templates_match_their_builder():
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "tools/build_document_templates.py", "--check"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_demo_has_circular_and_board_approval(demo):
    instance = _instance()
    circular = _versions(instance.id, "circular")[-1]
    text = _text(circular.docx)
    deadline = long_date(date(demo.election_date.year + (demo.election_date.month + 6 > 12),
                              (demo.election_date.month + 5) % 12 + 1, 1))
    assert text.startswith("T.C.\nÇAMLITEPE BELEDİYESİ\nStrateji Geliştirme Müdürlüğü")
    assert "Sayı\t:" in text and "Konu\t: Stratejik Plan Hazırlık Çalışmaları" in text
    assert deadline.split(" ", 1)[1] in text  # "<month> <year>" of the legal deadline
    nomination = long_date(demo.mazbata_date.toordinal() and demo.mazbata_date.fromordinal(
        demo.mazbata_date.toordinal() + 30))
    assert f"en geç {nomination} tarihine kadar Strateji Geliştirme Müdürlüğüne bildirecektir" in text
    assert "Başkan Yardımcıları ile Başkanın uygun göreceği" in text
    assert "Levent Erdem" in text and "Belediye Başkanı" in text
    assert all(u.name in text for u in demo.units)  # distribution list
    assert "{{" not in text and "{%" not in text

    board = _versions(instance.id, "board_approval")[-1]
    rows = _table_rows(board.docx, "Kurul görevi")
    assert [r[1] for r in rows] == ["Levent Erdem", "Nermin Aksoy", "Kemal Özdemir", "Zeynep Çelik", "Mehmet Kaya"]
    assert rows[0][4] == "Kurul Başkanı" and rows[1][2] == "Başkan Yardımcısı"
    assert "BAŞKANLIK MAKAMINA" in _text(board.docx) and "OLUR" in _text(board.docx)
    assert not _versions(instance.id, "team_list")  # nominations still running


def _metropolis():
    town = Municipality(name="Kıyıkent Büyükşehir Belediyesi", province="Kıyıkent", type="buyuksehir",
                        population=1_200_000, election_date=date(2024, 3, 31), mazbata_date=date(2024, 4, 5))
    db.session.add(town)
    for name in ("Strateji Geliştirme Dairesi Başkanlığı", "Fen İşleri Dairesi Başkanlığı"):
        db.session.add(SpendingUnit(municipality=town, name=name))
    mayor = User(email="baskan@kiyikent.bel.tr", full_name="İclal Işık", title="Büyükşehir Belediye Başkanı")
    mayor.roles.append(RoleAssignment(role="mayor", municipality=town))
    mayor.roles.append(RoleAssignment(role="coordinator", municipality=town))  # one person does every step here
    db.session.add(mayor)
    db.session.flush()
    return town, mayor


def test_metropolitan_board_has_secretary_general(definition):
    town, mayor = _metropolis()
    instance = instances.start_instance(town, mayor)
    tasks.complete(_open(instance.id, "circular_draft")[0].id, mayor, {
        "nomination_deadline": "2024-05-06", "coordinating_unit": "Strateji Geliştirme Müdürlüğü", "timetable": ""})
    tasks.complete(_open(instance.id, "circular_approval")[0].id, mayor, {"circular_decision": "approve"})
    tasks.complete(_open(instance.id, "board_composition_metro")[0].id, mayor, {
        "secretary_general": "Ilgaz Çınar",
        "deputy_secretaries_general": [{"full_name": "Şule Ünal", "title": "Genel Sekreter Yardımcısı"},
                                       {"full_name": "Ömer İnce", "title": "Genel Sekreter Yardımcısı"}],
        "other_members": []})
    db.session.commit()
    circular = _text(_versions(instance.id, "circular")[-1].docx)
    assert "KIYIKENT BÜYÜKŞEHİR BELEDİYESİ" in circular
    assert "Genel Sekreter ve Genel Sekreter Yardımcıları ile Başkanın" in circular
    assert "30 Eylül 2024" in circular  # 31 March 2024 + 6 months
    assert "6 Mayıs 2024" in circular
    rows = _table_rows(_versions(instance.id, "board_approval")[-1].docx, "Kurul görevi")
    assert [(r[1], r[2]) for r in rows] == [("İclal Işık", "Büyükşehir Belediye Başkanı"),
                                           ("Ilgaz Çınar", "Genel Sekreter"),
                                           ("Şule Ünal", "Genel Sekreter Yardımcısı"),
                                           ("Ömer İnce", "Genel Sekreter Yardımcısı")]


def _finish_nominations(instance, actor):
    for record in _open(instance.id, "team_nomination"):
        unit = record.unit
        complete(record, {"members": [{
            "full_name": f"Üye {unit.code}", "title": "Uzman", "email": f"{unit.code}@uye.example",
            "phone": f"0266 000 {unit.id:02d}"}]})
    db.session.commit()


def test_team_list_word_and_excel(demo):
    instance = _instance()
    coordinator = db.session.execute(db.select(User).filter_by(email="sgm@camlitepe.bel.tr")).scalar_one()
    _finish_nominations(instance, coordinator)
    assert _open(instance.id, "team_list")
    version = _versions(instance.id, "team_list")[-1]
    assert version.has_xlsx
    rows = _table_rows(version.docx, "Telefon")
    names = [r[1] for r in rows]
    assert "Deniz Acar" in names and "Üye fen" in names and len(rows) == len(demo.units)
    deniz = next(r for r in rows if r[1] == "Deniz Acar")
    assert deniz[3] == "Bilgi İşlem Müdürlüğü" and deniz[6] == "0266 555 10 20"
    book = openpyxl.load_workbook(io.BytesIO(version.xlsx))
    sheet = book["Ekip"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[:2] == ["No", "Adı Soyadı"])
    members = [row for row in values[header + 1:] if row[1]]
    assert len(members) == len(demo.units)
    assert next(r for r in members if r[1] == "Deniz Acar")[1:4] == \
        ["Deniz Acar", "Bilgisayar Mühendisi", "Bilgi İşlem Müdürlüğü"]
    assert values[2][:2] == ["Ekip lideri", "—"] and values[3][:2] == ["Ekip koordinatörü", "Zeynep Çelik"]


def test_new_version_only_when_inputs_change(demo):
    instance = _instance()
    before = len(_versions(instance.id, "circular"))
    data = document_jobs.source_data(instance)
    assert document_jobs.refresh(instance, None, data) == []  # same inputs: nothing new
    data["nomination_deadline"] = "2030-01-15"
    made = document_jobs.refresh(instance, None, data)
    assert [v.kind for v in made] == ["circular"]
    db.session.commit()
    versions = _versions(instance.id, "circular")
    assert len(versions) == before + 1 and "15 Ocak 2030" in _text(versions[-1].docx)
    assert "15 Ocak 2030" not in _text(versions[-2].docx)  # the old version is kept as it was
    listed = documents.for_instance(instance)
    assert [v.version for v in listed[0]["versions"]] == list(range(before + 1, 0, -1))


def test_failed_generation_never_fails_the_transition(demo, monkeypatch):
    instance = _instance()

    def broken(*_args, **_kwargs):
        raise RuntimeError("template exploded")
    monkeypatch.setattr(document_jobs, "render", broken)
    monkeypatch.setattr(document_jobs, "_default_hash", lambda kind: "changed")  # every kind is due again
    record = _open(instance.id, "team_nomination")[0]
    before = db.session.execute(db.select(db.func.count(DocumentVersion.id))).scalar()
    complete(record, {"members": [{"full_name": "Ali Veli", "title": "Uzman",
                                   "email": "ali@example.org", "phone": "0266 555 00 00"}]})
    db.session.commit()
    assert db.session.get(TaskRecord, record.id).state == "completed"
    assert render_documents()["documents_made"] == 0  # the scheduler's rendering fails, the step stays done
    assert db.session.execute(db.select(db.func.count(DocumentVersion.id))).scalar() == before
    failed = db.session.execute(db.select(AuditEvent).filter_by(action="document.failed",
                                                                instance_id=instance.id)).scalars().all()
    assert {f.details["kind"] for f in failed} == {"circular", "board_approval"}
    assert "template exploded" in failed[0].details["error"]


def _ink(pgm: bytes) -> float:
    """Share of non-white pixels of a binary PGM page."""
    fields = pgm.split(maxsplit=4)
    width, height, pixels = int(fields[1]), int(fields[2]), fields[4]
    return sum(1 for b in pixels[: width * height] if b < 200) / (width * height)


@pytest.mark.parametrize("kind", ["circular", "board_approval"])
def test_pdf_pages_render(demo, kind, tmp_path):
    instance = _instance()
    version = _versions(instance.id, kind)[-1]
    pdf, made = documents.pdf_bytes(version)
    assert made and pdf.startswith(b"%PDF")
    documents.cache_pdf(version.id, pdf)
    db.session.commit()
    db.session.expire_all()
    assert documents.pdf_bytes(db.session.get(DocumentVersion, version.id)) == (pdf, False)  # cached
    (tmp_path / "doc.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(tmp_path / "doc.pdf"), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.pgm"))
    assert pages
    for page in pages:
        assert 0.003 < _ink(page.read_bytes()) < 0.5  # text on a white page
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(tmp_path / "doc.pdf"), str(ARTIFACTS / f"document-{kind}")],
                   check=True)
    assert list(ARTIFACTS.glob(f"document-{kind}*.png"))
