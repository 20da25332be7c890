"""The situation analysis as structured, checked data (workflows/stakeholder_analysis,
environment_analysis, findings_needs): the checks JSON Schema cannot express, refused with field
messages in Turkish and English and nothing changed; the consolidated read-only page; the plan
skeleton's tables. Against the seeded scenario of tests/midway.py (team analyses open)."""

from __future__ import annotations

import copy
import io
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
import time_machine
from lxml import html as lxml_html

from stratflow.documents import build, default_template, sample_facts
from stratflow.documents.render import render
from stratflow.extensions import db
from stratflow.models import Municipality, TaskRecord, User
from stratflow.pdf import docx_to_pdf, soffice_binary
from stratflow.services import ServiceError, accounts, situation, tasks

from .conftest import signed_in
from .midway import DOMAIN, STEP_DATA, moment, seed
from .test_api import Api, snapshot
from .test_strategic_plan import FORMS, add_person

TODAY = date(2026, 3, 2)
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
TEAM_MEMBER = f"deniz.acar@{DOMAIN}"
COORDINATOR = f"sgm@{DOMAIN}"


@pytest.fixture
def scenario(app, definition):
    info = seed(app, TODAY)
    with time_machine.travel(moment(TODAY), tick=False):
        town = db.session.get(Municipality, info["municipality_id"])
        add_person(town, TEAM_MEMBER, "Deniz Acar", "team_member")
        yield info


def _open(bpmn_id) -> TaskRecord:
    [record] = db.session.execute(db.select(TaskRecord).filter_by(bpmn_id=bpmn_id, state="open")).scalars()
    return record


def _user(email) -> User:
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def _refused(bpmn_id: str, data: dict) -> dict:
    """Complete `bpmn_id` with bad `data` as the team member: the field errors; nothing changed."""
    before = snapshot()
    record = _open(bpmn_id)
    with pytest.raises(ServiceError) as refused:
        tasks.complete(record.id, _user(TEAM_MEMBER), data)
    db.session.rollback()
    assert refused.value.code == "validation"
    assert snapshot() == before
    return refused.value.field_errors


def _refused_in_english(app, bpmn_id: str, data: dict) -> dict:
    """The same through the API, as the team member reading English."""
    member = _user(TEAM_MEMBER)
    member.locale = "en"
    _token, secret = accounts.create_token(member, "test")
    db.session.commit()
    before = snapshot()
    response = Api(app, secret).post(f"/tasks/{_open(bpmn_id).id}/complete", data)
    assert response.status_code == 422 and response.headers["Content-Language"] == "en"
    assert snapshot() == before
    return response.get_json()["error"]["fields"]


# -- priority and codes (no database) ------------------------------------------------------------

@pytest.mark.parametrize("impact, importance, score, approach", [
    (5, 5, 25, "work_together"), (3, 3, 9, "work_together"), (5, 2, 10, "keep_satisfied"),
    (2, 5, 10, "keep_informed"), (2, 2, 4, "monitor"), (1, 1, 1, "monitor"), (None, 4, None, None),
    (6, 4, None, None), (True, 4, None, None)])
def test_priority_is_impact_times_importance_and_the_guides_quarter(impact, importance, score, approach):
    assert situation.priority(impact, importance) == (score, approach)


def test_the_strong_degree_is_the_forms_setting():
    assert situation.priority(3, 4, strong_from=4) == (12, "keep_informed")
    assert FORMS["stakeholder_analysis.schema.json"]["properties"]["stakeholders"]["x-strong-from"] == 3


def test_area_codes_are_read_loosely():
    assert situation.area_codes(" fa1, FA3;fa1  fi2 ") == ["FA1", "FA3", "Fİ2"]  # Turkish upper case


# -- refused input ---------------------------------------------------------------------------------

def test_stakeholder_matrix_and_consultation_are_checked(scenario):
    data = copy.deepcopy(STEP_DATA["stakeholder_analysis"])
    data["activity_areas"].append({"code": "fa1", "name": "Yinelenen"})
    data["activity_areas"].append({"code": "FA3", "name": "Kültür"})
    data["stakeholders"][0]["areas"] = "FA1, FA9"
    data["stakeholders"][1].update(name="mahalle  MUHTARLARI", impact=7)
    del data["surveys"], data["workshops"]
    errors = _refused("stakeholder_analysis", data)
    assert errors == {
        "activity_areas-2-code": "Bu kod başka bir faaliyet alanında da kullanıldı.",
        "activity_areas-1-code": "Bu faaliyet alanıyla ilişkilendirilen paydaş yok: paydaş–ürün/hizmet "
                                 "matrisinde her faaliyet alanının en az bir paydaşı olmalı.",
        "activity_areas-3-code": "Bu faaliyet alanıyla ilişkilendirilen paydaş yok: paydaş–ürün/hizmet "
                                 "matrisinde her faaliyet alanının en az bir paydaşı olmalı.",
        "stakeholders-0-areas": "Faaliyet alanları tablosunda olmayan kod: FA9.",
        "stakeholders-1-name": "Bu paydaş listede birden çok kez var.",
        "stakeholders-1-impact": "Listedeki seçeneklerden birini seçin.",
        "surveys": "Paydaş görüşleri anket ya da çalıştayla alınır: en az bir anket ya da çalıştay kaydı girin.",
    }


def test_stakeholder_degrees_and_kinds_are_required_in_english_too(scenario, app):
    data = copy.deepcopy(STEP_DATA["stakeholder_analysis"])
    for key in ("kind", "category", "impact", "importance", "areas"):
        del data["stakeholders"][0][key]
    data["stakeholders"][1]["priority"] = "high"  # computed, never entered
    del data["surveys"][0]["survey_date"]
    errors = _refused_in_english(app, "stakeholder_analysis", data)
    assert errors == {
        "stakeholders-0-kind": "Choose internal or external.",
        "stakeholders-0-category": "Choose institution, person or group.",
        "stakeholders-0-impact": "Choose the impact from 1 to 5.",
        "stakeholders-0-importance": "Choose the importance from 1 to 5.",
        "stakeholders-0-areas": "Enter the codes of the activity areas the stakeholder relates to (e.g. FA1, FA3).",
        "stakeholders-1-priority": "This form has no such field.",
        "surveys-0-survey_date": "Enter the day the survey closed.",
        "activity_areas-1-code": "No stakeholder is related to this activity area: every activity area of the "
                                 "stakeholder–service matrix needs at least one stakeholder.",
    }


def test_pestle_needs_a_classification_and_swot_its_source(scenario, app):
    data = copy.deepcopy(STEP_DATA["environment_analysis"])
    del data["pestle"][1]["classification"]  # the only threat
    data["pestle"][0]["category"] = "religious"
    del data["strengths"][0]["source"]
    data["weaknesses"][0]["source"] = "pestle"  # PESTLE is the outside world: not a weakness's source
    errors = _refused("environment_analysis", data)
    assert errors == {
        "pestle-0-category": "Listedeki seçeneklerden birini seçin.",
        "pestle-1-classification": "Etkeni fırsat ya da tehdit olarak sınıflandırın.",
        "strengths-0-source": "Maddenin hangi analizden geldiğini seçin.",
        "weaknesses-0-source": "Listedeki seçeneklerden birini seçin.",
        "threats-0-source": "PESTLE tablosunda tehdit olarak sınıflandırılmış bir etken yok: etkeni ekleyin ya da "
                            "kaynağı düzeltin.",
    }
    english = _refused_in_english(app, "environment_analysis", {"strengths": [{"item": "x", "source": "internal"}]})
    assert english == {"pestle": "Enter at least one PESTLE factor.", "weaknesses": "Enter at least one item.",
                       "opportunities": "Enter at least one item.", "threats": "Enter at least one item."}


def test_findings_need_their_source_and_need(scenario):
    _finish_team_analyses()
    errors = _refused("findings_needs", {"findings": [{"finding": "Yollar eski"},
                                                      {"source": "gossip", "finding": "x", "need": "y"}]})
    assert errors == {"findings-0-source": "Tespitin hangi analizden geldiğini seçin.",
                      "findings-0-need": "Tespitin yol açtığı ihtiyacı yazın.",
                      "findings-1-source": "Listedeki seçeneklerden birini seçin."}


def test_the_task_page_shows_the_messages_and_keeps_the_input(scenario, client):
    browser = signed_in(client, TEAM_MEMBER)
    record = _open("stakeholder_analysis")
    page = f"/tasks/{record.id}"
    before = snapshot()
    response = browser.post(page, {"action": "submit", "activity_areas-0-code": "FA1",
                                   "activity_areas-0-name": "Ulaşım",
                                   "stakeholders-0-name": "Muhtarlar", "stakeholders-0-kind": "external",
                                   "stakeholders-0-category": "person", "stakeholders-0-impact": "4",
                                   "stakeholders-0-importance": "5", "stakeholders-0-areas": "FA2",
                                   "consulted_bodies": "Üniversite"}, form_page=page)
    assert response.status_code == 422
    tree = lxml_html.fromstring(response.get_data(as_text=True))
    message = tree.xpath('//*[@data-error-for="stakeholders-0-areas"]')[0].text_content()
    assert message == "Faaliyet alanları tablosunda olmayan kod: FA2."
    assert tree.xpath('//*[@data-error-for="surveys"]')[0].text_content().startswith("Paydaş görüşleri")
    assert tree.xpath('//select[@name="stakeholders-0-impact"]/option[@selected]/@value') == ["4"]
    preview = [" ".join(c.text_content().split()) for c in tree.xpath('//*[@data-test="priority-preview"]//tbody//td')]
    assert preview == ["Muhtarlar", "4", "5", "20", "Birlikte çalış"]  # computed from what was entered
    assert snapshot() == before
    other = lxml_html.fromstring(browser.get(f"/tasks/{_open('environment_analysis').id}").get_data(as_text=True))
    assert not other.xpath('//*[@data-test="priority-preview"]')


# -- the consolidated view ----------------------------------------------------------------------------

def _finish_team_analyses(done=()) -> None:
    """The team's analyses (but those `done`) and the units' inputs: findings_needs is next."""
    member = _user(TEAM_MEMBER)
    for step in ("plan_evaluation", "policy_analysis", "stakeholder_analysis", "environment_analysis"):
        if step in done:
            continue
        tasks.complete(_open(step).id, member, STEP_DATA[step])
        db.session.commit()
    for record in db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="unit_analysis", state="open")).scalars():
        tasks.complete(record.id, _user(f"{record.unit.code}@{DOMAIN}"), STEP_DATA["unit_analysis"])
        db.session.commit()


def _texts(tree, test_id) -> list[list[str]]:
    return [[" ".join(c.text_content().split()) for c in row.xpath("th|td")]
            for row in tree.xpath(f'//*[@data-test="{test_id}"]//tbody/tr')]


def test_consolidated_view(scenario, client):
    browser = signed_in(client, COORDINATOR)
    url = f"/instances/{scenario['instance_id']}/situation"
    empty = lxml_html.fromstring(browser.get(url).get_data(as_text=True))
    assert empty.xpath('//*[@data-test="situation-empty"]')
    show = lxml_html.fromstring(browser.get(f"/instances/{scenario['instance_id']}").get_data(as_text=True))
    assert show.xpath('//*[@data-test="situation-link"]/a/@href') == [url]
    member = _user(TEAM_MEMBER)
    tasks.complete(_open("stakeholder_analysis").id, member, STEP_DATA["stakeholder_analysis"])
    db.session.commit()
    # A finished branch shows before the analyses join.
    tree = lxml_html.fromstring(browser.get(url).get_data(as_text=True))
    assert _texts(tree, "stakeholder-priority") == [
        ["Mahalle muhtarları", "Dış", "Kişi", "4", "5", "20", "Birlikte çalış"],
        ["Fen İşleri Müdürlüğü", "İç", "Kurum / kuruluş", "5", "2", "10", "Çıkarlarını gözet"]]
    _finish_team_analyses(done=("stakeholder_analysis",))
    tasks.complete(_open("findings_needs").id, member, STEP_DATA["findings_needs"])
    db.session.commit()
    tree = lxml_html.fromstring(browser.get(url).get_data(as_text=True))
    assert [h.text_content() for h in tree.xpath('//*[@data-test="stakeholder-matrix"]//thead//th')] == [
        "Paydaş", "FA1", "FA2"]
    assert _texts(tree, "stakeholder-matrix") == [["Mahalle muhtarları", "✓", "✓"], ["Fen İşleri Müdürlüğü", "✓", ""]]
    rows = tree.xpath('//*[@data-test="pestle"]//tr[@data-category]')
    pestle = {(r.get("data-category"), r.get("data-classification")) for r in rows}
    assert pestle == {("political", None), ("economic", "opportunity"), ("social", "threat"), ("technological", None),
                      ("legal", None), ("environmental", None)}
    economic = tree.xpath('//*[@data-test="pestle"]//tr[@data-category="economic"]')[0]
    assert "Kırsal kalkınma destekleri" in economic.text_content() and "Fırsat" in economic.text_content()
    quadrants = {q.get("data-quadrant"): " ".join(q.text_content().split())
                 for q in tree.xpath('//*[@data-test="swot"]/*[@data-quadrant]')}
    assert quadrants["strengths"] == "Güçlü yönler · iç Deneyimli personel (Kuruluş içi analiz)"
    assert quadrants["threats"] == "Tehditler · dış Göç (PESTLE analizi)"
    assert _texts(tree, "findings") == [
        ["Paydaş analizi", "Altyapı", "Yol bakım ihtiyacı yüksek", "→ Bakım planı"],
        ["PESTLE analizi", "", "Gençler ilçeden göç ediyor", "→ Gençlik merkezi"]]
    assert _texts(tree, "workshops")[0][1:3] == ["4 Haziran 2024", "38"]


def test_situation_page_is_for_the_instance_viewers_the_team_and_the_board(scenario, client, app):
    url = f"/instances/{scenario['instance_id']}/situation"
    assert signed_in(client, "fen@camlitepe.bel.tr").get(url).status_code == 404  # a unit manager
    assert signed_in(app.test_client(), COORDINATOR).get("/instances/999/situation").status_code == 404
    member = signed_in(app.test_client(), TEAM_MEMBER)
    assert member.get(f"/instances/{scenario['instance_id']}").status_code == 404  # not the instance page …
    assert member.get(url).status_code == 200                                       # … but the analysis
    task = lxml_html.fromstring(member.get(f"/tasks/{_open('stakeholder_analysis').id}").get_data(as_text=True))
    assert task.xpath('//*[@data-test="situation-link"]/a/@href') == [url]
    plan = lxml_html.fromstring(member.get(f"/tasks/{_open('plan_evaluation').id}").get_data(as_text=True))
    assert not plan.xpath('//*[@data-test="situation-link"]')


# -- the plan skeleton ---------------------------------------------------------------------------------

def _table(document, first_header: str, header: str) -> list[list[str]]:
    for table in document.tables:
        cells = [c.text for c in table.rows[0].cells]
        if cells[0] == first_header and header in cells:
            return [[c.text for c in row.cells] for row in table.rows]
    raise AssertionError(f"no table with {header}")


def test_plan_skeleton_fills_the_guides_tables():
    facts = sample_facts()
    facts["data"] = {**facts["data"], **STEP_DATA["stakeholder_analysis"], **STEP_DATA["environment_analysis"],
                     **STEP_DATA["findings_needs"]}
    with_data = docx.Document(io.BytesIO(render(default_template("plan_skeleton"), build("plan_skeleton", facts))))
    assert _table(with_data, "No", "İlişki")[1:] == [
        ["1", "Mahalle muhtarları", "Dış", "Kişi", "4", "5", "20", "Birlikte çalış"],
        ["2", "Fen İşleri Müdürlüğü", "İç", "Kurum / kuruluş", "5", "2", "10", "Çıkarlarını gözet"]]
    assert _table(with_data, "Paydaş", "FA1") == [["Paydaş", "FA1", "FA2"], ["Mahalle muhtarları", "X", "X"],
                                                  ["Fen İşleri Müdürlüğü", "X", ""]]
    pestle = [t for t in with_data.tables if [c.text for c in t.rows[0].cells][:2] == ["No", "Etken"]]
    assert [[c.text for c in row.cells] for t in pestle for row in t.rows[1:]] == [
        ["1", "Kırsal kalkınma destekleri", "", "Fırsat", ""],
        ["1", "Gençlerin göçü", "Nüfus yaşlanıyor", "Tehdit", ""]]
    headings = [p.text for p in with_data.paragraphs if p.style.name.startswith("Heading")]
    assert headings[headings.index("2.8. PESTLE Analizi") + 1:][:6] == [
        "Politik", "Ekonomik", "Sosyo-kültürel", "Teknolojik", "Yasal", "Ekolojik / çevresel"]
    assert _table(with_data, "No", "Durum analizi aşaması")[1:] == [
        ["1", "Paydaş analizi", "Altyapı", "Yol bakım ihtiyacı yüksek", "Bakım planı"],
        ["2", "PESTLE analizi", "", "Gençler ilçeden göç ediyor", "Gençlik merkezi"]]
    sources = [row[2] for t in with_data.tables if [c.text for c in t.rows[0].cells] == ["No", "Madde", "Kaynağı"]
               for row in ([c.text for c in r.cells] for r in t.rows[1:])]
    assert sources == ["Kuruluş içi analiz", "Birim girdisi", "PESTLE analizi", "PESTLE analizi"]


@pytest.mark.skipif(soffice_binary() is None, reason="LibreOffice is not installed")
def test_plan_skeleton_situation_pages_as_pdf(tmp_path):
    """The situation-analysis pages print: the matrix's repeated columns stay inside the page."""
    facts = sample_facts()
    data = {**facts["data"], **STEP_DATA["stakeholder_analysis"], **STEP_DATA["environment_analysis"],
            **STEP_DATA["findings_needs"]}
    data["activity_areas"] = [{"code": f"FA{n}", "name": f"Alan {n}"} for n in range(1, 9)]
    data["stakeholders"] = [dict(s, areas="FA1 FA2 FA3 FA4 FA5 FA6 FA7 FA8") for s in data["stakeholders"]]
    facts["data"] = data
    (tmp_path / "plan.pdf").write_bytes(docx_to_pdf(render(default_template("plan_skeleton"),
                                                           build("plan_skeleton", facts))))
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "plan.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Birlikte çalış" in text
    matrix = text.split("Paydaş – ürün/hizmet matrisi")[1].split("Paydaş görüşlerinin alınması")[0]
    assert "FA8" in matrix
    row = next(line for line in matrix.splitlines() if line.strip().startswith("Mahalle"))
    assert row.count("X") == 8  # every repeated column on the page
    ARTIFACTS.mkdir(exist_ok=True)
    number = next(i for i, p in enumerate(text.split("\f"), 1)
                  if any(line.split()[:1] == ["Paydaş"] and "FA8" in line for line in p.splitlines()))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(number), "-l", str(number), str(tmp_path / "plan.pdf"),
                    str(ARTIFACTS / "document-plan_skeleton-situation")], check=True)


def test_plan_skeleton_still_reads_the_earlier_free_text_forms():
    facts = sample_facts()
    data = {k: v for k, v in facts["data"].items() if k not in ("pestle", "activity_areas", "surveys", "workshops")}
    data.update(stakeholders=[{"name": "Üniversite", "kind": "external", "priority": "high"}], political="Seçim yılı",
                strengths="Deneyimli personel", internal_survey_respondents=120, survey_results_document="EBYS 1",
                findings=[{"area": "Ulaşım", "finding": "Yollar eski", "need": "Bakım"}])
    facts["data"] = data
    document = docx.Document(io.BytesIO(render(default_template("plan_skeleton"), build("plan_skeleton", facts))))
    assert _table(document, "No", "İlişki")[1] == ["1", "Üniversite", "Dış", "", "", "", "", "Yüksek"]
    assert ["1", "Seçim yılı", "", "", ""] in [[c.text for c in r.cells] for t in document.tables for r in t.rows]
    assert _table(document, "No", "Durum analizi aşaması")[1] == ["1", "Kaynağı belirtilmemiş", "Ulaşım",
                                                                  "Yollar eski", "Bakım"]
    assert _table(document, "No", "Anket")[1][1:4] == ["İç paydaş anketi", "—", "120"]


def test_forms_declare_only_checks_the_server_runs(app):
    from stratflow.engine.lint_model import FORM_CHECKS, form_problem
    from stratflow.services.situation_checks import CHECKS
    assert set(CHECKS) == FORM_CHECKS
    for schema in FORMS.values():
        assert set(schema.get("x-checks", ())) <= FORM_CHECKS
    with app.test_request_context():
        problem = str(form_problem({"type": "object", "x-checks": ["stakeholder_matrix", "magic"]}))
    assert problem == ("bilinmeyen denetim (x-checks): magic; bilinenler: consultation_records, deviation_reasons, "
                       "stakeholder_matrix, swot_from_pestle")


def test_the_consolidated_labels_are_the_forms_own():
    """The page and the document name codes as the forms do (Turkish and English)."""
    def options(form, *path):
        node = FORMS[form]["properties"]
        for part in path[:-1]:
            node = node[part]["items"]["properties"]
        return {o["const"]: (o["title"], o["x-title-en"]) for o in node[path[-1]]["oneOf"]}

    assert options("stakeholder_analysis.schema.json", "stakeholders", "category") == situation.CATEGORY
    assert options("stakeholder_analysis.schema.json", "surveys", "audience") == situation.AUDIENCE
    assert options("environment_analysis.schema.json", "pestle", "category") == situation.PESTLE
    assert options("environment_analysis.schema.json", "pestle", "classification") == situation.CLASSIFICATION
    assert options("findings_needs.schema.json", "findings", "source") == situation.SOURCES
    assert set(options("environment_analysis.schema.json", "strengths", "source")) <= set(situation.SOURCES)
    assert set(options("environment_analysis.schema.json", "threats", "source")) <= set(situation.SOURCES)
    assert set(options("stakeholder_analysis.schema.json", "stakeholders", "kind")) == set(situation.KIND)
