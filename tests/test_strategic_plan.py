"""The statutory model (workflows/strategic_plan.bpmn) run for real: every path through the
engine, the late-nomination escalation through the scheduler, and the whole process through
the JSON API with the demo data.

Every step's data is first validated against the task's own JSON-Schema form (as the task
page and the API do), so the model and its forms cannot drift apart. Engine runs dump and
reload the state after every step, as the service does between requests.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import docx
import pytest
import time_machine

from stratflow import engine
from stratflow.calendar.legal import legal_deadline
from stratflow.extensions import db
from stratflow.jobs.scheduler import run_due_jobs
from stratflow.models import ProcessInstance, RoleAssignment, TaskRecord, User
from stratflow.services import forms, tasks
from stratflow.services.versions import read_workflow as load

from .conftest import ROOT, signed_in
from .test_api import Api, api, check  # noqa: F401 - `api` is a fixture

WORKFLOWS = ROOT / "workflows"
BPMN = WORKFLOWS / "strategic_plan.bpmn"
FORMS = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in WORKFLOWS.glob("*.json")}
UNITS = [{"id": 1, "name": "Fen İşleri Müdürlüğü"}, {"id": 2, "name": "Mali Hizmetler Müdürlüğü"},
         {"id": 3, "name": "Strateji Geliştirme Müdürlüğü"}]
START = datetime(2024, 4, 8, 7, 0, tzinfo=UTC)


# -- the data of each step (valid for its form) ------------------------------------------------

def steps(day=lambda d: d) -> list:
    """The happy path: (bpmn_id, data) per human step and ("clock", moment) for a timer.

    `day` maps the dates of the 2024 calendar used here to the dates a run needs."""
    d = day
    return [
        ("circular_draft", {"nomination_deadline": d("2024-04-30"),
                            "coordinating_unit": "Strateji Geliştirme Müdürlüğü",
                            "timetable": "Durum analizi: Mayıs–Haziran; Meclis: Eylül"}),
        ("circular_approval", {"circular_decision": "approve"}),
        ("board_composition", BOARD),
        ("board_approval", {"board_decision": "approve"}),
        ("team_nomination", NOMINATION),
        ("team_list", {"team_leader": "Zeynep Çelik", "team_coordinator": "Mehmet Kaya",
                       "kickoff_date": d("2024-05-06")}),
        ("clock", d("2024-05-06")),
        ("program_draft", {"program_activities": [{"phase": "situation", "activity": "Durum analizi çalıştayı",
                                                   "owner": "Stratejik Planlama Ekibi", "start": d("2024-05-13")}],
                           "training_calendar": "13 Mayıs: stratejik planlama eğitimi",
                           "analysis_deadline": d("2024-06-14")}),
        ("program_approval", {"program_decision": "approve"}),
        ("unit_analysis", {"duties": [{"duty": "Yol yapım ve bakımı", "legal_basis": "5393 md. 14"}],
                           "staff_count": 12}),
        ("plan_evaluation", {"current_plan": "in_force", "current_plan_period": "2020-2024",
                             "evaluation": "Hedeflerin %70'i gerçekleşti."}),
        ("policy_analysis", {"legislation": [{"regulation": "5393 sayılı Belediye Kanunu", "article": "14"}],
                             "policy_documents": [{"document": "On İkinci Kalkınma Planı"}]}),
        ("stakeholder_analysis", STAKEHOLDERS | {"surveys": [{"audience": "external", "survey_date": d("2024-05-24"),
                                                             "respondents": 420, "document": "EBYS 2024/1234"}],
                                                 "workshops": [{"workshop_date": d("2024-06-04"), "participants": 38,
                                                                "summary": "Ulaşım ve altyapı öne çıktı."}]}),
        ("environment_analysis", ENVIRONMENT),
        ("findings_needs", FINDINGS),
        ("analysis_adoption", {"analysis_decision": "adopt", "analysis_meeting_date": d("2024-06-25")}),
        ("future_draft", {"mission": "Çamlıtepe'ye katılımcı hizmet", "vision": "Yaşanabilir Çamlıtepe",
                          "core_values": [{"value": "Şeffaflık"}]}),
        ("future_adoption", {"future_decision": "adopt", "future_meeting_date": d("2024-07-02")}),
        ("strategy_draft", STRATEGY | {"review_deadline": d("2024-07-19")}),
        ("target_review", {"review_decision": "agree"}),
        ("monitoring_design", {"monitoring_period": "six_monthly", "evaluation_report": "yearly",
                               "monitoring_unit": "Strateji Geliştirme Müdürlüğü"}),
        ("plan_draft", {"plan_document": "EBYS 2024/2040", "plan_version": "1"}),
        ("draft_review", {"draft_decision": "approve", "draft_meeting_date": d("2024-08-06")}),
        ("plan_approval", {"plan_decision": "approve"}),
        ("encumen_opinion", {"encumen_date": d("2024-08-20"), "encumen_decision_number": "2024/310",
                             "encumen_opinion": "Planın kabulü uygun görülmüştür."}),
        ("council_schedule", {"meeting_kind": "regular", "submission_date": d("2024-08-27"),
                              "council_meeting_date": d("2024-09-03")}),
        ("clock", d("2024-09-03")),
        ("council_decision", {"council_outcome": "adopted", "council_decision_number": "2024/77",
                              "council_decision_date": d("2024-09-03"), "council_vote": "unanimous"}),
        ("decision_review", {"decision_review_outcome": "accept", "finalised_on": d("2024-09-03")}),
        ("governor_submission", {"governor_authority": "kaymakamlik", "governor_sent_date": d("2024-09-06")}),
        ("plan_publication", {"website_url": "https://www.camlitepe.bel.tr/stratejik-plan",
                              "published_date": d("2024-09-06"),
                              "authorities": [{"authority": "Strateji ve Bütçe Başkanlığı",
                                               "sent_date": d("2024-09-09")}]}),
    ]


BOARD = {"deputy_mayors": [{"full_name": "Nermin Aksoy", "title": "Başkan Yardımcısı"},
                           {"full_name": "Kemal Özdemir", "title": "Başkan Yardımcısı"}],
         "other_members": [{"full_name": "Zeynep Çelik", "title": "Strateji Geliştirme Müdürü",
                            "unit": "Strateji Geliştirme Müdürlüğü"}]}
STAKEHOLDERS = {
    "activity_areas": [{"code": "FA1", "name": "Altyapı ve ulaşım", "services": "Yol yapımı ve bakımı"},
                       {"code": "FA2", "name": "Sosyal hizmetler", "services": "Evde bakım"}],
    "stakeholders": [{"name": "Mahalle muhtarları", "kind": "external", "category": "person", "impact": 4,
                      "importance": 5, "areas": "FA1, FA2"},
                     {"name": "Fen İşleri Müdürlüğü", "kind": "internal", "category": "institution", "impact": 5,
                      "importance": 2, "areas": "FA1"}],
    "consulted_bodies": "Balıkesir Üniversitesi; Mimarlar Odası"}
ENVIRONMENT = {
    "pestle": [{"category": "economic", "factor": "Kırsal kalkınma destekleri", "classification": "opportunity"},
               {"category": "social", "factor": "Gençlerin göçü", "effect": "Nüfus yaşlanıyor",
                "classification": "threat"}],
    "strengths": [{"item": "Deneyimli personel", "source": "internal"}],
    "weaknesses": [{"item": "Dağınık veri", "source": "unit_input"}],
    "opportunities": [{"item": "Kırsal kalkınma destekleri", "source": "pestle"}],
    "threats": [{"item": "Göç", "source": "pestle"}]}
FINDINGS = {"findings": [{"source": "stakeholders", "area": "Altyapı", "finding": "Yol bakım ihtiyacı yüksek",
                          "need": "Bakım planı"},
                         {"source": "pestle", "finding": "Gençler ilçeden göç ediyor", "need": "Gençlik merkezi"}]}
NOMINATION = {"members": [{"full_name": "Ali Veli", "title": "Mühendis", "email": "ali.veli@example.org"}]}
STRATEGY = {"goals": [{"code": "A1", "goal": "Altyapıyı güçlendirmek"}],
            "targets": [{"code": "H1.1", "goal_code": "A1", "target": "Yol ağının bakımı",
                         "responsible_unit": "Fen İşleri Müdürlüğü", "cost_tl": 25_000_000}],
            "indicators": [{"target_code": "H1.1", "indicator": "Bakımı yapılan yol (km)", "weight": 100,
                            "baseline": 40, "year_1": 45, "year_5": 80, "monitoring": "six_monthly"}],
            "risks": [{"target_code": "H1.1", "risk": "Ödenek yetersizliği", "control": "Öncelik sıralaması"}]}
HUMAN_ORDER = [s[0] for s in steps() if s[0] != "clock"]


def municipality(type="ilce", population=90412, election="2024-03-31", mazbata="2024-04-05") -> dict:
    return {"id": 1, "name": "Deneme Belediyesi", "province": "Balıkesir", "type": type, "population": population,
            "election_date": election, "mazbata_date": mazbata}


@pytest.fixture(scope="module")
def spec(app):
    with app.app_context():
        compiled = engine.compile_definition(BPMN.read_bytes(), BPMN.name, FORMS, 2_000_000)
    return "test-strategic-plan", compiled.spec_json


@pytest.fixture
def clock(ctx):
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


class Run:
    """One engine instance, reloaded from its dumped state after every step."""

    def __init__(self, spec, clock, **kwargs):
        self.spec, self.clock, self.seen = spec, clock, []
        self.wf = engine.Workflow.start(*spec, {"municipality": municipality(**kwargs), "units": UNITS})

    @property
    def data(self) -> dict:
        """The process data: the workflow's once it ended, else the data a waiting task sees."""
        if self.wf.is_completed():
            return self.wf.data
        waiting = self.wf.ready_human_tasks()
        return waiting[-1].data if waiting else self.wf.data

    def ready(self) -> list[str]:
        return sorted({t.bpmn_id for t in self.wf.ready_human_tasks()})

    def waiting(self, bpmn_id) -> list:
        return [t for t in self.wf.ready_human_tasks() if t.bpmn_id == bpmn_id]

    def do(self, bpmn_id, data, count=None) -> Run:
        """Complete the waiting `bpmn_id` tasks (all of them, or the first `count`) with `data`."""
        waiting = self.waiting(bpmn_id)
        assert waiting, f"{bpmn_id} is not waiting; waiting: {self.ready()}"
        for task in waiting[:count]:
            assert forms.validate(FORMS[task.properties["formJsonSchemaFilename"]], data) == {}, bpmn_id
            variable = task.properties.get("formDataVariable")
            self.wf.complete(task.id, {variable: data} if variable else data)
            self.wf = engine.Workflow.load(self.spec[0], self.spec[1], self.wf.dump())
            self.seen.append(bpmn_id)
        return self

    def at(self, day: str) -> Run:
        """Let the clock reach 10:00 Turkish time on `day` and fire what is due."""
        self.clock.move_to(datetime.fromisoformat(day + "T07:00:00+00:00"))
        self.wf.advance()
        return self

    def walk(self, first=None, last=None, **overrides) -> Run:
        """Walk the happy path from step `first` to step `last` (inclusive)."""
        all_steps = steps()
        ids = [s[0] for s in all_steps]
        start = ids.index(first) if first else 0
        end = ids.index(last) + 1 if last else len(all_steps)
        for bpmn_id, data in all_steps[start:end]:
            if bpmn_id == "clock":
                self.at(data)
            else:
                self.do(bpmn_id, overrides.get(bpmn_id, data))
        return self


# -- the happy path ----------------------------------------------------------------------------

def test_happy_path_through_the_engine(spec, clock):
    run = Run(spec, clock).walk()
    assert run.wf.is_completed()
    assert run.seen == [s for s in HUMAN_ORDER for _ in range(3 if s in ("team_nomination", "unit_analysis",
                                                                          "target_review") else 1)]
    data = run.data
    assert data["plan_required"] is True and data["plan_period"] == "2025-2029"
    assert data["legal_deadline"] == "2024-09-30" and data["circular_due_date"] == "2024-04-20"
    assert sorted(n["unit"]["id"] for n in data["nominations"]) == [1, 2, 3]  # who nominated whom is kept
    assert data["team_members"] == data["nominated_members"] and len(data["team_members"]) == 3
    assert data["team_members"][0]["unit"] in {u["name"] for u in UNITS}
    assert sorted(i["unit"]["id"] for i in data["unit_inputs"]) == [1, 2, 3]
    assert [r["review_decision"] for r in data["target_reviews"]] == ["agree"] * 3
    assert data["submitted_late"] is False and data["adopted_late"] is False
    assert data["finalised_on"] == "2024-09-03" and data["governor_due_date"] == "2024-09-10"


def test_every_task_sits_in_its_lane(spec, clock):
    """The lanes people see (and whose roles assign the tasks) along the happy path."""
    lanes = {}
    run = Run(spec, clock)
    for bpmn_id, data in steps():
        if bpmn_id == "clock":
            run.at(data)
            continue
        lanes[bpmn_id] = {t.lane for t in run.waiting(bpmn_id)}
        run.do(bpmn_id, data)
    by_lane = {}
    for bpmn_id, names in lanes.items():
        (name,) = names
        by_lane.setdefault(name, []).append(bpmn_id)
    assert by_lane == {
        "Strateji Geliştirme Birimi": ["circular_draft", "board_composition", "team_list", "program_draft",
                                       "plan_publication"],
        "Belediye Başkanı": ["circular_approval", "board_approval", "program_approval", "plan_approval",
                             "decision_review"],
        "Harcama Birimleri": ["team_nomination", "unit_analysis", "target_review"],
        "Strateji Geliştirme Kurulu": ["analysis_adoption", "future_adoption", "draft_review"],
        "Stratejik Planlama Ekibi": ["plan_evaluation", "policy_analysis", "stakeholder_analysis",
                                     "environment_analysis", "findings_needs", "future_draft", "strategy_draft",
                                     "monitoring_design", "plan_draft"],
        "Encümen": ["encumen_opinion"],
        "Meclis / Yazı İşleri": ["council_schedule", "council_decision", "governor_submission"],
    }


@pytest.mark.parametrize("election, deadline", [
    ("2024-03-31", "2024-09-30"), ("2019-03-31", "2019-09-30"), ("2009-03-29", "2009-09-29"),
    ("2029-03-25", "2029-09-25"), ("2023-08-31", "2024-02-29"), ("2024-12-15", "2025-06-15")])
def test_legal_deadline_matches_the_calendar(spec, clock, election, deadline):
    run = Run(spec, clock, election=election, mazbata=None)
    assert run.data["legal_deadline"] == deadline == legal_deadline(date.fromisoformat(election)).isoformat()
    assert run.data["circular_due_date"] == (date.fromisoformat(election) + timedelta(days=15)).isoformat()


# -- applicability -----------------------------------------------------------------------------

@pytest.mark.parametrize("kind, population, required", [
    ("ilce", 50000, True), ("ilce", 49999, False), ("il", 120000, True), ("belde", 4000, False),
    ("buyuksehir", 30000, True)])
def test_plan_is_required_by_type_and_population(spec, clock, kind, population, required):
    run = Run(spec, clock, type=kind, population=population)
    assert run.data["plan_required"] is required
    assert run.ready() == (["circular_draft"] if required else ["voluntary_decision"])


def test_voluntary_municipality_declines_and_the_process_ends(spec, clock):
    run = Run(spec, clock, type="belde", population=4000)
    [task] = run.waiting("voluntary_decision")
    assert task.lane == "Strateji Geliştirme Birimi"
    assert "zorunlu değildir" in task.instructions and "md. 41" in task.instructions
    schema = FORMS["voluntary_decision.schema.json"]
    assert set(forms.validate(schema, {"voluntary_preparation": "decline"})) == {"voluntary_note"}
    run.do("voluntary_decision", {"voluntary_preparation": "decline", "voluntary_note": "Kaynak yetersiz."})
    assert run.wf.is_completed() and run.ready() == []
    assert "legal_deadline" in run.data and "nominations" not in run.data


def test_voluntary_municipality_prepares_a_plan(spec, clock):
    run = Run(spec, clock, type="belde", population=4000)
    run.do("voluntary_decision", {"voluntary_preparation": "prepare"})
    assert run.ready() == ["circular_draft"]
    run.walk("circular_draft", "board_approval")
    assert run.ready() == ["team_nomination"]


# -- circular and board ------------------------------------------------------------------------

def test_returned_circular_goes_back_to_the_coordinator(spec, clock):
    run = Run(spec, clock).walk(last="circular_draft")
    run.do("circular_approval", {"circular_decision": "return", "circular_comment": "Takvim eksik."})
    assert run.ready() == ["circular_draft"]
    run.walk("circular_draft", "circular_approval")
    assert run.ready() == ["board_composition", "team_nomination"]  # board and team in parallel
    assert len(run.waiting("team_nomination")) == len(UNITS)


def test_board_form_follows_the_municipality_type(spec, clock):
    district = Run(spec, clock).walk(last="circular_approval")
    assert "board_composition" in district.ready() and "board_composition_metro" not in district.ready()
    metro = Run(spec, clock, type="buyuksehir", population=1_200_000).walk(last="circular_approval")
    assert "board_composition_metro" in metro.ready() and "board_composition" not in metro.ready()
    [task] = metro.waiting("board_composition_metro")
    assert "genel sekreter" in task.instructions


def test_board_composition_is_validated_by_type(ctx):
    district, metro = FORMS["board_composition.schema.json"], FORMS["board_composition_metro.schema.json"]
    others = {"other_members": [{"full_name": "Zeynep Çelik", "unit": "Strateji Geliştirme Müdürlüğü"}]}
    errors = forms.validate(district, others)
    assert list(errors) == ["deputy_mayors"] and "başkan yardımcıları yer alır" in errors["deputy_mayors"]
    errors = forms.validate(metro, others | {"deputy_secretaries_general": [{"full_name": "Ayla Sezer"}]})
    assert list(errors) == ["secretary_general"] and "genel sekreter yer alır" in errors["secretary_general"]
    errors = forms.validate(metro, others | {"secretary_general": "Ahmet Tan"})
    assert list(errors) == ["deputy_secretaries_general"]
    assert forms.validate(metro, others | {"secretary_general": "Ahmet Tan",
                                           "deputy_secretaries_general": [{"full_name": "Ayla Sezer"}]}) == {}
    assert forms.validate(district, BOARD) == {}
    # A departure from the rule needs a recorded reason of some substance.
    override = others | {"composition_override": True}
    assert list(forms.validate(district, override)) == ["override_reason"]
    assert list(forms.validate(district, override | {"override_reason": "Kısa"})) == ["override_reason"]
    assert forms.validate(district, override | {"override_reason": "Başkan yardımcısı seçilmedi."}) == {}


def test_board_override_with_reason_and_mayor_returns_it(spec, clock):
    run = Run(spec, clock).walk(last="circular_approval")
    override = {"other_members": [{"full_name": "Zeynep Çelik"}], "composition_override": True,
                "override_reason": "Başkan yardımcıları henüz görevlendirilmedi."}
    run.do("board_composition", override)
    [approval] = run.waiting("board_approval")
    assert approval.data["composition_override"] is True and approval.data["override_reason"].startswith("Başkan")
    run.do("board_approval", {"board_decision": "return", "board_comment": "Mali Hizmetler de katılsın."})
    assert "board_composition" in run.ready()
    run.walk("board_composition", "board_approval")
    assert "board_composition" not in run.ready() and "board_approval" not in run.ready()


# -- late nominations ----------------------------------------------------------------------------

def test_late_nominations_escalate_without_losing_the_ones_made(spec, clock):
    run = Run(spec, clock).walk(last="board_approval")
    run.do("team_nomination", NOMINATION, count=1)
    done = run.seen.count("team_nomination")
    run.at("2024-04-30")
    assert run.waiting("nomination_escalation") == []  # the deadline day is not over yet
    run.at("2024-05-01")
    [escalation] = run.waiting("nomination_escalation")
    assert escalation.lane == "Strateji Geliştirme Birimi"
    assert len(run.waiting("team_nomination")) == len(UNITS) - done  # the open ones stay open
    run.do("nomination_escalation", {"escalation_action": "reminded", "late_units": "Mali Hizmetler"})
    run.do("team_nomination", {"no_nominee": True, "no_nominee_reason": "Birimde iki personel var."})
    assert run.ready() == ["team_list"]
    assert len(run.data["nominations"]) == len(UNITS)
    [made] = [n for n in run.data["nominations"] if n.get("members")]
    assert made["members"] == NOMINATION["members"] and made["unit"] in UNITS
    run.walk("team_list")
    assert run.wf.is_completed()
    assert run.data["units_without_nominee"] == [{"unit": u["name"], "reason": "Birimde iki personel var."}
                                                 for u in UNITS[1:]]


def test_escalation_left_open_does_not_hold_the_team_back(spec, clock):
    run = Run(spec, clock).walk(last="board_approval")
    run.at("2024-05-01")
    assert "nomination_escalation" in run.ready()
    run.do("team_nomination", NOMINATION)
    assert run.ready() == ["nomination_escalation", "team_list"]


def test_nominations_on_time_raise_no_escalation(spec, clock):
    run = Run(spec, clock).walk(last="team_list")
    run.at("2024-05-02")
    assert "nomination_escalation" not in run.ready() and run.ready() == []  # waits for the kick-off


def test_kickoff_waits_for_the_board(spec, clock):
    run = Run(spec, clock).walk(last="circular_approval")
    run.do("team_nomination", NOMINATION).do("team_list", steps()[5][1]).at("2024-05-06")
    assert run.ready() == ["board_composition"]  # the program waits for the board as well
    run.walk("board_composition", "board_approval")
    assert run.ready() == ["program_draft"]


# -- analysis, strategy and the board's returns ------------------------------------------------

def test_program_and_analysis_returns_loop_back(spec, clock):
    run = Run(spec, clock).walk(last="program_draft")
    run.do("program_approval", {"program_decision": "return", "program_note": "Eğitim takvimi eksik."})
    assert run.ready() == ["program_draft"]
    run.walk("program_draft", "program_approval")
    assert run.ready() == ["environment_analysis", "plan_evaluation", "policy_analysis", "stakeholder_analysis",
                           "unit_analysis"]
    run.walk("unit_analysis", "findings_needs")
    run.do("analysis_adoption", {"analysis_decision": "return", "analysis_comment": "Paydaş bulguları eksik.",
                                 "analysis_meeting_date": "2024-06-25"})
    assert run.ready() == ["findings_needs"]
    run.walk("findings_needs", "future_draft")
    run.do("future_adoption", {"future_decision": "return", "future_comment": "Vizyon kısaltılsın.",
                               "future_meeting_date": "2024-07-02"})
    assert run.ready() == ["future_draft"]


def test_a_unit_asks_for_changes_to_its_targets(spec, clock):
    run = Run(spec, clock).walk(last="strategy_draft")
    run.do("target_review", {"review_decision": "agree"}, count=2)
    run.do("target_review", {"review_decision": "change", "review_comment": "Hedef değeri yüksek."})
    assert run.ready() == ["strategy_draft"]
    run.walk("strategy_draft", "target_review")
    assert len(run.data["target_reviews"]) == len(UNITS)  # a fresh round, not the old answers
    assert run.ready() == ["monitoring_design"]


def test_board_sends_the_draft_back(spec, clock):
    run = Run(spec, clock).walk(last="plan_draft")
    run.do("draft_review", {"draft_decision": "return", "draft_comment": "Maliyet tablosu eksik.",
                            "draft_meeting_date": "2024-08-06"})
    assert run.ready() == ["plan_draft"]
    [task] = run.waiting("plan_draft")
    assert task.lane == "Stratejik Planlama Ekibi"
    run.do("plan_draft", {"plan_document": "EBYS 2024/2051", "plan_version": "2",
                          "plan_changes": "Maliyet tablosu eklendi."})
    assert run.ready() == ["draft_review"]
    run.walk("draft_review", "draft_review")
    assert run.ready() == ["plan_approval"]
    run.do("plan_approval", {"plan_decision": "return", "plan_comment": "Vizyon ifadesi düzeltilsin."})
    assert run.ready() == ["plan_draft"]  # the mayor's return goes the same way
    run.walk("plan_draft")
    assert run.wf.is_completed()


# -- encümen and council -----------------------------------------------------------------------

ADOPTED = {"council_outcome": "adopted", "council_decision_number": "2024/95", "council_vote": "majority"}
SEPTEMBER = {"meeting_kind": "regular", "submission_date": "2024-08-27", "council_meeting_date": "2024-09-03"}


def at_the_council(spec, clock, schedule=SEPTEMBER) -> Run:
    run = Run(spec, clock).walk(last="clock")  # not the kick-off: the first "clock" step
    run.walk("program_draft", "encumen_opinion").do("council_schedule", schedule)
    return run.at(schedule["council_meeting_date"])


def test_council_rejects_the_plan(spec, clock):
    run = at_the_council(spec, clock)
    schema = FORMS["council_decision.schema.json"]
    assert set(forms.validate(schema, {"council_outcome": "rejected"})) == {
        "return_reasons", "council_decision_number", "council_decision_date", "council_vote"}
    run.do("council_decision", ADOPTED | {"council_outcome": "rejected", "return_reasons": "Hedef kartları eksik.",
                                          "council_decision_date": "2024-09-03"})
    assert run.ready() == ["plan_draft"]
    run.walk("plan_draft", "encumen_opinion")
    run.do("council_schedule", {"meeting_kind": "regular", "submission_date": "2024-09-24",
                                "council_meeting_date": "2024-10-01"})
    assert run.ready() == []  # waits for the meeting day
    run.at("2024-10-01").do("council_decision", ADOPTED | {"council_decision_date": "2024-10-01"})
    assert run.ready() == ["decision_review"]
    run.do("decision_review", {"decision_review_outcome": "accept", "finalised_on": "2024-10-03"})
    data = run.data
    # Submitted again before the deadline: compliant; adopted after it: shown, never a breach.
    assert data["submitted_late"] is False and data["adopted_late"] is True
    assert data["governor_due_date"] == "2024-10-10"
    assert run.ready() == ["governor_submission", "plan_publication"]
    run.walk("governor_submission")
    assert run.wf.is_completed()


def test_referred_in_september_adopted_in_october_is_compliant(spec, clock):
    run = at_the_council(spec, clock)
    schema = FORMS["council_decision.schema.json"]
    assert set(forms.validate(schema, {"council_outcome": "adopted"})) == {
        "council_decision_number", "council_decision_date", "council_vote"}
    assert set(forms.validate(schema, {"council_outcome": "referred"})) == {"commission"}
    run.do("council_decision", {"council_outcome": "referred", "commission": "Plan ve Bütçe Komisyonu"})
    assert run.ready() == ["commission_report"]
    run.do("commission_report", {"commission_report_date": "2024-09-20", "commission_opinion": "Uygundur."})
    assert run.ready() == ["council_decision"]
    run.do("council_decision", ADOPTED | {"council_decision_date": "2024-10-01"})
    run.do("decision_review", {"decision_review_outcome": "accept", "finalised_on": "2024-10-01"})
    data = run.data
    assert data["submission_date"] == "2024-08-27" and data["legal_deadline"] == "2024-09-30"
    assert data["submitted_late"] is False and data["adopted_late"] is True
    run.walk("governor_submission")
    assert run.wf.is_completed()


def test_submitted_after_the_deadline_is_late(spec, clock):
    run = at_the_council(spec, clock, {"meeting_kind": "regular", "submission_date": "2024-10-01",
                                       "council_meeting_date": "2024-10-01"})
    run.do("council_decision", ADOPTED | {"council_decision_date": "2024-10-01"})
    run.do("decision_review", {"decision_review_outcome": "accept", "finalised_on": "2024-10-01"})
    assert run.data["submitted_late"] is True  # flagged, never blocked
    run.walk("governor_submission")
    assert run.wf.is_completed()


def test_adopted_with_amendments_updates_the_text_before_publication(spec, clock):
    run = at_the_council(spec, clock)
    assert "amendments" in forms.validate(FORMS["council_decision.schema.json"],
                                          ADOPTED | {"council_outcome": "adopted_amended",
                                                     "council_decision_date": "2024-09-03"})
    run.do("council_decision", ADOPTED | {"council_outcome": "adopted_amended", "council_decision_date": "2024-09-03",
                                          "amendments": "H1.1 hedefinin 2027 değeri 60 km yapıldı."})
    run.do("decision_review", {"decision_review_outcome": "accept", "finalised_on": "2024-09-05"})
    assert run.data["plan_amended"] is True and run.data["governor_due_date"] == "2024-09-12"
    assert run.ready() == ["governor_submission", "plan_amendment"]
    [amendment] = run.waiting("plan_amendment")
    assert amendment.lane == "Strateji Geliştirme Birimi"
    run.do("plan_amendment", {"amended_plan_document": "EBYS 2024/2101",
                              "amendment_notes": "H1.1 göstergesi güncellendi."})
    assert run.ready() == ["governor_submission", "plan_publication"]
    run.walk("governor_submission")
    assert run.wf.is_completed()


def test_mayor_returns_the_decision_and_the_council_insists(spec, clock):
    run = at_the_council(spec, clock)
    run.do("council_decision", ADOPTED | {"council_decision_date": "2024-09-03"})
    review = FORMS["decision_review.schema.json"]
    assert set(forms.validate(review, {"decision_review_outcome": "return"})) == {"mayor_return_reasons"}
    assert set(forms.validate(review, {"decision_review_outcome": "accept"})) == {"finalised_on"}
    run.do("decision_review", {"decision_review_outcome": "return",
                               "mayor_return_reasons": "Maliyet tablosu bütçe ile uyumsuz."})
    assert run.ready() == ["council_decision"]  # back to the council for reconsideration
    run.do("council_decision", ADOPTED | {"council_outcome": "insisted", "council_decision_date": "2024-09-20",
                                          "council_decision_number": "2024/102"})
    data = run.data
    assert data["finalised_on"] == "2024-09-20" and data["governor_due_date"] == "2024-09-27"
    assert run.ready() == ["governor_submission", "plan_publication"]  # no second review
    run.walk("governor_submission")
    assert run.wf.is_completed()


def test_extraordinary_meeting_branch(spec, clock):
    run = Run(spec, clock).walk(last="encumen_opinion")
    run.do("council_schedule", {"meeting_kind": "extraordinary", "submission_date": "2024-09-23",
                                "agenda_note": "Eylül toplantısı kaçırıldı."})
    [call] = run.waiting("extraordinary_call")
    assert call.lane == "Belediye Başkanı" and "üç gün" in call.instructions
    schema = FORMS["extraordinary_call.schema.json"]
    assert set(forms.validate(schema, {"council_meeting_date": "2024-09-27", "call_date": "2024-09-23",
                                       "agenda_notified": False})) == {"agenda_notified"}
    run.do("extraordinary_call", {"council_meeting_date": "2024-09-27", "call_date": "2024-09-23",
                                  "agenda_notified": True})
    assert run.ready() == []
    run.at("2024-09-26")
    assert run.ready() == []
    run.at("2024-09-27")
    assert run.ready() == ["council_decision"]
    run.walk("council_decision", council_decision=ADOPTED | {"council_decision_date": "2024-09-27"},
             decision_review={"decision_review_outcome": "accept", "finalised_on": "2024-09-27"})
    assert run.wf.is_completed() and run.data["submitted_late"] is False
    assert run.data["governor_due_date"] == "2024-10-04"


def test_regular_meeting_needs_its_date(ctx):
    schema = FORMS["council_schedule.schema.json"]
    assert list(forms.validate(schema, {"meeting_kind": "regular", "submission_date": "2024-08-27"})) == [
        "council_meeting_date"]
    assert forms.validate(schema, {"meeting_kind": "extraordinary", "submission_date": "2024-08-27"}) == {}
    assert list(forms.validate(schema, {"meeting_kind": "extraordinary"})) == ["submission_date"]


# -- the late escalation through the scheduler, with the demo ----------------------------------

def _open(bpmn_id=None) -> list[TaskRecord]:
    query = db.select(TaskRecord).filter_by(state="open")
    if bpmn_id:
        query = query.filter_by(bpmn_id=bpmn_id)
    return list(db.session.execute(query).scalars())


def _user(email) -> User:
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def test_scheduler_escalates_late_units_and_keeps_their_nominations(demo, app):
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    open_before = _open("team_nomination")
    for record in open_before[:5]:
        tasks.complete(record.id, _user(f"{record.unit.code}@camlitepe.bel.tr"), NOMINATION)
    deadline = date.fromisoformat(_circular_deadline(instance))
    db.session.commit()  # the scheduler works in its own session: hold no lock
    assert run_due_jobs(app)["timers_fired"] == 0
    late = datetime.combine(deadline + timedelta(days=1), datetime.min.time()).replace(hour=6)
    with time_machine.travel(late.replace(tzinfo=UTC), tick=False):
        assert run_due_jobs(app, late)["timers_fired"] == 1
    db.session.expire_all()
    [escalation] = _open("nomination_escalation")
    assert escalation.role == "coordinator" and escalation.unit_id is None
    still_open = _open("team_nomination")
    assert {t.id for t in still_open} == {t.id for t in open_before[5:]}
    completed = db.session.execute(db.select(TaskRecord).filter_by(bpmn_id="team_nomination", state="completed")
                                   ).scalars().all()
    assert len(completed) == 6  # bilgiislem (demo) + 5 here: none lost
    for record in still_open:
        tasks.complete(record.id, _user(f"{record.unit.code}@camlitepe.bel.tr"),
                       {"no_nominee": True, "no_nominee_reason": "Personel yetersiz."})
    db.session.commit()
    assert sorted(t.bpmn_id for t in _open()) == ["nomination_escalation", "team_list"]
    [team] = [t for t in load(db.session.get(ProcessInstance, instance.id)).ready_human_tasks()
              if t.bpmn_id == "team_list"]
    by_unit = {n["unit"]["id"]: n for n in team.data["nominations"]}
    assert len(by_unit) == len(demo.units)
    it = next(u for u in demo.units if u.code == "bilgiislem")
    assert by_unit[it.id]["members"][0]["full_name"] == "Deniz Acar"


def _circular_deadline(instance) -> str:
    return load(instance).ready_human_tasks()[0].data["nomination_deadline"]


# -- through the API -------------------------------------------------------------------------

TEAM_MEMBER = "deniz.acar@camlitepe.bel.tr"
ROLE_USERS = {"coordinator": "sgm@camlitepe.bel.tr", "mayor": "baskan@camlitepe.bel.tr",
              "board_member": "baskanyardimcisi1@camlitepe.bel.tr", "team_member": TEAM_MEMBER,
              "council_clerk": "yaziisleri@camlitepe.bel.tr"}
DONE_BY_DEMO = ("circular_draft", "circular_approval", "board_composition", "board_approval")


def add_person(town, email, full_name, role) -> User:
    """What the coordinator does on the municipality's people page (another area's code)."""
    from stratflow.services.accounts import hash_password
    person = User(email=email, full_name=full_name, password_hash=hash_password("Demo.2024"), municipality=town)
    person.roles.append(RoleAssignment(role=role, municipality=town))
    db.session.add(person)
    db.session.commit()
    return person


def fire_timers_on(app, day: str) -> None:
    """The scheduler runs on `day`, 10:00 Turkish time: exactly one timer is due."""
    db.session.commit()  # the scheduler works in its own session: hold no lock
    moment = datetime.fromisoformat(day + "T07:00:00")
    with time_machine.travel(moment.replace(tzinfo=UTC), tick=False):
        assert run_due_jobs(app, moment)["timers_fired"] == 1


def demo_days(text: str) -> str:
    """The 2024 calendar of `steps()` moved so that the demo's run lies ahead of today."""
    return (date.fromisoformat(text) + (date.today() - date(2024, 4, 8))).isoformat()


def walk_through_the_api(api, app, path) -> tuple[str, dict]:  # noqa: F811 - `api` is the fixture
    """Complete `path` ((bpmn_id, data) and ("clock", day) as `steps`) as each step's people do,
    through the API, from the demo's state; (instance id, the clients by e-mail)."""
    clients: dict[str, Api] = {}
    instance_id = db.session.execute(db.select(ProcessInstance.id)).scalar_one()
    for bpmn_id, data in path:
        if bpmn_id in DONE_BY_DEMO:
            continue
        if bpmn_id == "clock":
            fire_timers_on(app, data)
            continue
        waiting = _open(bpmn_id)
        assert waiting, f"{bpmn_id} is not waiting; open: {[t.bpmn_id for t in _open()]}"
        for record in waiting:
            email = f"{record.unit.code}@camlitepe.bel.tr" if record.unit else ROLE_USERS[record.role]
            client = clients.get(email) or clients.setdefault(email, api(email))
            inbox = check(client.get("/tasks"), "get", "/tasks", 200)["tasks"]
            assert record.id in {t["id"] for t in inbox}, (bpmn_id, email)
            check(client.post(f"/tasks/{record.id}/complete", data), "post", "/tasks/{task_id}/complete", 200)
    return instance_id, clients


def test_happy_path_through_the_api(api, demo, app):  # noqa: F811 - `api` is the fixture
    add_person(demo, TEAM_MEMBER, "Deniz Acar", "team_member")
    instance_id, clients = walk_through_the_api(api, app, steps(demo_days))
    done = check(clients[ROLE_USERS["coordinator"]].get(f"/instances/{instance_id}"), "get",
                 "/instances/{instance_id}", 200)
    assert done["status"] == "completed" and done["open_tasks"] == [] and done["completed_at"]
    steps_done = [t["bpmn_id"] for t in done["completed_tasks"]]
    assert set(steps_done) == set(HUMAN_ORDER) and steps_done[-1] in ("governor_submission", "plan_publication")
    assert steps_done.count("team_nomination") == steps_done.count("unit_analysis") == len(demo.units)


def test_a_submission_date_before_the_plans_approval_is_refused(api, demo, app):  # noqa: F811
    from .test_api import snapshot
    add_person(demo, TEAM_MEMBER, "Deniz Acar", "team_member")
    path = steps(demo_days)
    until = [s[0] for s in path].index("council_schedule")
    walk_through_the_api(api, app, path[:until])
    [record] = _open("council_schedule")
    approved = record.instance.anchors["plan_approval_date"]  # the day the mayor approved the plan
    clerk = api(ROLE_USERS["council_clerk"])
    check(clerk.get("/tasks"), "get", "/tasks", 200)
    before = snapshot()
    day_before = (date.fromisoformat(approved) - timedelta(days=1)).isoformat()
    refused = check(clerk.post(f"/tasks/{record.id}/complete", dict(path[until][1], submission_date=day_before)),
                    "post", "/tasks/{task_id}/complete", 422)
    approved_tr = date.fromisoformat(approved).strftime("%d.%m.%Y")
    assert refused["error"]["fields"] == {
        "submission_date": f"Bu tarih planın Başkanca onaylandığı gün ({approved_tr}) tarihinden önce olamaz."}
    # The meeting's first day before the submission, within the same form:
    refused = check(clerk.post(f"/tasks/{record.id}/complete", dict(path[until][1], submission_date=approved,
                                                                    council_meeting_date=day_before)),
                    "post", "/tasks/{task_id}/complete", 422)
    assert set(refused["error"]["fields"]) == {"council_meeting_date"}
    assert snapshot() == before  # nothing changed
    check(clerk.post(f"/tasks/{record.id}/complete", path[until][1]), "post", "/tasks/{task_id}/complete", 200)


def test_referred_in_september_and_adopted_in_october_is_shown_as_compliant(api, demo, app, client):  # noqa: F811
    """The common path: on the September agenda before the deadline, to the Plan ve Bütçe Komisyonu,
    adopted at the October meeting (after the deadline): compliant on every page that says so."""
    from stratflow.services import overview, status_report
    add_person(demo, TEAM_MEMBER, "Deniz Acar", "team_member")
    path = []
    for bpmn_id, data in steps(demo_days):
        if bpmn_id == "council_decision":
            path += [("council_decision", {"council_outcome": "referred", "commission": "Plan ve Bütçe Komisyonu"}),
                     ("commission_report", {"commission_report_date": demo_days("2024-09-20"),
                                            "commission_opinion": "Uygundur."}),
                     ("council_decision", dict(data, council_decision_date=demo_days("2024-10-01")))]
        elif bpmn_id == "decision_review":
            path.append((bpmn_id, dict(data, finalised_on=demo_days("2024-10-01"))))
        else:
            path.append((bpmn_id, data))
    instance_id, clients = walk_through_the_api(api, app, path)
    db.session.expire_all()
    instance = db.session.get(ProcessInstance, instance_id)
    assert instance.status == "completed"
    deadline = legal_deadline(demo.election_date)
    submitted, adopted = date.fromisoformat(demo_days("2024-08-27")), date.fromisoformat(demo_days("2024-10-01"))
    assert submitted <= deadline < adopted
    view = overview.municipality_overview(demo)
    assert view.compliance.state == "submitted_on_time" and view.compliance.submitted_on == submitted
    assert view.compliance.adopted_on == adopted and view.compliance.adopted_after_deadline
    assert view.risk.level == "low"
    browser = signed_in(client, ROLE_USERS["coordinator"])
    for url in (f"/municipalities/{demo.id}/overview", "/cockpit", f"/instances/{instance_id}"):
        html = browser.get(url).get_data(as_text=True)
        assert 'data-compliance="submitted_on_time"' in html and "Süresinde sunuldu" in html, url
        assert "geç kabul" not in html and "geç sunuş" not in html, url
    with app.test_request_context():
        report = docx.Document(io.BytesIO(status_report.build_docx(view, "tr", "İlçe")))
    cells = [cell.text for table in report.tables for row in table.rows for cell in row.cells]
    assert any("Süresinde sunuldu" in c and "yasal süre içinde Meclise sunuldu" in c and "kabul etti" in c
               for c in cells)


def test_invalid_board_composition_is_refused_through_the_api(api, app):  # noqa: F811
    from .test_api import new_municipality, snapshot
    town, instance = new_municipality("Yeniköy Belediyesi", "sgm@yenikoy.bel.tr", units=1)
    add_person(town, "baskan@yenikoy.bel.tr", "Başkan Yeniköy", "mayor")
    sgm, mayor = api("sgm@yenikoy.bel.tr"), api("baskan@yenikoy.bel.tr")
    first = steps()
    for client, (bpmn_id, data) in [(sgm, first[0]), (mayor, first[1])]:
        [record] = _open(bpmn_id)
        check(client.post(f"/tasks/{record.id}/complete", data), "post", "/tasks/{task_id}/complete", 200)
    [board] = _open("board_composition")
    path = f"/tasks/{board.id}/complete"
    before = snapshot()
    refused = check(sgm.post(path, {"other_members": [{"full_name": "Zeynep Çelik"}]}),
                    "post", "/tasks/{task_id}/complete", 422)
    assert refused["error"]["fields"] == {"deputy_mayors": FORMS["board_composition.schema.json"]["properties"]
                                          ["deputy_mayors"]["x-required-message"]}
    no_reason = check(sgm.post(path, {"other_members": [{"full_name": "Zeynep Çelik"}], "composition_override": True}),
                      "post", "/tasks/{task_id}/complete", 422)
    assert list(no_reason["error"]["fields"]) == ["override_reason"]
    assert snapshot() == before  # refused input changes nothing
    check(sgm.post(path, {"other_members": [{"full_name": "Zeynep Çelik"}], "composition_override": True,
                          "override_reason": "Başkan yardımcıları henüz seçilmedi."}),
          "post", "/tasks/{task_id}/complete", 200)
    assert [t["bpmn_id"] for t in check(mayor.get("/tasks"), "get", "/tasks", 200)["tasks"]] == ["board_approval"]
