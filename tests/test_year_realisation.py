"""This year's realisation per municipality (issue 15, "what users see"): the latest approved
monitoring period of the current year, else the latest running one marked provisional; per target
the indicators' weighted rates, the plan as the mean of its targets — checked against figures
computed by hand — in the cockpit (a column, and its exports) and on the municipality overview."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine

from stratflow.extensions import db
from stratflow.models import RoleAssignment, TaskRecord, User
from stratflow.models.base import utcnow
from stratflow.services import accounts, current_realisation, monitoring, tasks

from . import factories
from .conftest import signed_in
from .plan_helpers import manager_of, town_with_plan

# Both targets have two indicators, weights 60 and 40, baseline 10, 2025 target 11 (plan_helpers.card).
# H1.1: PG1.1.1 10 → 10.5 = 50 %, PG1.1.2 10 → 12 = 200 % counted 100 → 0.6 × 50 + 0.4 × 100 = 70
# H2.1: PG2.1.1 10 → 10.2 = 20 %, PG2.1.2 10 → 10.9 = 90 %        → 0.6 × 20 + 0.4 × 90 = 48
# the plan: (70 + 48) / 2 = 59
ACTUALS = {"PG1.1.1": 10.5, "PG1.1.2": 12, "PG2.1.1": 10.2, "PG2.1.2": 10.9}
NOTE = "Gizli açıklama: ödenek gecikti"
EVIDENCE = "EBYS-99-KANIT"


def adopt(plan) -> None:
    plan.status, plan.completed_at = "completed", utcnow()  # walking the preparation is other tests' work
    db.session.commit()


@pytest.fixture
def adopted(ctx, definition):
    town, plan, units = town_with_plan()
    adopt(plan)
    return town, plan, units


def start(town, plan, year: int = 2025, half: int = 1):
    started = monitoring.start_period(factories.person(town, "coordinator"), plan, year, half)
    db.session.commit()
    return started


def enter(started, units, actuals=ACTUALS, only=None) -> None:
    """Every unit (or the units in `only`) enters its actuals, with a note and an evidence number."""
    records = db.session.execute(db.select(TaskRecord).filter_by(
        instance_id=started.id, bpmn_id="unit_actuals", state="open")).scalars().all()
    for record in records:
        unit = next(u for u in units if u.id == record.unit_id)
        if only is not None and unit not in only:
            continue
        rows = [dict(r, actual=actuals[r["indicator_code"]], note=NOTE, evidence=EVIDENCE)
                for r in record.draft["rows"]]
        tasks.complete(record.id, manager_of(unit), {"rows": rows})
    db.session.commit()


def approve(town, started) -> None:
    tasks.complete(factories.open_task(started.id, "monitoring_report").id, factories.person(town, "coordinator"),
                   {"assessment": "Hedefler büyük ölçüde yolunda."})
    tasks.complete(factories.open_task(started.id, "monitoring_approval").id, factories.person(town, "mayor"),
                   {"approval_decision": "approve"})
    db.session.commit()


def figures(town, today=date(2025, 8, 1)):
    return current_realisation.for_municipalities([town.id], today).get(town.id)


# -- the figures -----------------------------------------------------------------------------------

def test_the_figures_are_the_hand_computed_ones_provisional_then_approved(adopted):
    town, plan, units = adopted
    assert figures(town) is None  # no period yet
    started = start(town, plan)
    enter(started, units, only=units[:1])
    found = figures(town)
    assert found.provisional and (found.year, found.half) == (2025, 1)
    assert {t.code: t.rate for t in found.targets} == {"H1.1": 70.0, "H2.1": None}
    assert (found.plan.rate, found.plan.counted, found.plan.total) == (70.0, 1, 2)  # H2.1 waits
    enter(started, units)
    assert (figures(town).plan.rate, figures(town).plan.counted) == (59.0, 2)
    approve(town, started)
    found = figures(town)
    assert not found.provisional and found.instance_id == started.id
    assert {t.code: t.rate for t in found.targets} == {"H1.1": 70.0, "H2.1": 48.0}
    assert found.plan.rate == 59.0
    # the realisation page's own figures are the same
    assert monitoring.realisation_of(started).plan.rate == 59.0
    assert figures(town, date(2026, 3, 1)) is None  # another year: nothing of 2025 is this year's


def test_an_approved_period_wins_over_a_running_later_one(adopted):
    town, plan, units = adopted
    first = start(town, plan, 2025, 1)
    enter(first, units)
    approve(town, first)
    second = start(town, plan, 2025, 2)
    enter(second, units, {code: 11 for code in ACTUALS})  # everything reached: 100 %, but not approved
    found = figures(town, date(2025, 12, 31))
    assert found.instance_id == first.id and not found.provisional and found.plan.rate == 59.0
    approve(town, second)
    found = figures(town, date(2025, 12, 31))
    assert (found.instance_id, found.half, found.plan.rate) == (second.id, 2, 100.0)


def test_a_first_half_rescales_the_weights_of_the_indicators_it_asks_for(adopted):
    """PG1.1.2 is monitored yearly: January–June asks for PG1.1.1 (weight 60) only, and H1.1 is
    PG1.1.1's 50 % — not 0.6 × 50 = 30."""
    from stratflow.models import PlanIndicator
    town, plan, units = adopted
    db.session.execute(db.update(PlanIndicator).where(PlanIndicator.code == "PG1.1.2").values(monitoring="yearly"))
    db.session.commit()
    started = start(town, plan)
    enter(started, units)
    rates = {t.code: t.rate for t in figures(town).targets}
    assert rates == {"H1.1": 50.0, "H2.1": 48.0}
    assert figures(town).plan.rate == 49.0


def test_a_terminated_period_never_counts(adopted):
    town, plan, units = adopted
    started = start(town, plan)
    enter(started, units)
    started.status = "terminated"
    db.session.commit()
    assert figures(town) is None


# -- on the pages ----------------------------------------------------------------------------------

def login(client, user):
    user.password_hash = accounts.hash_password("Demo.2024")
    db.session.commit()
    return signed_in(client, user.email)


def consultant_of(*towns) -> User:
    user = User(email="danisman@example.org", full_name="Danışman Kişi")
    user.roles.extend(RoleAssignment(role="consultant", municipality=t) for t in towns)
    db.session.add(user)
    db.session.commit()
    return user


def test_the_cockpit_column_and_its_exports(adopted, client):
    town, plan, units = adopted
    other, _plan, _units = town_with_plan("Öteki Belediyesi", cards=False)
    started = start(town, plan)
    enter(started, units)
    consultant = consultant_of(town, other)
    with time_machine.travel(date(2025, 8, 1), tick=False):
        browser = login(client, consultant)
        html = browser.get("/cockpit").get_data(as_text=True)
        cell = _cell(html, town)
        assert "%59" in cell and "(Oca–Haz 2025)" in cell and 'data-test="provisional"' in cell
        assert _cell(html, other).strip().startswith('<span class="muted">—')
        rows = list(csv.reader(io.StringIO(browser.get("/cockpit.csv").get_data(as_text=True).lstrip("\ufeff")),
                               delimiter=";"))
    header = rows[0]
    ours = next(r for r in rows if r[0] == town.name)
    assert ours[header.index("Yılın gerçekleşmesi (%)")] == "59,0"  # a number: decimals with a comma
    assert ours[header.index("Gerçekleşme dönemi")] == "Oca–Haz 2025 (geçici)"
    approve(town, started)
    with time_machine.travel(date(2025, 8, 1), tick=False):
        html = login(client.application.test_client(), consultant).get("/cockpit").get_data(as_text=True)
    cell = _cell(html, town)
    assert "%59" in cell and 'data-test="provisional"' not in cell


def _cell(html: str, town) -> str:
    row = html.split(f'data-municipality="{town.id}"')[1]
    return row.split('data-test="year-realisation">')[1].split("</td>")[0]


def test_the_overview_shows_the_year_and_each_target(adopted, client):
    town, plan, units = adopted
    started = start(town, plan)
    enter(started, units)
    approve(town, started)
    with time_machine.travel(date(2025, 8, 1), tick=False):
        page = f"/municipalities/{town.id}/overview"
        html = login(client, factories.person(town, "coordinator")).get(page).get_data(as_text=True)
        factories.person(town, "mayor").locale = "en"
        english = login(client.application.test_client(), factories.person(town, "mayor"))
        english_html = english.get(page).get_data(as_text=True)
    section = html.split('data-test="year-realisation-section"')[1].split("</section>")[0]
    assert 'data-rate="59.0"' in section and "(Oca–Haz 2025)" in section
    assert 'data-target="H1.1"' in section and 'data-rate="70.0"' in section and 'data-rate="48.0"' in section
    assert f'/instances/{started.id}/realisation' in section
    assert "2 / 2 hedef" in section
    with time_machine.travel(date(2025, 8, 1), tick=False):
        realisation = login(client.application.test_client(), factories.person(town, "coordinator")).get(
            f"/instances/{started.id}/realisation").get_data(as_text=True)
    assert 'data-test="plan-realisation" data-rate="59.0"' in realisation  # the same figure on its own page
    english_section = english_html.split('data-test="year-realisation-section"')[1].split("</section>")[0]
    assert "59%" in english_section and "(Jan–Jun 2025)" in english_section


def test_a_period_of_a_year_the_plan_no_longer_has_shows_no_rates(adopted, client):
    """The plan's first year moved after the period was monitored: no planned values, no rates —
    and the cockpit still answers."""
    town, plan, units = adopted
    started = start(town, plan)
    enter(started, units)
    plan.plan_first_year = 2026
    db.session.commit()
    found = figures(town)
    assert found.instance_id == started.id and found.plan.rate is None
    assert {t.code: t.rate for t in found.targets} == {"H1.1": None, "H2.1": None}
    with time_machine.travel(date(2025, 8, 1), tick=False):
        html = login(client, consultant_of(town)).get("/cockpit").get_data(as_text=True)
    assert "girişler bekleniyor" in _cell(html, town)
