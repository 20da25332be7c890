"""The instance page's BPMN diagram in a real browser: bpmn-js, served from our own static files,
marks every element of a seeded instance in the middle of the process (tests/midway.py).

bpmn-js comes from the npm registry through `make assets` (static/vendor/bpmn-js/); without it
these tests fail and say so — they are never skipped.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from stratflow.extensions import db
from stratflow.models import TaskRecord

from .midway import seed

pytest_plugins = ["tests.live_server"]  # fixtures: live_server, chromium, page
pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor" / "bpmn-js"
ARTIFACTS = ROOT / "test-artifacts"  # gitignored


@pytest.fixture(autouse=True)
def _bpmn_js_installed():
    missing = [name for name in ("bpmn-navigated-viewer.production.min.js", "diagram-js.css", "bpmn-js.css")
               if not (VENDOR / name).is_file()]
    if missing:
        pytest.fail(f"bpmn-js is not installed in {VENDOR} (missing {', '.join(missing)}): run `make assets` "
                    "(npm ci from package-lock.json, then a copy into static/vendor/).", pytrace=False)


def sign_in(page, email: str, password: str = "Demo.2024") -> None:
    page.goto("/login")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_role("heading", name="Gelen kutusu", exact=True)).to_be_visible()


def element(page, bpmn_id: str):
    return page.locator(f'.sf-diagram [data-element-id="{bpmn_id}"]').first


def expected_mark(records: list[TaskRecord], today: date) -> str:
    """The mark a user task should carry, worked out here from its records (latest per unit)."""
    latest = {}
    for r in sorted(records, key=lambda r: r.created_at):
        if r.state != "cancelled":
            latest[r.unit_id] = r
    if not latest:
        return "sf-not-reached"
    open_ = [r for r in latest.values() if r.state == "open"]
    if any(r.due_date and r.due_date < today for r in open_):
        return "sf-overdue"
    return "sf-active" if open_ else "sf-completed"


def test_diagram_marks_a_process_in_the_middle(app, definition, page):
    today = date.today()
    info = seed(app, today)
    records = list(db.session.execute(db.select(TaskRecord)).scalars())
    by_step: dict[str, list] = {}
    for r in records:
        by_step.setdefault(r.bpmn_id, []).append(r)
    fen_analysis = next(r.id for r in by_step["unit_analysis"] if r.unit.code == "fen")
    plan_evaluation = by_step["plan_evaluation"][0]
    db.session.commit()

    sign_in(page, "sgm@camlitepe.bel.tr")
    page.goto(f"/instances/{info['instance_id']}")
    box = page.locator("#sf-diagram")
    expect(box).to_have_attribute("data-state", "ready")

    # user tasks: from their records
    for bpmn_id in ("circular_draft", "circular_approval", "board_approval", "team_nomination", "team_list",
                    "program_draft", "program_approval", "unit_analysis", "plan_evaluation", "findings_needs",
                    "council_decision", "plan_publication"):
        mark = expected_mark(by_step.get(bpmn_id, []), today)
        expect(element(page, bpmn_id)).to_have_class(re.compile(rf"(^|\s){mark}(\s|$)"))
    assert expected_mark(by_step["circular_draft"], today) == "sf-completed"
    assert expected_mark(by_step["unit_analysis"], today) == "sf-overdue"  # 8 units 20 days late
    assert expected_mark([], today) == "sf-not-reached"
    # the engine's elements: passed, waiting joins and later ones
    for bpmn_id in ("start_event", "mandate_check", "gw_required", "gw_circular", "split_board_team",
                    "kickoff_timer", "join_board_team", "gw_program", "split_analysis"):
        expect(element(page, bpmn_id)).to_have_class(re.compile(r"\bsf-completed\b"))
    for bpmn_id in ("voluntary_decision", "end_not_prepared", "nomination_escalation", "nomination_overdue",
                    "join_analysis", "gw_analysis", "end_event"):
        expect(element(page, bpmn_id)).to_have_class(re.compile(r"\bsf-not-reached\b"))
    expect(page.locator(".sf-diagram .djs-element.sf-completed")).not_to_have_count(0)
    # the watermark stays (bpmn-js licence)
    expect(page.locator(".sf-diagram .bjs-powered-by")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    box.screenshot(path=str(ARTIFACTS / "diagram-midway.png"))
    page.screenshot(path=str(ARTIFACTS / "instance-page-midway.png"), full_page=True)

    # a step with one task opens its task page ...
    element(page, "plan_evaluation").click()
    expect(page).to_have_url(re.compile(rf"/tasks/{plan_evaluation.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(plan_evaluation.name)
    # ... one with a task per unit offers the list
    page.go_back()
    expect(box).to_have_attribute("data-state", "ready")
    element(page, "unit_analysis").click()
    popup = page.locator(".sf-popup")
    expect(popup.locator("li")).to_have_count(12)
    expect(popup.get_by_role("link", name="Fen İşleri Müdürlüğü")).to_have_attribute(
        "href", re.compile(rf"/tasks/{fen_analysis}$"))
    expect(popup.locator("li").filter(has_text="Fen İşleri Müdürlüğü")).to_contain_text("Tamamlandı")
    expect(popup.locator("li").filter(has_text="Zabıta Müdürlüğü")).to_contain_text("Gecikmiş")
    box.screenshot(path=str(ARTIFACTS / "diagram-unit-list.png"))


def test_page_works_without_the_diagram_script(app, definition, chromium, live_server):
    """The diagram is progressive: with scripts off the tables are all there."""
    info = seed(app, date.today())
    context = chromium.new_context(base_url=live_server.url, locale="tr-TR", java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "sgm@camlitepe.bel.tr")
        page.goto(f"/instances/{info['instance_id']}")
        expect(page.locator('[data-test="unit-matrix"] tbody tr')).to_have_count(12)
        expect(page.locator('[data-test="timeline-row"]')).to_have_count(9)
        expect(page.locator("#sf-diagram")).to_have_attribute("data-state", "loading")
    finally:
        context.close()


def test_diagram_says_so_when_the_viewer_cannot_load(app, definition, page):
    info = seed(app, date.today())
    page.route(re.compile(r".*/diagram\.bpmn$"), lambda route: route.fulfill(status=500, body="boom"))
    sign_in(page, "sgm@camlitepe.bel.tr")
    page.goto(f"/instances/{info['instance_id']}")
    box = page.locator("#sf-diagram")
    expect(box).to_have_attribute("data-state", "error")
    expect(box.locator(".sf-diagram-message")).to_contain_text("Şema gösterilemedi")
    expect(page.locator('[data-test="open-tasks"]')).to_contain_text("Zabıta Müdürlüğü")
