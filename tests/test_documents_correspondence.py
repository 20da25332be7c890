"""Official correspondence conventions in the generated documents (Resmî Yazışma Yönetmeliği
practice): numeric date line, numbered genelge, the mayor's proposal to the council, the council
decision (header, vote, clerks; nothing about lateness) and the cover letters that send it on."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import docx
import pytest

from stratflow.documents import BY_KEY, build, default_template, kinds
from stratflow.documents.render import render
from stratflow.documents.samples import sample_facts
from stratflow.extensions import db
from stratflow.models import DocumentVersion, ProcessInstance
from stratflow.pdf import soffice_binary

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
LETTERS = ("circular", "submission_letter", "governor_letter", "authorities_letter")
NUMERIC_DATE = re.compile(r"^\d{2}\.\d{2}\.\d{4}$")


def _facts(data: dict | None = None, municipality: dict | None = None, drop=()) -> dict:
    facts = sample_facts()
    facts["data"] = {k: v for k, v in {**facts["data"], **(data or {})}.items() if k not in drop}
    facts["municipality"] = {**facts["municipality"], **(municipality or {})}
    return facts


def _doc(kind: str, facts: dict | None = None) -> docx.Document:
    content = render(default_template(kind), build(kind, facts or _facts()), strict=True)
    return docx.Document(io.BytesIO(content))


def _paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def _all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def _after(paragraphs: list[str], text: str) -> str:
    return paragraphs[paragraphs.index(text) + 1]


@pytest.mark.parametrize("kind", LETTERS)
def test_letters_have_a_numeric_date_line(kind):
    head = _doc(kind).tables[0]
    assert head.rows[0].cells[0].text.startswith("Sayı\t: E-")
    assert NUMERIC_DATE.match(head.rows[0].cells[1].text), head.rows[0].cells[1].text
    assert head.rows[1].cells[0].text.startswith("Konu\t: ")


def test_date_line_is_the_day_made_or_the_submission_day():
    assert _doc("circular").tables[0].rows[0].cells[1].text == "08.04.2024"  # sample "today"
    assert _doc("governor_letter").tables[0].rows[0].cells[1].text == "08.04.2024"
    assert _doc("submission_letter").tables[0].rows[0].cells[1].text == "20.08.2024"  # submission_date
    undated = _doc("submission_letter", _facts(drop=("submission_date",)))
    assert undated.tables[0].rows[0].cells[1].text == "08.04.2024"


def test_genelge_heading_with_its_number():
    paragraphs = _paragraphs(_doc("circular", _facts({"circular_number": "2024/7"})))
    assert _after(paragraphs, "GENELGE") == "2024/7"
    assert "STRATEJİK PLAN GENELGESİ" not in paragraphs
    assert paragraphs.index("GENELGE") < next(i for i, p in enumerate(paragraphs) if p.startswith("5393 sayılı"))


@pytest.mark.parametrize("given", [None, "", "   "])
def test_genelge_number_placeholder_when_not_entered(given):
    facts = _facts({"circular_number": given})
    assert _after(_paragraphs(_doc("circular", facts)), "GENELGE") == "2024/……"  # filled in Word


def test_submission_is_the_mayors_proposal_to_the_council():
    document = _doc("submission_letter")
    paragraphs = _paragraphs(document)
    text = " ".join(paragraphs)
    assert "BELEDİYE MECLİSİ BAŞKANLIĞINA" in paragraphs
    assert "5393 sayılı Belediye Kanununun 41 inci maddesi gereğince" in text
    assert "18 inci maddesinin (a) bendi ve 41 inci maddesi gereğince Meclisimizce görüşülüp karara bağlanması " \
           "hususunu arz ederim." in text
    assert "Encümence incelenerek" in text
    assert paragraphs[-1] == "Ek: 2025–2029 Dönemi Stratejik Planı (1 adet)"
    assert len(document.tables) == 2  # the Sayı/Konu head and the signature: no fact tables
    for internal in ("Yasal son tarih", "Hedef Meclis", "Plan belgesi", "EBYS 123", "30 Eylül 2024"):
        assert internal not in _all_text(document)


def test_metropolitan_proposal_names_5216():
    text = _all_text(_doc("submission_letter", _facts(municipality={"type": "buyuksehir"})))
    assert "5216 sayılı Büyükşehir Belediyesi Kanunu ve 5393 sayılı Belediye Kanununun 41 inci maddesi" in text


def _grid(document) -> dict:
    table = document.tables[0]
    found = {}
    for row in table.rows:
        cells = [c.text for c in row.cells]
        for label, value in zip(cells[::2], cells[1::2], strict=True):
            found[label] = value.removeprefix(": ")
    return found


def test_council_decision_header_fields():
    document = _doc("council_decision", _facts({"meeting_kind": "extraordinary"}))
    paragraphs = _paragraphs(document)
    assert paragraphs[:4] == ["T.C.", "ÖRNEK BELEDİYESİ", "BELEDİYE MECLİSİ", "MECLİS KARARI"]
    assert _grid(document) == {"Dönemi": "2024 Eylül", "Karar tarihi": "03.09.2024", "Toplantı no": "9 (olağanüstü)",
                               "Karar sayısı": "2024/85", "Birleşim no": "1", "Oturum no": "1"}
    assert "Özü\t: 2025–2029 Dönemi Stratejik Planı" in paragraphs
    assert not any(p.startswith("Sayı") for p in paragraphs)


def test_council_decision_missing_numbers_show_dashes():
    facts = _facts(drop=("council_term", "council_meeting_no", "council_sitting_no", "council_session_no"))
    grid = _grid(_doc("council_decision", facts))
    assert grid["Dönemi"] == grid["Toplantı no"] == grid["Birleşim no"] == grid["Oturum no"] == "—"


@pytest.mark.parametrize(("vote", "wording"), [("unanimous", "oybirliği ile karar verildi."),
                                               ("majority", "oyçokluğu ile karar verildi.")])
def test_council_decision_vote_and_text(vote, wording):
    text = " ".join(_paragraphs(_doc("council_decision", _facts({"council_vote": vote})))).replace("\n", " ")
    assert "Belediye Başkanlığının 20.08.2024 tarihli teklifi ile Meclisimize sunulan Belediyemiz 2025–2029 Dönemi " \
           "Stratejik Planı, Belediye Encümeninin 22.08.2024 tarihli ve 2024/310 sayılı görüşü ve Plan ve Bütçe " \
           "Komisyonu raporu ile birlikte görüşüldü." in text
    assert "Stratejik Planının 5393 sayılı Belediye Kanununun 18 inci maddesinin (a) bendi ile 41 inci maddesi " \
           f"gereğince kabulüne {wording}" in text
    assert "Değişiklikler" not in text and "ısrar" not in text


def test_council_decision_amended_and_insisted():
    changes = "1) H1.1 hedefinin 2027 değeri 25 km oldu.\n2) H2.3 hedefine gösterge eklendi."
    paragraphs = _paragraphs(_doc("council_decision", _facts({"council_outcome": "adopted_amended",
                                                               "amendments": changes})))
    amended = " ".join(paragraphs)
    assert "Stratejik Planının aşağıdaki değişikliklerle 5393 sayılı" in amended
    assert _after(paragraphs, "Değişiklikler:") == changes  # line by line, in a paragraph of their own
    insisted = " ".join(_paragraphs(_doc("council_decision", _facts({"council_outcome": "insisted",
                                                                      "council_vote": "majority"}))))
    assert "Belediye Başkanınca 5393 sayılı Belediye Kanununun 23 üncü maddesi gereğince yeniden görüşülmek üzere " \
           "Meclisimize iade edilen, Belediyemiz 2025–2029 Dönemi Stratejik Planına ilişkin Meclis kararı yeniden " \
           "görüşüldü." in insisted
    assert "kararda ısrar edilmesine ve Belediyemiz 2025–2029 Dönemi Stratejik Planının" in insisted
    assert "üye tam sayısının salt çoğunluğu sağlanarak, oyçokluğu ile karar verildi." in insisted
    assert "Değişiklikler" not in insisted


def test_council_decision_signed_by_the_chair_and_two_clerks():
    signatures = _doc("council_decision").tables[-1]
    assert [c.text for c in signatures.rows[0].cells] == ["Levent Erdem", "Selin Aydın", "Murat Koç"]
    assert [c.text for c in signatures.rows[1].cells] == ["Meclis Başkanı", "Kâtip Üye", "Kâtip Üye"]
    unnamed = _doc("council_decision", _facts({"council_chair": ""}, drop=("council_clerk_1", "council_clerk_2")))
    assert [c.text for c in unnamed.tables[-1].rows[0].cells] == ["Levent Erdem", "……………………", "……………………"]


@pytest.mark.parametrize("outcome", ["adopted", "adopted_amended", "insisted"])
def test_council_decision_says_nothing_about_lateness(outcome):
    facts = _facts({"council_outcome": outcome, "adopted_late": True, "council_decision_date": "2024-10-08",
                    "finalised_on": "2024-10-14", "governor_due_date": "2024-10-21"})
    text = _all_text(_doc("council_decision", facts)).lower()
    for word in ("late", "gecikme", "geç ", "süresinde", "süre", "son tarih", "son gün", "30 eylül", "30.09.2024",
                 "mülki idare", "21.10.2024"):
        assert word not in text, word


def test_governor_letter():
    district = _doc("governor_letter", _facts({"governor_authority": None},
                                              {"name": "Çamlıtepe Belediyesi", "type": "ilce"}))
    paragraphs = _paragraphs(district)
    text = " ".join(paragraphs)
    assert paragraphs[2] == "Yazı İşleri Müdürlüğü"
    assert "ÇAMLITEPE KAYMAKAMLIĞINA" in paragraphs
    assert "İlgi\t: Belediye Meclisinin 03.09.2024 tarihli ve 2024/85 sayılı kararı." in paragraphs
    assert "Belediye Meclisinin ilgi kararı ile kabul edilmiş ve karar 09.09.2024 tarihinde kesinleşmiştir." in text
    assert "Kesinleşen kararın onaylı örneği ile Stratejik Plan, 5393 sayılı Belediye Kanununun 23 üncü maddesi " \
           "gereğince ekte gönderilmektedir." in text
    assert "Bilgilerinize arz ederim." in paragraphs
    assert "1- Meclis kararının onaylı örneği (1 adet)" in paragraphs
    metro = _paragraphs(_doc("governor_letter", _facts({"governor_authority": None, "finalised_on": None},
                                                       {"type": "buyuksehir", "province": "İzmir"})))
    assert "İZMİR VALİLİĞİNE" in metro
    assert "5216 sayılı Büyükşehir Belediyesi Kanununun 14 üncü maddesi" in " ".join(metro)
    assert "kabul edilmiş ve karar kesinleşmiştir." in " ".join(metro)
    chosen = _paragraphs(_doc("governor_letter", _facts({"governor_authority": "valilik"})))
    assert "BALIKESİR VALİLİĞİNE" in chosen
    belde = _paragraphs(_doc("governor_letter", _facts({"governor_authority": None}, {"type": "belde"})))
    assert "…………………… KAYMAKAMLIĞINA" in belde
    insisted = " ".join(_paragraphs(_doc("governor_letter", _facts({"council_outcome": "insisted"}))))
    assert "Belediye Meclisinin ilgi ısrar kararı ile kabul edilmiş" in insisted


def test_authorities_letter():
    default = _doc("authorities_letter", _facts(drop=("authorities",)))
    paragraphs = _paragraphs(default)
    assert "DAĞITIM YERLERİNE" in paragraphs
    assert paragraphs[paragraphs.index("Gereği:") + 1:] == [
        "Cumhurbaşkanlığı Strateji ve Bütçe Başkanlığı", "Çevre, Şehircilik ve İklim Değişikliği Bakanlığı",
        "Sayıştay Başkanlığı"]
    text = " ".join(paragraphs)
    assert "Kamu İdarelerinde Stratejik Planlamaya İlişkin Usul ve Esaslar Hakkında Yönetmelik" in text
    assert "(https://www.ornek.bel.tr/stratejik-plan) kamuoyuna duyurulmuştur." in text
    assert "İlgi\t: Belediye Meclisinin 03.09.2024 tarihli ve 2024/85 sayılı kararı." in paragraphs
    single = _paragraphs(_doc("authorities_letter", _facts({"authorities": [{"authority": "Sayıştay Başkanlığı"}],
                                                            "website_url": ""})))
    assert "SAYIŞTAY BAŞKANLIĞINA" in single
    assert "Dağıtım:" not in single and "Gereği:" not in single
    assert not any("internet sitesinde" in p for p in single)


@pytest.mark.parametrize(("outcome", "made"), [
    ("adopted", True), ("adopted_amended", True), ("insisted", True),
    ("referred", False), ("rejected", False), ("returned", False), (None, False)])
def test_decision_and_cover_letters_due_only_once_adopted(outcome, made):
    due = {k.key for k in kinds.due({"council_outcome": outcome, "plan_document": "x"})}
    assert {"council_decision", "governor_letter", "authorities_letter"} <= due if made else \
        not due & {"council_decision", "governor_letter", "authorities_letter"}
    assert "submission_letter" in due


def test_cover_letter_kinds():
    governor, authorities = BY_KEY["governor_letter"], BY_KEY["authorities_letter"]
    assert governor.shown_on == ("governor_submission",) and authorities.shown_on == ("plan_publication",)
    assert governor.filename == "mulki-idare-amirine-ust-yazi" and authorities.filename == "kurumlara-ust-yazi"
    assert BY_KEY["council_decision"].filename == "meclis-karari"
    assert BY_KEY["submission_letter"].filename == "baskanlik-teklifi"


def test_rendered_through_the_scheduler_for_the_demo(demo):
    """The service path (facts from the database) makes the three documents once the plan is adopted."""
    from stratflow.services import document_jobs

    instance = db.session.execute(db.select(ProcessInstance)).scalars().first()
    data = {**document_jobs.gather(instance), "plan_document": "EBYS 9", "submission_date": "2024-08-20",
            "council_outcome": "adopted_amended", "council_decision_number": "2024/91",
            "council_decision_date": "2024-09-03", "council_vote": "majority", "council_term": "2024 Eylül",
            "council_meeting_no": "9", "council_sitting_no": "2", "council_clerk_1": "Selin Aydın",
            "council_clerk_2": "Murat Koç", "amendments": "Ek gösterge.", "finalised_on": "2024-09-09",
            "adopted_late": True}
    made = {v.kind: v for v in document_jobs.refresh(instance, None, data)}
    assert {"council_decision", "governor_letter", "authorities_letter"} <= set(made)
    decision = docx.Document(io.BytesIO(made["council_decision"].docx))
    assert _grid(decision)["Karar sayısı"] == "2024/91"
    assert "oyçokluğu ile karar verildi." in _all_text(decision)
    assert "ÇAMLITEPE KAYMAKAMLIĞINA" in _all_text(docx.Document(io.BytesIO(made["governor_letter"].docx)))
    assert db.session.execute(db.select(DocumentVersion).filter_by(instance_id=instance.id, kind="authorities_letter")
                              ).scalar_one()


def _ink(pgm: bytes) -> float:
    fields = pgm.split(maxsplit=4)
    width, height, pixels = int(fields[1]), int(fields[2]), fields[4]
    return sum(1 for b in pixels[: width * height] if b < 200) / (width * height)


@pytest.mark.skipif(soffice_binary() is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("kind", ["submission_letter", "council_decision", "governor_letter", "authorities_letter"])
def test_one_page_each_as_pdf(kind, tmp_path):
    source = tmp_path / f"{kind}.docx"
    source.write_bytes(render(default_template(kind), build(kind, _facts())))
    subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True,
                   timeout=120)
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(tmp_path / f"{kind}.pdf"), str(tmp_path / "page")],
                   check=True)
    pages = sorted(tmp_path.glob("page*.pgm"))
    assert len(pages) == 1  # a letter or a decision fits on one page
    assert 0.003 < _ink(pages[0].read_bytes()) < 0.5
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / f"{kind}.pdf"), str(ARTIFACTS / f"document-{kind}")],
                   check=True)


def _template(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["council_decision", "governor_letter", "authorities_letter"])
def test_uploaded_templates_of_the_new_kinds_are_checked(kind):
    """The default template passes the upload check as uploads run it (a child process); the
    placeholders allowed for the kind are then checked with the same function in this process
    (test_documents_security.py covers the child process's limits)."""
    from stratflow.documents import sample_context
    from stratflow.documents.isolation import check_template_isolated
    from stratflow.documents.render import TemplateProblem, check_template
    from stratflow.documents.variables import top_level

    allowed, sample = top_level(kind), sample_context(kind)
    check_template_isolated(default_template(kind), allowed, sample, 5_000_000)
    check_template(_template("{{ decision.number }}",
                             "{{ decision.date }} {{ municipality.name_upper }}"), allowed, sample, 5_000_000)
    for removed in ("{{ decision.late }}", "{{ decision.governor_due_date }}", "{{ clerk.full_name }}"):
        with pytest.raises(TemplateProblem) as refused:
            check_template(_template(removed), allowed, sample, 5_000_000)
        assert refused.value.reason == "unknown"
