"""The supervisors' daily digest: once per supervisor and local day, from the digest hour
on, with what is overdue, due soon and unassigned in their scope."""

from datetime import datetime, timedelta

from sqlalchemy import select

from app.models import Complaint, OutboundEmail
from app.services import dashboard, digest
from app.services.settings import set_setting
from app.services.visibility import reader_of, visible_condition
from tests import factories as f
from tests.integration.test_notifications import deliver, received

RECEIVED = datetime(2026, 11, 2, 9, 30)  # due 2026-11-17 09:30, warned from 11-14 09:30


def digests_of(session, user, day):
    return session.scalars(select(OutboundEmail).where(
        OutboundEmail.dedupe_key == f"digest:{user.id}:{day}")).all()


def test_sent_once_a_day_from_the_digest_hour(session, smtp_server):
    supervisor = f.user(session, "supervisor")
    f.make_complaint(session, received_at=RECEIVED, assignee=f.user(session, "agent"))
    # Europe/Paris is UTC+1 in December: 8:00 local is 7:00 UTC.
    assert digest.send_daily_digests(session, datetime(2026, 12, 1, 6, 59)) == 0
    assert digests_of(session, supervisor, "2026-12-01") == []
    assert digest.send_daily_digests(session, datetime(2026, 12, 1, 7, 1)) >= 1
    assert digest.send_daily_digests(session, datetime(2026, 12, 1, 15, 0)) == 0
    assert len(digests_of(session, supervisor, "2026-12-01")) == 1
    # A scheduler down all morning sends it when it is back, the same day; the next day
    # brings the next digest.
    assert len(digests_of(session, supervisor, "2026-12-02")) == 0
    digest.send_daily_digests(session, datetime(2026, 12, 2, 16, 30))
    assert len(digests_of(session, supervisor, "2026-12-02")) == 1

    email = digests_of(session, supervisor, "2026-12-01")[0]
    now = datetime(2026, 12, 1, 7, 1)
    late, soon = dashboard.count_urgent(session, now, visible_condition(reader_of(supervisor)))
    assert email.subject.startswith(f"Synthèse du jour\u00a0: {late} en retard, {soon} bientôt")
    deliver(session, smtp_server)
    subjects = [m[0] for m in received(smtp_server, supervisor.email)]
    assert subjects.count(email.subject) >= 1


def test_the_hour_is_a_setting(session):
    supervisor = f.user(session, "supervisor")
    set_setting(session, "digest_hour", "18")
    session.commit()
    try:
        assert digest.send_daily_digests(session, datetime(2026, 12, 3, 16, 0)) == 0
        digest.send_daily_digests(session, datetime(2026, 12, 3, 17, 0))
        assert len(digests_of(session, supervisor, "2026-12-03")) == 1
    finally:
        set_setting(session, "digest_hour", "8")
        session.commit()


def test_figures_list_overdue_due_soon_and_unassigned(session):
    agent = f.user(session, "agent")
    late = f.make_complaint(session, received_at=RECEIVED, assignee=agent)
    soon = f.make_complaint(session, received_at=RECEIVED + timedelta(days=5), assignee=agent)
    waiting = f.make_complaint(session, received_at=RECEIVED + timedelta(days=5),
                               confidential=True)
    ours = Complaint.id.in_([late.id, soon.id, waiting.id])
    figures = digest.digest_figures(session, ours, datetime(2026, 11, 20, 9, 0))
    assert (figures["overdue"], figures["due_soon"], figures["unassigned"]) == (1, 2, 1)
    assert [x["number"] for x in figures["overdue_list"]] == [late.tracking_number]
    assert {x["number"] for x in figures["due_soon_list"]} == {soon.tracking_number,
                                                               waiting.tracking_number}
    assert figures["unassigned_list"] == [{
        "number": waiting.tracking_number, "due_at": waiting.due_at,
        "received_at": waiting.received_at, "subject": None}]  # confidential: no subject


def test_in_the_supervisors_language_and_scope(app, session):
    supervisor = session.merge(f.make_user(app.appbuilder, "Supervisor", "Pass-word-123"))
    supervisor.language = "en"
    session.commit()
    try:
        f.make_complaint(session, received_at=RECEIVED, confidential=True,
                         subject="Dossier sensible")
        digest.send_daily_digests(session, datetime(2026, 12, 4, 9, 0))
        email = digests_of(session, supervisor, "2026-12-04")[0]
        assert email.subject.startswith("Daily digest: ")
        assert "Overdue:" in email.body_text
        assert "Dossier sensible" not in email.body_text
    finally:
        supervisor.active = False
        session.commit()
