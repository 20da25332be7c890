"""The municipality overview and the risk rule against scenarios with known answers.

Expected working-day counts are computed here independently (weekdays minus the `holidays`
package's Turkish public holidays), never with stratflow's own calendar code.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
import time_machine

from stratflow.extensions import db
from stratflow.models import Municipality
from stratflow.services import overview, risk

from .conftest import signed_in

LOAD_DAY = datetime(2024, 4, 24, 7, 0, tzinfo=UTC)  # demo election: Sunday 31 March 2024


def wd(start: date, end: date) -> int:
    """Working days in (start, end]: independent of stratflow.calendar."""
    off = holidays.TR(years=range(start.year, end.year + 1))
    return sum(1 for i in range(1, (end - start).days + 1)
               if (d := start + timedelta(days=i)).weekday() < 5 and d not in off)


# -- the pure rule ---------------------------------------------------------------------------------

def test_planned_spans_share_unknown_targets_equally():
    start = date(2024, 4, 5)
    targets = [date(2024, 4, 20), None, None, date(2024, 6, 26), date(2024, 6, 1), date(2024, 9, 3), None]
    spans = risk.planned_spans(start, targets)
    third = wd(date(2024, 4, 20), date(2024, 6, 26)) / 3
    assert spans[0] == wd(start, date(2024, 4, 20)) == 7  # Ramazan Bayramı 10–12 April
    assert spans[1:4] == pytest.approx([third] * 3)
    assert spans[4] == 0  # a target before the previous one plans no time
    assert spans[5] == wd(date(2024, 6, 26), date(2024, 9, 3))
    assert spans[6] == 0  # no known target after it


@pytest.mark.parametrize(("remaining", "left", "overdue", "flags", "level", "reasons"), [
    (110, 100, 0, {}, "low", ()),               # ratio 1.1: still on plan
    (111, 100, 0, {}, "medium", ()),
    (130, 100, 0, {}, "medium", ()),
    (131, 100, 0, {}, "high", ()),
    (50, 100, 2, {}, "medium", ("overdue",)),   # overdue tasks raise one level
    (120, 100, 1, {}, "high", ("overdue",)),
    (10, 0, 0, {}, "high", ("meeting_passed",)),
    (10, 50, 0, {"target_after_deadline": True}, "high", ("after_deadline",)),
    (10, -5, 3, {"deadline_passed": True}, "late", ("deadline_passed", "overdue")),
    (0, -5, 0, {"adopted": True, "deadline_passed": True}, "low", ("adopted",)),
    # Judged on submission: submitted in time (a commission may still be examining it) is low, also
    # once the deadline passed; submitted after the deadline is late, even once adopted.
    (40, -5, 0, {"submitted": True, "deadline_passed": True}, "low", ("submitted",)),
    (0, -5, 0, {"submitted": True, "submitted_late": True, "adopted": True, "deadline_passed": True}, "late",
     ("submitted_late",)),
])
def test_assess_levels(remaining, left, overdue, flags, level, reasons):
    result = risk.assess([risk.PhaseWork(remaining / 2, 0.0), risk.PhaseWork(remaining, 0.5)], left, overdue,
                         **flags)
    assert result.level == level
    assert result.reasons == reasons
    assert result.remaining_days == remaining
    assert result.ratio == (round(remaining / left, 2) if left > 0 else None)


# -- the demo at known dates ---------------------------------------------------------------------

@pytest.fixture
def frozen_demo(ctx, definition):
    from stratflow.services import demo
    with time_machine.travel(LOAD_DAY, tick=False):
        town = demo.load()
        db.session.commit()
    return town


def expected_risk(today: date) -> tuple[float, int]:
    """Remaining work and time left for the demo (circular done, organisation at (1+1+1/12+0)/4).
    The targets of milestones without a task come from their rules on the anchors the transitions
    recorded: the nomination deadline (mazbata + 30 days, 5 May) and the circular's approval day."""
    mazbata, meeting = date(2024, 4, 5), date(2024, 9, 3)   # target: first Tuesday of September
    targets = [date(2024, 4, 20),  # circular: mazbata + 15 days
               date(2024, 5, 10),  # organisation: nomination_deadline (Sunday 5 May) + 5 workdays
               date(2024, 6, 24),  # program: circular_date (24 April, the load day) + 2 months
               date(2024, 6, 26),  # analysis: meeting - 2 months - 5 workdays
               date(2024, 7, 10),  # future: meeting - 2 months + 5 workdays
               date(2024, 8, 3),   # strategy: meeting - 1 month
               date(2024, 8, 19),  # approval: meeting - 10 workdays (30 August is a holiday)
               meeting]
    spans = [wd(mazbata, targets[0])] + [wd(a, b) for a, b in zip(targets, targets[1:], strict=False)]
    progress = [1.0, (2 + 1 / 12) / 4] + [0.0] * 6
    return round(sum(s * (1 - p) for s, p in zip(spans, progress, strict=True)), 1), wd(today, meeting)


def test_overview_figures_at_a_known_day(frozen_demo):
    with time_machine.travel(datetime(2024, 4, 24, 9, 0, tzinfo=UTC), tick=False):
        view = overview.municipality_overview(frozen_demo)
    assert view.legal_deadline == date(2024, 9, 30)
    assert view.days_left == (date(2024, 9, 30) - date(2024, 4, 24)).days == 159
    assert view.next_meeting == date(2024, 5, 7)
    assert view.target_meeting == date(2024, 9, 3) and not view.target_entered
    by_key = {s.key: s for s in view.statuses}
    assert by_key["circular"].percent == 100 and by_key["circular"].state == "done"
    assert by_key["organisation"].progress == pytest.approx((2 + 1 / 12) / 4)
    assert view.current.key == "organisation"
    assert view.percent == round((1 + (2 + 1 / 12) / 4) / 9 * 100) == 17
    assert view.overdue == 0
    remaining, left = expected_risk(date(2024, 4, 24))
    assert (view.risk.remaining_days, view.risk.time_left) == (remaining, left)
    assert view.risk.ratio == round(remaining / left, 2) and view.risk.ratio <= 1.1
    assert view.risk.level == "low"


def test_overdue_nominations_raise_the_risk(frozen_demo):
    today = date(2024, 5, 20)  # the nomination deadline (mazbata + 30 days) has passed
    with time_machine.travel(datetime(2024, 5, 20, 9, 0, tzinfo=UTC), tick=False):
        view = overview.municipality_overview(frozen_demo)
    assert view.overdue == 11  # twelve units, Bilgi İşlem nominated
    assert {t.bpmn_id for t in view.overdue_tasks} == {"team_nomination"}
    remaining, left = expected_risk(today)
    assert 1.1 < remaining / left <= 1.3  # medium by the ratio …
    assert view.risk.level == "high" and view.risk.reasons == ("overdue",)  # … raised by the overdue tasks
    assert view.next_meeting == date(2024, 6, 4)


def test_cockpit_and_overview_agree(frozen_demo):
    from stratflow.models import User
    consultant = db.session.execute(db.select(User).filter_by(email="danisman@aymett.example")).scalar_one()
    with time_machine.travel(datetime(2024, 5, 20, 9, 0, tzinfo=UTC), tick=False):
        single = overview.municipality_overview(frozen_demo)
        [row] = overview.cockpit(consultant).rows
    assert (row.risk, row.percent, row.overdue, row.target_meeting) == \
        (single.risk, single.percent, single.overdue, single.target_meeting)


def test_batched_calendars_equal_the_single_ones(frozen_demo):
    from stratflow.calendar import build_schedule
    from stratflow.services import calendars
    other = Municipality(name="Deniz Belediyesi", province="İzmir", type="buyuksehir", population=4_000_000,
                         election_date=date(2024, 3, 31), council_weekday="monday")
    db.session.add(other)
    db.session.flush()
    batch = calendars.of_many([frozen_demo, other])
    assert batch[frozen_demo.id].schedule == calendars.of(frozen_demo).schedule
    assert batch[other.id].schedule == build_schedule(date(2024, 3, 31), "buyuksehir", 0, 8, {}, frozenset())


# -- the page ----------------------------------------------------------------------------------------

def test_overview_page_for_the_mayor(frozen_demo, client):
    b = signed_in(client, "baskan@camlitepe.bel.tr")
    page = b.get(f"/municipalities/{frozen_demo.id}/overview")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-phase="organisation"' in html and "Risk nasıl hesaplanır?" in html
    assert 'data-nav="overview"' in html and 'data-nav="cockpit"' not in html


@pytest.mark.parametrize("email", ["fen@camlitepe.bel.tr", "team@elsewhere.example"])
def test_overview_is_not_found_for_others(frozen_demo, client, email):
    from stratflow.models import RoleAssignment, User
    from stratflow.services.accounts import hash_password
    if email.endswith("elsewhere.example"):  # coordinator of another municipality
        other = Municipality(name="Başka Belediyesi", province="Ankara", type="ilce", population=60000,
                             election_date=date(2024, 3, 31), council_weekday="tuesday")
        user = User(email=email, full_name="Başka Koordinatör", password_hash=hash_password("Demo.2024"))
        user.roles.append(RoleAssignment(role="coordinator", municipality=other))
        db.session.add_all([other, user])
        db.session.commit()
    b = signed_in(client, email)
    assert b.get(f"/municipalities/{frozen_demo.id}/overview").status_code == 404
    assert b.get(f"/municipalities/{frozen_demo.id}/overview/report.docx").status_code == 404
