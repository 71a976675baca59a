"""On-screen notifications and the "reminder due" alert: exactly once, whatever the number
of scans or schedulers, caught up after a downtime; the bell and the notifications page."""

import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.models import Notification, OutboundEmail, Reminder
from app.services import alerts
from app.services import complaints as service
from tests import factories as f
from tests.integration.conftest import free_port, run_concurrently
from tests.integration.test_notifications import SECRET, deliver, received

NOW = datetime(2026, 11, 20, 9, 0)


def make_reminder(session, username="agent", remind_at=NOW - timedelta(minutes=5),
                  done_at=None, **complaint_fields):
    user = f.user(session, username)
    # In the user's portfolio: a reminder alerts only a user who may see its complaint.
    complaint_fields.setdefault("client", f.make_client(session, email=None,
                                                        portfolio_owner_id=user.id))
    complaint = f.make_complaint(session, **complaint_fields)
    reminder = Reminder(complaint=complaint, user=user, remind_at=remind_at, done_at=done_at,
                        note="Rappeler le client")
    session.add(reminder)
    session.commit()
    return reminder


def alerts_of(session, reminder):
    notes = session.scalar(select(func.count()).select_from(Notification).where(
        Notification.dedupe_key == f"reminder:{reminder.id}"))
    emails = session.scalar(select(func.count()).select_from(OutboundEmail).where(
        OutboundEmail.dedupe_key == f"reminder-email:{reminder.id}"))
    return notes, emails


def test_due_reminder_alerts_once_on_screen_and_by_email(session, smtp_server):
    reminder = make_reminder(session)
    number, address = reminder.complaint.tracking_number, reminder.user.email
    alerts.scan_due_reminders(session, NOW)
    assert alerts_of(session, reminder) == (1, 1)
    deliver(session, smtp_server)
    mine = [m for m in received(smtp_server, address) if number in m[0]]
    assert len(mine) == 1
    subject, text, html = mine[0]
    assert subject == f"[{number}] Rappel échu"
    assert "Rappeler le client" in text and "Rappeler le client" in html

    again = alerts.scan_due_reminders(session, NOW + timedelta(hours=1))
    assert alerts_of(session, reminder) == (1, 1)
    assert again == {"notifications": 0, "emails": 0, "withheld": 0}
    deliver(session, smtp_server)
    assert len([m for m in received(smtp_server, address) if number in m[0]]) == 1


def test_two_scans_at_once_alert_once(app, session):
    reminder = make_reminder(session)

    run_concurrently(app, lambda db_session: alerts.scan_due_reminders(db_session, NOW),
                     workers=2)
    session.expire_all()
    assert alerts_of(session, reminder) == (1, 1)


def test_future_or_done_reminders_say_nothing(session):
    future = make_reminder(session, remind_at=NOW + timedelta(days=1))
    done = make_reminder(session, done_at=NOW - timedelta(days=1))
    alerts.scan_due_reminders(session, NOW)
    assert alerts_of(session, future) == (0, 0)
    assert alerts_of(session, done) == (0, 0)
    alerts.scan_due_reminders(session, NOW + timedelta(days=2))
    assert alerts_of(session, future) == (1, 1)


def test_reminder_missed_during_a_downtime_is_caught_up_once(session):
    old = make_reminder(session, remind_at=NOW - timedelta(days=30))
    alerts.scan_due_reminders(session, NOW)
    alerts.scan_due_reminders(session, NOW + timedelta(minutes=1))
    assert alerts_of(session, old) == (1, 1)


def test_confidential_reminder_email_has_no_details(session, smtp_server):
    # A supervisor: an agent without confidential access would not be alerted at all.
    reminder = make_reminder(session, username="supervisor", confidential=True,
                             subject=SECRET, description=SECRET)
    reminder.note = SECRET
    session.commit()
    number, address = reminder.complaint.tracking_number, reminder.user.email
    alerts.scan_due_reminders(session, NOW)
    deliver(session, smtp_server)
    [(subject, text, html)] = [m for m in received(smtp_server, address) if number in m[0]]
    for part in (subject, text, html):
        assert SECRET not in part and "Lilas" not in part
    assert number in text


def test_english_user_gets_the_email_in_english(session):
    agent = f.user(session, "agent2")
    language, agent.language = agent.language, "en"
    session.commit()
    reminder = make_reminder(session, username="agent2")
    alerts.scan_due_reminders(session, NOW)
    email = session.scalars(select(OutboundEmail).where(
        OutboundEmail.dedupe_key == f"reminder-email:{reminder.id}")).one()
    assert email.subject == f"[{reminder.complaint.tracking_number}] Reminder due"
    agent.language = language
    session.commit()


def bell(client):
    html = client.get("/notifications/").get_data(as_text=True)
    match = re.search(r'id="notif-count">([^<]*)<', html)
    return match.group(1) if match else ""


def unread_count(dbs, username):
    with dbs() as s:
        user = f.user(s, username)
        return s.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)))


def test_bell_counts_the_users_unread_notifications_only(app, dbs, agent_client,
                                                         supervisor_client):
    from app.services.clock import utcnow

    with dbs() as s:
        make_reminder(s, username="agent")
        alerts.scan_due_reminders(s, utcnow())
    expected = unread_count(dbs, "agent")
    assert expected >= 1
    assert bell(agent_client) == (str(expected) if expected <= 9 else "9+")
    with dbs() as s:
        for _ in range(10):
            make_reminder(s, username="agent")
        alerts.scan_due_reminders(s, utcnow())
    assert bell(agent_client) == "9+"
    supervisor_unread = unread_count(dbs, "supervisor")
    assert bell(supervisor_client) == (
        "" if supervisor_unread == 0 else str(min(supervisor_unread, 9)) + (
            "+" if supervisor_unread > 9 else ""))


def test_mark_as_read_and_mark_all_as_read(app, dbs, agent_client):
    from app.services.clock import utcnow

    with dbs() as s:
        agent = f.user(s, "agent")
        reminders = [make_reminder(s, username="agent", assignee=agent) for _ in range(2)]
        alerts.scan_due_reminders(s, utcnow())
        first = s.scalars(select(Notification.id).where(
            Notification.dedupe_key == f"reminder:{reminders[0].id}")).one()
        number = reminders[0].complaint.tracking_number
    page = agent_client.get("/notifications/").get_data(as_text=True)
    assert number in page and f'id="notif-{first}"' in page
    before = unread_count(dbs, "agent")
    assert agent_client.get(f"/notifications/read/{first}").status_code == 405
    assert agent_client.get("/notifications/read-all").status_code == 405
    assert unread_count(dbs, "agent") == before
    response = agent_client.post(f"/notifications/read/{first}")
    assert response.status_code == 302
    assert unread_count(dbs, "agent") == before - 1
    agent_client.post("/notifications/read-all")
    assert unread_count(dbs, "agent") == 0
    assert bell(agent_client) == ""


def test_agent_sees_and_marks_only_their_own(app, dbs, agent_client):
    from app.services.clock import utcnow

    with dbs() as s:
        other = make_reminder(s, username="agent2")
        alerts.scan_due_reminders(s, utcnow())
        theirs = s.scalars(select(Notification.id).where(
            Notification.dedupe_key == f"reminder:{other.id}")).one()
        number = other.complaint.tracking_number
    page = agent_client.get("/notifications/").get_data(as_text=True)
    assert number not in page and f'id="notif-{theirs}"' not in page
    assert agent_client.post(f"/notifications/read/{theirs}").status_code == 404
    with dbs() as s:
        assert s.get(Notification, theirs).read_at is None


def test_assignment_notifies_on_screen_and_hides_what_is_no_longer_visible(
        app, dbs, agent_client):
    with dbs() as s:
        agent = f.user(s, "agent")
        c = f.make_complaint(s)
        service.assign(s, c, assignee=agent)
        number = c.tracking_number
        assert s.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == agent.id, Notification.complaint_id == c.id,
            Notification.kind == "assigned")) == 1
        hidden = f.make_complaint(s, confidential=True)
        service.assign(s, hidden, assignee=agent)
        hidden_number = hidden.tracking_number
        hidden.assignee = None  # no longer theirs: the agent may not see it any more
        s.commit()
    page = agent_client.get("/notifications/").get_data(as_text=True)
    assert number in page
    assert hidden_number not in page


def test_demo_register_starts_with_its_due_reminders_already_alerted(session):
    reminder = make_reminder(session)
    alerts.mark_due_reminders_as_alerted(session, NOW)
    assert alerts.scan_due_reminders(session, NOW)["emails"] == 0
    assert alerts_of(session, reminder) == (1, 0)
    notification = session.scalars(select(Notification).where(
        Notification.dedupe_key == f"reminder:{reminder.id}")).one()
    assert notification.read_at == NOW  # shown as already read


def test_a_reminder_for_tomorrow_reaches_the_mailbox_tomorrow_once(app, session, smtp_server):
    """The issue's acceptance: two schedulers and an SMTP outage in between."""
    from app.services import followup, outbox
    from tests.integration.test_outbox import mailer

    agent = f.user(session, "agent")
    complaint = f.make_complaint(session, client=f.make_client(
        session, email=None, portfolio_owner_id=agent.id))  # one the agent may see
    today = datetime(2026, 11, 24, 16, 0)
    tomorrow = datetime(2026, 11, 25, 9, 0)
    followup.add_reminder(session, complaint, agent, tomorrow, "Rappeler M. Martin", agent,
                          now=today)
    subject, address = f"[{complaint.tracking_number}] Rappel échu", agent.email
    session.commit()  # no transaction of ours may hold SQLite's lock while they run

    def mine():
        return [m for m in received(smtp_server, address) if m[0] == subject]

    def scheduler_pass(now, port):
        def job(db_session):
            alerts.scan_due_reminders(db_session, now)
            outbox.deliver_pending(db_session, mailer(port, timeout=2), now=now)
        return job

    dead = free_port()
    run_concurrently(app, scheduler_pass(today + timedelta(minutes=5), dead), workers=2)
    assert session.scalar(select(func.count()).select_from(OutboundEmail).where(
        OutboundEmail.subject == subject)) == 0  # not due today
    session.commit()
    # Tomorrow, the SMTP server is down: queued once, kept for a retry.
    run_concurrently(app, scheduler_pass(tomorrow + timedelta(minutes=1), dead), workers=2)
    queued = session.scalars(select(OutboundEmail).where(OutboundEmail.subject == subject)).all()
    assert [(e.status, e.attempts) for e in queued] == [("pending", 1)]
    session.commit()
    assert mine() == []
    # Back an hour later: delivered once, by whichever scheduler claims it first.
    run_concurrently(app, scheduler_pass(tomorrow + timedelta(hours=1), smtp_server.port),
                     workers=2)
    run_concurrently(app, scheduler_pass(tomorrow + timedelta(hours=2), smtp_server.port),
                     workers=2)
    assert len(mine()) == 1
    assert "Rappeler M. Martin" in mine()[0][1]


# --- a reminder alerts only who may see its complaint (issue 19) --------------------------

def test_a_reminder_on_a_complaint_gone_out_of_scope_is_withheld_once(app, session, smtp_server,
                                                                      supervisor_client):
    from app.domain import events
    from app.models import Event

    reminder = make_reminder(session)  # the agent's portfolio's
    complaint = reminder.complaint
    complaint.client.portfolio_owner_id = None  # no longer the agent's
    session.commit()
    number, address = complaint.tracking_number, reminder.user.email

    counts = alerts.scan_due_reminders(session, NOW)
    again = alerts.scan_due_reminders(session, NOW + timedelta(hours=1))

    assert counts["withheld"] == 1 and again["withheld"] == 0
    assert alerts_of(session, reminder) == (0, 0)
    session.expire_all()
    assert session.get(Reminder, reminder.id).withheld_at == NOW
    logged = session.scalars(select(Event).where(
        Event.complaint_id == complaint.id, Event.kind == events.REMINDER_WITHHELD)).all()
    assert len(logged) == 1 and logged[0].actor_kind == "system"
    deliver(session, smtp_server)
    assert [m for m in received(smtp_server, address) if number in m[0]] == []
    session.commit()
    page = supervisor_client.get(f"/complaints/show/{complaint.id}?_l_=en")
    html = page.get_data(as_text=True)
    assert "not sent: its recipient can no longer see this complaint" in html
    assert "Alert not sent" in html  # on the reminder too


def test_two_scans_at_once_withhold_a_reminder_once(app, session):
    from app.domain import events
    from app.models import Event

    reminder = make_reminder(session)
    reminder.complaint.client.portfolio_owner_id = None
    session.commit()

    run_concurrently(app, lambda db_session: alerts.scan_due_reminders(db_session, NOW),
                     workers=2)
    session.expire_all()
    assert alerts_of(session, reminder) == (0, 0)
    assert session.scalar(select(func.count()).select_from(Event).where(
        Event.complaint_id == reminder.complaint_id,
        Event.kind == events.REMINDER_WITHHELD)) == 1


def test_a_confidential_complaint_alerts_no_agent_without_confidential_access(session):
    reminder = make_reminder(session, confidential=True)
    counts = alerts.scan_due_reminders(session, NOW)
    assert counts["withheld"] >= 1
    assert alerts_of(session, reminder) == (0, 0)


def reminder_form(html):
    return re.search(r'(?s)<select[^>]*id="reminder-user">(.*?)</select>', html).group(1)


def test_a_reminder_is_set_only_for_someone_who_may_see_the_complaint(app, dbs, admin_client):
    from tests.integration.test_api import Api, jwt

    with dbs() as s:
        complaint = f.make_complaint(s)  # nobody's: an agent may not see it
        pk, agent_id = complaint.id, f.user(s, "agent").id
        supervisor_id = f.user(s, "supervisor").id

    page = admin_client.get(f"/complaints/show/{pk}").get_data(as_text=True)
    offered = set(map(int, re.findall(r'value="(\d+)"', reminder_form(page))))
    assert supervisor_id in offered and agent_id not in offered
    response = admin_client.post(f"/complaints/{pk}/reminders?_l_=en", data={
        "user_id": agent_id, "remind_at": "2026-12-01 09:00", "note": "x"},
        follow_redirects=True)
    assert any("cannot see this complaint" in m for m in f.messages(response))
    api = Api(app, jwt(app, "admin")).post("/reminder/", json={
        "complaint_id": pk, "user_id": agent_id, "remind_at": "2026-12-01T09:00:00Z"},
        headers={"Accept-Language": "fr"})
    assert api.status_code == 400
    assert "ne peut pas voir cette réclamation" in api.json["message"]
    with dbs() as s:
        assert s.scalars(select(Reminder).where(Reminder.complaint_id == pk)).all() == []
    allowed = admin_client.post(f"/complaints/{pk}/reminders", data={
        "user_id": supervisor_id, "remind_at": "2026-12-01 09:00"})
    assert allowed.status_code == 302
    with dbs() as s:
        assert len(s.scalars(select(Reminder).where(Reminder.complaint_id == pk)).all()) == 1
