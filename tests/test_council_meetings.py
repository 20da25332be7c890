"""The actual council meeting dates: entered by the clerk (or the coordinator), they win over the
meeting rule; the target meeting and the open tasks' due dates follow at once."""

from __future__ import annotations

import html
from datetime import date

from stratflow.extensions import db
from stratflow.models import AuditEvent, CouncilMeetingDate, Municipality, MunicipalitySettings, TaskRecord
from stratflow.services import calendars, deadlines
from stratflow.services.transition import context_of

from .conftest import signed_in

CLERK = "yaziisleri@camlitepe.bel.tr"
COORDINATOR = "sgm@camlitepe.bel.tr"
MAYOR = "baskan@camlitepe.bel.tr"
CONSULTANT = "danisman@aymett.example"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _tasks(bpmn_id: str, state: str = "open") -> list[TaskRecord]:
    db.session.expire_all()
    return list(db.session.execute(db.select(TaskRecord).filter_by(bpmn_id=bpmn_id, state=state)).scalars())


def _march_2024(town) -> None:
    """Election 31 March 2024: deadline 30 September; the rule's September meeting is Tuesday 3rd."""
    town.election_date, town.mazbata_date = date(2024, 3, 31), date(2024, 4, 5)
    db.session.commit()


def test_entered_meeting_date_wins_and_moves_open_tasks_only(demo, client):
    _march_2024(demo)
    # A phase target that breaks the process order is refused and changes nothing: nominations due
    # 20 days before the meeting would fall after the team list that follows them.
    coordinator = signed_in(client.application.test_client(), COORDINATOR)
    response = coordinator.post(f"/municipalities/{demo.id}/settings",
                                {"recess_month": "8", "rule_team_nomination": "target_council_meeting - 20 days"},
                                form_page=f"/municipalities/{demo.id}")
    assert response.status_code == 422
    assert "kendisinden sonra gelen “Ekip listesini kesinleştir” adımından" in _text(response)
    assert db.session.get(MunicipalitySettings, demo.id) is None
    coordinator = signed_in(client.application.test_client(), COORDINATOR)
    response = coordinator.post(f"/municipalities/{demo.id}/settings",
                                {"recess_month": "8", "rule_team_nomination": "target_council_meeting - 80 workdays",
                                 "rule_circular_approval": "mazbata_date + 20 days"},
                                form_page=f"/municipalities/{demo.id}")
    assert response.status_code == 302
    assert calendars.of(demo).schedule.target.date == date(2024, 9, 3)
    assert {t.due_date for t in _tasks("team_nomination")} == {date(2024, 5, 7)}
    [approval] = _tasks("circular_approval", "completed")
    approval_due = approval.due_date

    clerk = signed_in(client, CLERK)
    page = clerk.get(f"/municipalities/{demo.id}/council-meetings")
    assert page.status_code == 200 and 'data-form="meeting"' in _text(page)
    # The September meeting was held on Thursday 26 September (still before the deadline).
    response = clerk.post(f"/municipalities/{demo.id}/council-meetings",
                          {"month": "2024-09", "meeting_date": "26.09.2024"})
    assert response.status_code == 302
    db.session.expire_all()
    sched = calendars.of(demo).schedule
    assert sched.target.date == date(2024, 9, 26)
    assert date(2024, 9, 3) not in [m.date for m in sched.meetings]
    assert {t.due_date for t in _tasks("team_nomination")} == {date(2024, 5, 30)}
    assert db.session.get(TaskRecord, approval.id).due_date == approval_due  # completed: never moves
    moves = db.session.execute(db.select(AuditEvent).filter_by(action="task.due_changed")
                               .order_by(AuditEvent.id)).scalars().all()
    assert {m.details["new"] for m in moves[-len(_tasks("team_nomination")):]} == {"2024-05-30"}
    [entered] = db.session.execute(db.select(AuditEvent).filter_by(action="council_meeting.entered")).scalars()
    assert entered.details == {"month": "2024-09", "old": None, "new": "2024-09-26"}
    html_ = _text(clerk.get(f"/municipalities/{demo.id}/council-meetings"))
    assert "26 Eylül 2024" in html_ and "Girilen tarih" in html_

    # Entering it again for the same month replaces the date; removing it returns to the rule.
    assert clerk.post(f"/municipalities/{demo.id}/council-meetings",
                      {"month": "", "meeting_date": "2024-09-10"}).status_code == 302
    assert db.session.execute(db.select(CouncilMeetingDate.meeting_date)).scalars().all() == [date(2024, 9, 10)]
    assert {t.due_date for t in _tasks("team_nomination")} == {date(2024, 5, 14)}
    row = db.session.execute(db.select(CouncilMeetingDate)).scalar_one()
    assert clerk.post(f"/municipalities/{demo.id}/council-meetings/{row.id}/remove", {},
                      form_page=f"/municipalities/{demo.id}/council-meetings").status_code == 302
    db.session.expire_all()
    assert calendars.of(demo).schedule.target.date == date(2024, 9, 3)
    assert {t.due_date for t in _tasks("team_nomination")} == {date(2024, 5, 7)}


def test_a_process_meeting_date_follows_a_later_entered_date_of_its_month(demo):
    _march_2024(demo)
    from stratflow.models import ProcessInstance
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    data = {"council_meeting_date": "2024-09-03"}
    assert deadlines.anchor_value(context_of(instance), "target_council_meeting", data) == date(2024, 9, 3)
    db.session.add(CouncilMeetingDate(municipality_id=demo.id, month=date(2024, 9, 1), meeting_date=date(2024, 9, 12)))
    db.session.commit()
    assert deadlines.anchor_value(context_of(instance), "target_council_meeting", data) == date(2024, 9, 12)


def test_bad_dates_and_who_may_enter_them(demo, client):
    _march_2024(demo)
    clerk = signed_in(client, CLERK)
    for fields, message in [({"month": "", "meeting_date": ""}, "Toplantı tarihi boş olamaz."),
                            ({"month": "", "meeting_date": "31.02.2024"}, "Toplantı tarihi geçerli değil"),
                            ({"month": "2024-13", "meeting_date": "2024-09-03"}, "Ay geçerli değil"),
                            ({"month": "2024-09", "meeting_date": "2024-12-03"}, "izleyen ayda olmalıdır")]:
        response = clerk.post(f"/municipalities/{demo.id}/council-meetings", fields)
        assert response.status_code == 422, fields
        assert message in _text(response), fields
    assert db.session.execute(db.select(CouncilMeetingDate)).first() is None
    # Without the CSRF token: refused.
    assert client.post(f"/municipalities/{demo.id}/council-meetings",
                       data={"meeting_date": "2024-09-10"}).status_code == 400

    # The mayor and the consultant may look, not enter (403); another municipality is not found.
    for email in (MAYOR, CONSULTANT):
        other = client.application.test_client()
        browser = signed_in(other, email)
        assert browser.get(f"/municipalities/{demo.id}/council-meetings").status_code == 200
        token = browser.csrf("/profile")  # they see no meeting form: take a token from their profile
        response = other.post(f"/municipalities/{demo.id}/council-meetings",
                              data={"meeting_date": "2024-09-10", "csrf_token": token})
        assert response.status_code == 403, email
    stranger = Municipality(name="Başka Belediyesi", province="Bursa", type="ilce", population=1000,
                            election_date=date(2024, 3, 31), council_weekday="monday")
    db.session.add(stranger)
    db.session.commit()
    assert clerk.get(f"/municipalities/{stranger.id}/council-meetings").status_code == 404
    assert clerk.post(f"/municipalities/{stranger.id}/council-meetings", {"meeting_date": "2024-09-10"},
                      form_page=f"/municipalities/{demo.id}/council-meetings").status_code == 404
    assert clerk.get("/municipalities/999999/council-meetings").status_code == 404
    assert db.session.execute(db.select(CouncilMeetingDate)).first() is None

    # The coordinator may enter a date too; the clerk sees the page in the navigation.
    coordinator = signed_in(client.application.test_client(), COORDINATOR)
    assert coordinator.post(f"/municipalities/{demo.id}/council-meetings",
                            {"month": "2024-07", "meeting_date": "2024-07-09"}).status_code == 302
    assert f"/municipalities/{demo.id}/council-meetings" in _text(clerk.get("/"))
    assert db.session.execute(db.select(CouncilMeetingDate.month)).scalars().all() == [date(2024, 7, 1)]
    assert date(2024, 7, 9) in [m.date for m in calendars.of(demo).schedule.meetings]
    assert date(2024, 7, 2) not in [m.date for m in calendars.of(demo).schedule.meetings]


def test_the_page_shows_each_meetings_notes_and_the_day_the_deadline_counts_from(demo, client):
    # a metropolitan Wednesday council: Wed 10 April 2024 is Ramazan Bayramı → proposed on Tue 9 April,
    # the nearest working day of the same (second) week, and the page says so beside the meeting
    demo.election_date, demo.type, demo.council_weekday = date(2024, 3, 31), "buyuksehir", "wednesday"
    db.session.commit()
    page = _text(signed_in(client, CLERK).get(f"/municipalities/{demo.id}/council-meetings"))
    row = page[page.index('data-meeting="2024-04-09"'):]
    row = row[:row.index("</tr>")]
    assert "Ramazan Bayramı" in row and "en yakın iş günü" in row and "Tatil nedeniyle kaydırıldı" in row
    assert 'data-meeting="2024-04-15"' not in page
    assert "süre 31 Mart 2024 tarihinden sayılır" in page and "Genel seçim" in page


def test_a_rerun_counts_the_councils_deadline_from_the_general_election(demo, client):
    demo.election_date, demo.election_kind, demo.general_election_date = date(2019, 6, 23), "yenileme", \
        date(2019, 3, 31)
    demo.mazbata_date = date(2019, 6, 27)
    db.session.commit()
    sched = calendars.of(demo).schedule
    assert (sched.legal_deadline, sched.target.date) == (date(2019, 9, 30), date(2019, 9, 3))
    page = _text(signed_in(client, CLERK).get(f"/municipalities/{demo.id}/council-meetings"))
    assert "Yenileme seçimi (YSK kararıyla)" in page and "süre 31 Mart 2019 tarihinden sayılır" in page
    assert "genel seçim günü" in page


def test_a_recess_in_april_or_in_the_deadline_month_is_warned(demo, client):
    _march_2024(demo)
    coordinator = signed_in(client, COORDINATOR)
    path = f"/municipalities/{demo.id}"
    assert coordinator.post(f"{path}/settings", {"recess_month": "4"}, form_page=path).status_code == 302
    page = _text(coordinator.get(path))
    assert 'data-test="recess-warning"' in page and "faaliyet raporu" in page and "5393 md. 56" in page
    instance_id = db.session.execute(db.select(TaskRecord.instance_id)).scalars().first()
    warnings = _text(coordinator.get(f"/instances/{instance_id}"))
    warnings = warnings[warnings.index('data-test="deadline-warnings"'):]
    assert "faaliyet raporu" in warnings[:warnings.index("</ul>")]
    assert coordinator.post(f"{path}/settings", {"recess_month": "9"}, form_page=path).status_code == 302
    page = _text(coordinator.get(path))
    assert "seçim yılında yasal süre sonunun bulunduğu ay" in page
    assert coordinator.post(f"{path}/settings", {"recess_month": "8"}, form_page=path).status_code == 302
    assert 'data-test="recess-warning"' not in _text(coordinator.get(path))
