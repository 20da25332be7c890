"""The statutory countdown to the legal deadline, the legal basis in reminders, the daily digest."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from stratflow.calendar import legal_deadline
from stratflow.extensions import db
from stratflow.models import OutboxMessage, ProcessInstance, TaskRecord, User
from stratflow.services import reminders, tasks

COORDINATOR, MAYOR = "sgm@camlitepe.bel.tr", "baskan@camlitepe.bel.tr"


def _rows(kind_prefix: str = "") -> list[OutboxMessage]:
    db.session.expire_all()
    return [r for r in db.session.execute(db.select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
            if r.kind.startswith(kind_prefix)]


def _no_task_due_dates() -> None:
    for record in db.session.execute(db.select(TaskRecord)).scalars():
        record.due_date = None
    db.session.commit()


def _plan_days(first: date, last: date, prefix: str = "countdown") -> dict:
    """Plan once a day at 09:00 UTC from `first` to `last`: the new rows of each day."""
    seen = {r.id for r in _rows()}
    planned = defaultdict(list)
    day = first
    while day <= last:
        reminders.plan_due(datetime(day.year, day.month, day.day, 9))
        db.session.commit()
        for row in _rows(prefix):
            if row.id not in seen:
                seen.add(row.id)
                planned[day].append((row.kind, row.to_address))
        day += timedelta(days=1)
    return {d: sorted(v) for d, v in planned.items()}


def test_countdown_thresholds():
    deadline = date(2024, 9, 30)
    at = reminders.countdown_threshold
    assert at(deadline, date(2024, 7, 31), (60, 30, 14, 7, 3)) is None  # 61 days before
    assert at(deadline, date(2024, 8, 1), (60, 30, 14, 7, 3)) == 60
    assert at(deadline, date(2024, 8, 31), (60, 30, 14, 7, 3)) == 30
    assert at(deadline, date(2024, 9, 27), (60, 30, 14, 7, 3)) == 3
    assert at(deadline, deadline, (60, 30, 14, 7, 3)) == 3
    assert at(deadline, date(2024, 10, 1), (60, 30, 14, 7, 3)) is None  # past the deadline


def test_countdown_to_the_legal_deadline_for_coordinator_and_mayor(demo, app):
    _no_task_due_dates()
    town = demo
    deadline = legal_deadline(town.election_date)
    planned = _plan_days(deadline - timedelta(days=65), deadline + timedelta(days=3))
    people = [COORDINATOR, MAYOR]
    assert planned == {deadline - timedelta(days=n): sorted((f"countdown-{n}", p) for p in people)
                       for n in (60, 30, 14, 7, 3)}
    row = next(r for r in _rows("countdown-14") if r.to_address == COORDINATOR)
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    assert row.key == f"countdown:{instance.id}:{row.recipient_id}:14" and row.task_id is None
    assert row.subject == "Yasal süre: stratejik planın Meclise sunulmasına 14 gün kaldı (Çamlıtepe Belediyesi)"
    assert "Dayanak: 5393 sayılı Belediye Kanunu md. 41" in row.text_body
    assert f"/instances/{instance.id}" in row.text_body and row.ics and row.state == "pending"
    # Planning again changes nothing.
    assert reminders.plan_due(datetime.combine(deadline - timedelta(days=3), datetime.min.time()).replace(hour=9)) == 0


def test_countdown_in_english_for_an_english_reader(demo, app):
    _no_task_due_dates()
    mayor = db.session.execute(db.select(User).filter_by(email=MAYOR)).scalar_one()
    mayor.locale = "en"
    db.session.commit()
    deadline = legal_deadline(demo.election_date)
    _plan_days(deadline - timedelta(days=7), deadline - timedelta(days=7))
    english = next(r for r in _rows("countdown") if r.to_address == MAYOR)
    assert english.locale == "en"
    assert english.subject == ("Statutory deadline: 7 days left to submit the strategic plan to the council "
                               "(Çamlıtepe Belediyesi)")
    assert "Legal basis: 5393 sayılı Belediye Kanunu md. 41" in english.text_body


def test_no_countdown_once_the_submission_is_recorded_or_the_process_ended(demo, app):
    _no_task_due_dates()
    deadline = legal_deadline(demo.election_date)
    instance = db.session.execute(db.select(ProcessInstance)).scalar_one()
    # The submission step completed (the record's step is rewritten: walking the whole
    # process to it is tests/test_strategic_plan.py's work).
    done = db.session.execute(db.select(TaskRecord).filter_by(instance_id=instance.id, state="completed")
                              .limit(1)).scalar_one()
    done.bpmn_id = "council_schedule"  # the submission to the council
    db.session.commit()
    assert _plan_days(deadline - timedelta(days=60), deadline - timedelta(days=60)) == {}
    done.bpmn_id = "circular_draft"
    instance.status = "completed"
    db.session.commit()
    assert _plan_days(deadline - timedelta(days=30), deadline - timedelta(days=30)) == {}
    instance.status = "running"
    db.session.commit()
    assert _plan_days(deadline - timedelta(days=30), deadline - timedelta(days=30)) != {}


def test_legal_basis_from_the_instructions(demo):
    assert reminders.legal_basis(None) is None
    assert reminders.legal_basis("Bir şey yapın.") is None
    assert reminders.legal_basis("Yapın. Dayanak: 5393 sayılı Belediye Kanunu md. 38(b) ve 41.") == \
        "5393 sayılı Belediye Kanunu md. 38(b) ve 41"


def test_reminder_shows_the_legal_basis_of_its_step(demo, app):
    _no_task_due_dates()
    fen, other = [t for t in db.session.execute(db.select(TaskRecord).filter_by(state="open", bpmn_id="team_nomination")
                                                .order_by(TaskRecord.id)).scalars()
                  if t.unit.code in ("fen", "sgm")][:2]
    assert tasks.instructions(fen) and "Dayanak:" not in tasks.instructions(fen)
    fen.due_date = other.due_date = date(2024, 9, 18)
    # A step whose instructions name a legal basis (the record is given that step).
    other.bpmn_id = "plan_approval"
    db.session.commit()
    reminders.plan_due(datetime(2024, 9, 13, 9))
    db.session.commit()
    assert {r.compose["basis"] for r in _rows("before-")} == {None, "5393 sayılı Belediye Kanunu md. 38(b) ve 41"}
    from stratflow.mail import delivery
    delivery.deliver_due(datetime(2024, 9, 13, 9, 1))  # composed as they go out
    db.session.commit()
    by_task = {r.task_id: r for r in _rows("before-")}
    assert "Dayanak" not in by_task[fen.id].text_body
    assert "Dayanak: 5393 sayılı Belediye Kanunu md. 38(b) ve 41" in by_task[other.id].text_body
    assert "5393 sayılı Belediye Kanunu md. 38(b) ve 41</td>" in by_task[other.id].html_body


def _user(email: str) -> User:
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def test_digest_is_chosen_on_the_profile_with_csrf(demo, client):
    from tests.conftest import signed_in

    browser = signed_in(client, "fen@camlitepe.bel.tr")
    page = browser.get("/profile").get_data(as_text=True)
    assert 'data-test="digest-form"' in page and 'name="mail_digest"' in page and "checked" not in page
    refused = browser.client.post("/profile/mail", data={"mail_digest": "y"})
    assert refused.status_code == 400 and not _user("fen@camlitepe.bel.tr").mail_digest
    db.session.commit()
    assert browser.post("/profile/mail", {"mail_digest": "y"}, form_page="/profile").status_code == 302
    db.session.expire_all()
    assert _user("fen@camlitepe.bel.tr").mail_digest
    db.session.commit()
    assert "checked" in browser.get("/profile").get_data(as_text=True)
    assert browser.post("/profile/mail", {}, form_page="/profile").status_code == 302
    db.session.expire_all()
    assert not _user("fen@camlitepe.bel.tr").mail_digest
    from stratflow.models import AuditEvent
    changes = db.session.execute(db.select(AuditEvent).filter_by(action="user.mail_digest")
                                 .order_by(AuditEvent.id)).scalars().all()
    assert [e.details["enabled"] for e in changes] == [True, False]


def test_a_digest_reader_gets_one_mail_a_day_collecting_the_reminders(demo, app):
    from stratflow.mail import delivery
    from stratflow.services import outbox

    _no_task_due_dates()
    nominations = {t.unit.code: t for t in db.session.execute(
        db.select(TaskRecord).filter_by(state="open", bpmn_id="team_nomination")).scalars()}
    for code in ("fen", "sgm"):
        nominations[code].due_date = date(2024, 9, 18)
    fen = _user("fen@camlitepe.bel.tr")
    fen.mail_digest = True
    db.session.commit()

    monday = datetime(2024, 9, 9, 9)
    assert reminders.plan_due(monday) == 3  # sgm's reminder, fen's reminder, fen's digest
    db.session.commit()
    assert reminders.plan_due(monday + timedelta(hours=2)) == 0
    db.session.commit()
    rows = {(r.kind, r.to_address): r for r in _rows()}
    individual, digest = rows[("before-7", fen.email)], rows[("digest", fen.email)]
    assert individual.state == "digested" and rows[("before-7", COORDINATOR)].state == "pending"
    assert digest.key == f"digest:{fen.id}:2024-09-09" and digest.state == "pending"
    assert digest.subject == "Günlük özet (9 Eylül 2024 Pazartesi): 1 hatırlatma"
    assert individual.subject in digest.text_body and f"/tasks/{nominations['fen'].id}" in digest.html_body

    assert delivery.deliver_due(monday + timedelta(hours=2))["mails_sent"] == 2
    db.session.commit()
    sent = sorted((r.kind, r.to_address) for r in _rows() if r.state == "sent")
    assert sent == [("before-7", COORDINATOR), ("digest", fen.email)]

    # Something for fen after Monday's digest waits for the next digest; closing its task cancels it.
    late = monday + timedelta(hours=5)
    assert outbox.enqueue(key="reminder:late:1", kind="escalation-1", recipient_id=fen.id, to_address=fen.email,
                          to_name=fen.full_name, subject="Geç gelen", text_body="-", html_body="-",
                          message_id="<late.1@localhost>", state="digest", created_at=late, next_attempt_at=late,
                          task_id=nominations["sgm"].id, instance_id=nominations["sgm"].instance_id)
    assert outbox.enqueue(key="reminder:late:2", kind="escalation-1", recipient_id=fen.id, to_address=fen.email,
                          to_name=fen.full_name, subject="Yarına kalan", text_body="-", html_body="-",
                          message_id="<late.2@localhost>", state="digest", created_at=late, next_attempt_at=late,
                          task_id=nominations["fen"].id, instance_id=nominations["fen"].instance_id)
    db.session.commit()
    assert reminders.plan_due(late) == 0
    db.session.commit()
    tasks.complete(nominations["sgm"].id, _user(COORDINATOR),
                   {"members": [{"full_name": "Aday Kişi", "title": "Uzman", "email": "aday@camlitepe.bel.tr"}]})
    db.session.commit()
    states = {r.key: r.state for r in _rows()}
    assert states["reminder:late:1"] == "cancelled" and states["reminder:late:2"] == "digest"

    tuesday = datetime(2024, 9, 10, 9)
    assert reminders.plan_due(tuesday) == 1
    db.session.commit()
    [second] = [r for r in _rows("digest") if r.key == f"digest:{fen.id}:2024-09-10"]
    assert "Yarına kalan" in second.text_body and "Geç gelen" not in second.text_body
    assert {r.key: r.state for r in _rows()}["reminder:late:2"] == "digested"


def test_mail_log_shows_digest_states(demo, app, client):
    from tests.conftest import signed_in

    _no_task_due_dates()
    [sgm_task] = [t for t in db.session.execute(db.select(TaskRecord).filter_by(state="open")).scalars()
                  if t.unit and t.unit.code == "sgm"]
    sgm_task.due_date = date(2024, 9, 18)
    _user(COORDINATOR).mail_digest = True
    db.session.commit()
    reminders.plan_due(datetime(2024, 9, 9, 9))
    db.session.commit()
    page = signed_in(client, COORDINATOR).get("/mail?state=digested").get_data(as_text=True)
    assert "Günlük özetle gönderildi" in page and "Hatırlatma: " in page and "Günlük özet (" not in page


def test_enqueue_tells_whether_it_wrote_the_row(ctx):
    from stratflow.services import outbox

    mail = dict(kind="due", to_address="a@example.org", to_name="A", subject="S", text_body="T", html_body="H")
    assert outbox.enqueue(key="k:1", message_id="<k.1@localhost>", **mail) is True
    assert outbox.enqueue(key="k:1", message_id="<k.2@localhost>", **mail) is False
    db.session.commit()
    assert [r.message_id for r in _rows()] == ["<k.1@localhost>"]
