"""The outbox against a real SMTP server on loopback: content, outage and recovery, refused
recipients, a silent server, dedupe keys and concurrent delivery passes (DESIGN.md §1)."""

import email
import socket
import threading
from datetime import timedelta
from email import policy

import pytest
from sqlalchemy import delete, select

from app.domain import events
from app.mailer import SmtpMailer, mailer_from_config
from app.models import Event, OutboundEmail
from app.services import outbox
from app.services.clock import utcnow
from app.services.deletion import deletion_blockers
from tests.factories import make_complaint
from tests.integration.conftest import free_port, run_concurrently

SUBJECT = "Réclamation reçue — numéro de suivi"


@pytest.fixture(autouse=True)
def empty_outbox(session):
    """Each test starts with an empty outbox: a pass claims every due row."""
    session.execute(delete(OutboundEmail))
    session.commit()


def mailer(port, timeout=5.0):
    return SmtpMailer("127.0.0.1", port, sender="reclamations@example.org", timeout=timeout)


def queue(session, recipient="client@example.org", **kwargs):
    row = outbox.queue_email(session, recipient, kwargs.pop("subject", SUBJECT),
                             "Bonjour,\nvotre réclamation est enregistrée.",
                             html="<p>Bonjour, votre <b>réclamation</b> est enregistrée.</p>",
                             **kwargs)
    session.commit()
    return row


def parsed(envelope):
    return email.message_from_bytes(envelope.content, policy=policy.default)


def test_queued_email_is_delivered_once_with_text_and_html(session, smtp_server):
    complaint = make_complaint(session)
    row = queue(session, complaint=complaint)
    counts = outbox.deliver_pending(session, mailer(smtp_server.port))
    assert counts["sent"] == 1
    assert outbox.deliver_pending(session, mailer(smtp_server.port))["sent"] == 0
    [envelope] = smtp_server.handler.envelopes
    assert envelope.rcpt_tos == ["client@example.org"]
    message = parsed(envelope)
    assert message["Subject"] == SUBJECT
    assert "réclamation est enregistrée" in message.get_body(("plain",)).get_content()
    assert "<b>réclamation</b>" in message.get_body(("html",)).get_content()
    session.refresh(row)
    assert (row.status, row.attempts, row.sending_started_at) == ("sent", 0, None)
    assert row.sent_at is not None
    kinds = session.scalars(select(Event.kind).where(Event.complaint_id == complaint.id)).all()
    assert events.EMAIL_SENT in kinds
    assert deletion_blockers(session, complaint)  # a sent email forbids the deletion


def test_smtp_down_keeps_the_email_then_delivers_it_once(session, smtp_server):
    row = queue(session)
    now = utcnow()
    counts = outbox.deliver_pending(session, mailer(free_port()), now=now)
    assert counts == {"sent": 0, "retry": 1, "failed": 0, "pending": 1}
    session.refresh(row)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at > now and row.last_error
    # Not due yet: the next pass leaves it alone.
    assert outbox.deliver_pending(session, mailer(smtp_server.port), now=now)["sent"] == 0
    later = row.next_attempt_at + timedelta(seconds=1)
    assert outbox.deliver_pending(session, mailer(smtp_server.port), now=later)["sent"] == 1
    assert outbox.deliver_pending(session, mailer(smtp_server.port), now=later)["sent"] == 0
    assert len(smtp_server.handler.envelopes) == 1
    session.refresh(row)
    assert row.status == "sent"


def test_refused_recipient_fails_with_the_reason(session, smtp_server):
    smtp_server.handler.refuse.add("nobody@example.org")
    complaint = make_complaint(session)
    row = queue(session, recipient="nobody@example.org", complaint=complaint)
    good = queue(session, recipient="someone@example.org")
    counts = outbox.deliver_pending(session, mailer(smtp_server.port))
    assert (counts["failed"], counts["sent"]) == (1, 1), counts
    session.refresh(row)
    session.refresh(good)
    assert row.status == "failed" and good.status == "sent"
    assert "nobody@example.org" in row.refused_recipients and "550" in row.refused_recipients
    assert "Mailbox unavailable" in row.last_error
    kinds = session.scalars(select(Event.kind).where(Event.complaint_id == complaint.id)).all()
    assert events.EMAIL_FAILED in kinds


def test_failed_after_max_attempts_and_backoff_grows(session):
    row = queue(session)
    now = utcnow()
    for attempt in range(1, 4):
        outbox.deliver_pending(session, mailer(free_port()), now=now, max_attempts=3)
        session.refresh(row)
        assert row.attempts == attempt
        now = max(now, row.next_attempt_at) + timedelta(seconds=1)
    assert row.status == "failed"
    assert [outbox.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4, 5, 9)] == [
        1, 5, 15, 60, 60, 60]


def test_dedupe_key_prevents_a_second_email(session):
    assert queue(session, dedupe_key="reminder:42:2026-11-26") is not None
    assert queue(session, dedupe_key="reminder:42:2026-11-26") is None
    assert queue(session, dedupe_key=None) is not None
    assert queue(session, dedupe_key=None) is not None
    assert session.scalar(select(OutboundEmail.id).where(
        OutboundEmail.dedupe_key == "reminder:42:2026-11-26")) is not None
    assert len(session.scalars(select(OutboundEmail.id)).all()) == 3


def test_silent_server_does_not_hang_the_pass(session):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    accepted, release = [], threading.Event()

    def accept_and_sleep():  # accepts the connection, never says a word
        connection, _ = listener.accept()
        accepted.append(connection)
        release.wait(10)

    thread = threading.Thread(target=accept_and_sleep, daemon=True)
    thread.start()
    row = queue(session)
    try:
        counts = outbox.deliver_pending(
            session, mailer(listener.getsockname()[1], timeout=1), now=utcnow())
    finally:
        release.set()
        thread.join(5)
        for connection in accepted:
            connection.close()
        listener.close()
    assert counts["retry"] == 1
    session.refresh(row)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "timed out" in row.last_error or "Disconnected" in row.last_error


def test_concurrent_passes_deliver_each_email_once(app, session, smtp_server):
    recipients = [f"concurrent{i}@example.org" for i in range(24)]
    for address in recipients:
        outbox.queue_email(session, address, SUBJECT, "texte")
    session.commit()
    session.remove()

    def passes(session):
        for _ in range(6):
            outbox.deliver_pending(session, mailer(smtp_server.port), batch=3)

    run_concurrently(app, passes, workers=4)
    delivered = sorted(addr for env in smtp_server.handler.envelopes for addr in env.rcpt_tos)
    assert delivered == sorted(recipients)
    statuses = session.scalars(select(OutboundEmail.status)).all()
    assert statuses == ["sent"] * len(recipients)


def test_without_smtp_nothing_is_sent(session):
    row = queue(session)
    assert mailer_from_config({"MAIL_SERVER": None}) is None
    counts = outbox.deliver_pending(session, None)
    assert counts["pending"] == 1 and counts["sent"] == 0
    session.refresh(row)
    assert (row.status, row.attempts) == ("pending", 0)


def test_mailer_from_config_reads_every_setting():
    built = mailer_from_config({"MAIL_SERVER": "smtp.example.org", "MAIL_PORT": "2525",
                                "MAIL_DEFAULT_SENDER": "a@example.org", "MAIL_TIMEOUT": 3,
                                "MAIL_USERNAME": "u", "MAIL_PASSWORD": "p",
                                "MAIL_USE_TLS": True})
    assert (built.host, built.port, built.sender, built.timeout) == (
        "smtp.example.org", 2525, "a@example.org", 3.0)
    assert (built.username, built.password, built.use_tls, built.use_ssl) == (
        "u", "p", True, False)


def test_cli_deliver(app, session, smtp_server, monkeypatch):
    queue(session)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["outbox", "deliver"])
    assert "MAIL_SERVER is not set" in result.output and "1 email(s)" in result.output
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    assert len(smtp_server.handler.envelopes) == 1


def test_admin_sees_the_outbox_and_retries(admin_client, session):
    row = queue(session, subject="Échéance dépassée")
    row.status, row.attempts, row.last_error = "failed", 8, "SMTPServerDisconnected: gone"
    session.commit()
    page = admin_client.get("/outbox/list/")
    assert page.status_code == 200
    assert "Échéance dépassée" in page.text and "SMTPServerDisconnected" in page.text
    assert admin_client.get(f"/outbox/show/{row.id}").status_code == 200
    response = admin_client.post("/outbox/action_post",
                                 data={"action": "retry", "rowid": [str(row.id)]})
    assert response.status_code == 302
    session.refresh(row)
    assert row.status == "pending"


def test_complaint_page_lists_its_emails(admin_client, session):
    complaint = make_complaint(session)
    queue(session, complaint=complaint, subject="Accusé de réception")
    page = admin_client.get(f"/complaints/show/{complaint.id}")
    assert page.status_code == 200
    assert 'id="tab-documents"' in page.text and "Accusé de réception" in page.text


@pytest.mark.parametrize("client", ["agent_client", "supervisor_client", "viewer_client"])
def test_only_admins_see_the_outbox(client, request):
    assert request.getfixturevalue(client).get("/outbox/list/").status_code == 403


def test_a_long_french_subject_arrives_whole(session, smtp_server):
    subject = ("Synthèse du jour : 156 en retard, 1 bientôt échues, 94 non affectées — "
               "réclamations « prioritaires » à traiter")
    queue(session, recipient="long-subject@example.org").subject = subject
    session.commit()
    outbox.deliver_pending(session, mailer(smtp_server.port))
    envelope = next(e for e in smtp_server.handler.envelopes
                    if e.rcpt_tos == ["long-subject@example.org"])
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert str(message["subject"]) == subject
