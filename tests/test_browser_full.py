"""The whole Strategic Plan process in a real browser with the demo data: every person works
from their own inbox, from the units' nominations to the published plan.

Debian's Chromium driven by Playwright against the live server of tests/live_server.py. The
test's own database session is committed before the browser acts (SQLite: BEGIN IMMEDIATE).
Timers (kick-off meeting, council meeting day) fire through the scheduler with a travelled
clock, as the scheduler process would on those days.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from stratflow.extensions import db
from stratflow.models import ProcessInstance, TaskRecord

from .test_strategic_plan import (
    DONE_BY_DEMO,
    ROLE_USERS,
    TEAM_MEMBER,
    add_person,
    demo_days,
    fire_timers_on,
    steps,
)

pytest_plugins = ["tests.live_server"]  # fixtures: live_server, chromium
pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"  # gitignored
SHOTS = {"team_list", "board_composition", "analysis_adoption", "strategy_draft", "council_decision"}


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"full-{name}.png"), full_page=True)


class People:
    """One signed-in browser context per person, opened when first needed. A page whose inbox
    was rendered after the last completion is still current and needs no reload."""

    def __init__(self, chromium, base_url):
        self.chromium, self.base_url, self.pages, self.seen = chromium, base_url, {}, {}
        self.completions = 0

    def page(self, email: str):
        if email not in self.pages:
            context = self.chromium.new_context(base_url=self.base_url, locale="tr-TR",
                                                viewport={"width": 1280, "height": 900})
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.goto("/login")
            page.locator('input[name="email"]').fill(email)
            page.locator('input[name="password"]').fill("Demo.2024")
            page.get_by_role("button", name="Giriş yap").click()
            expect(page.get_by_role("heading", name="Gelen kutusu", exact=True)).to_be_visible()
            self.pages[email], self.seen[email] = page, self.completions
        return self.pages[email]

    def inbox(self, email: str):
        page = self.page(email)
        if self.seen[email] != self.completions:
            page.goto("/")
        return page

    def completed(self, email: str | None = None) -> None:
        """The process moved on (a task sent by `email`, or a timer): other inboxes are stale;
        the one `email` looks at after sending is current."""
        self.completions += 1
        if email:
            self.seen[email] = self.completions

    def close(self):
        for page in self.pages.values():
            page.context.close()


def open_tasks(bpmn_id: str) -> list[tuple[str, str]]:
    """(task id, the e-mail of the person who should act) of every open `bpmn_id` task."""
    rows = db.session.execute(db.select(TaskRecord).filter_by(state="open", bpmn_id=bpmn_id)).scalars().all()
    found = [(t.id, f"{t.unit.code}@camlitepe.bel.tr" if t.unit else ROLE_USERS[t.role]) for t in rows]
    db.session.commit()  # release the lock before the browser acts
    return found


def fill(page, data: dict) -> None:
    kinds = page.eval_on_selector_all(  # one round trip for the kinds of every field
        "form.task-form [name]", "els => Object.fromEntries(els.map(e => [e.name, "
        "e.tagName === 'SELECT' ? 'select' : e.type]))")
    values = {}
    for key, value in data.items():
        if isinstance(value, list):
            values |= {f"{key}-{i}-{column}": cell for i, row in enumerate(value) for column, cell in row.items()}
        else:
            values[key] = value
    for name, value in values.items():
        field = page.locator(f'[name="{name}"]')
        if kinds[name] == "select":
            field.select_option(str(value))
        elif kinds[name] == "checkbox":
            field.set_checked(bool(value))
        else:
            field.fill(str(value))


def submit(page) -> int:
    with page.expect_response(lambda r: r.request.method == "POST") as response:
        page.get_by_role("button", name="Gönder", exact=True).click()
    page.wait_for_load_state()
    return response.value.status


def work(people: People, email: str, task_id: str, bpmn_id: str, data: dict) -> None:
    """From the inbox: open the task, read the instructions, fill the form, send it."""
    page = people.inbox(email)
    page.locator(f'tr[data-task="{bpmn_id}"] a[href="/tasks/{task_id}"]').click()
    expect(page.locator("section.instructions")).to_be_visible()
    fill(page, data)
    if bpmn_id in SHOTS:
        screenshot(page, bpmn_id)
    assert submit(page) == 302, page.locator(".field-error").all_inner_texts()
    expect(page.locator(".flash.success")).to_contain_text("tamamlandı")
    people.completed(email)


def test_the_whole_process_in_the_browser(demo, app, chromium, live_server):
    add_person(demo, TEAM_MEMBER, "Deniz Acar", "team_member")  # the coordinator's job on the people page
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    instance_id, title = instance.id, instance.title
    db.session.commit()
    people = People(chromium, live_server.url)
    try:
        for bpmn_id, data in steps(demo_days):
            if bpmn_id in DONE_BY_DEMO:
                continue
            if bpmn_id == "clock":
                fire_timers_on(app, data)
                people.completed()
                continue
            waiting = open_tasks(bpmn_id)
            assert waiting, f"{bpmn_id} is not waiting"
            for task_id, email in waiting:
                work(people, email, task_id, bpmn_id, data)

        coordinator = people.page(ROLE_USERS["coordinator"])
        coordinator.goto("/instances")
        coordinator.get_by_role("link", name=title).click()
        expect(coordinator.get_by_role("heading", level=1)).to_have_text(title)
        expect(coordinator.locator('[data-test="instance-status"]')).to_have_text("Tamamlandı")
        completed = coordinator.locator('[data-test="completed-steps"]')
        expect(completed).to_contain_text("Meclis kararını kaydet")
        expect(completed).to_contain_text("Planı yayımla ve kurumlara gönder")
        expect(completed.locator("tr").filter(has_text="Deniz Acar")).not_to_have_count(0)  # the team's work
        expect(coordinator.locator('[data-test="current-steps"]')).to_contain_text("Açık görev yok.")
        screenshot(coordinator, "instance-completed")
        mayor = people.page(ROLE_USERS["mayor"])
        mayor.goto("/")
        expect(mayor.locator('[data-test="inbox"]')).to_contain_text("Bekleyen göreviniz yok.")
    finally:
        people.close()

    db.session.expire_all()
    done = db.session.get(ProcessInstance, instance_id)
    assert done.status == "completed" and re.search(r"plan_publication", done.state)
    db.session.commit()
