"""Emails about complaints: queued with the change, in the recipient's language, and
saying nothing of a confidential complaint beyond its number and state — checked on the
messages a real SMTP server receives."""

from datetime import datetime
from email import message_from_bytes, policy

from sqlalchemy import select

from app.mailer import SmtpMailer
from app.models import OutboundEmail
from app.services import complaints as service
from app.services import outbox
from tests import factories as f

SECRET = "Harcèlement par le voisin Dupont, 12 rue des Lilas"


def deliver(session, smtp_server):
    """Deliver everything due (other tests may have left emails in the shared outbox)."""
    mailer = SmtpMailer("127.0.0.1", smtp_server.port, sender="rec@example.org", timeout=5)
    for _ in range(50):
        counts = outbox.deliver_pending(session, mailer, now=datetime(2100, 1, 1), batch=200)
        if counts["sent"] + counts["retry"] + counts["failed"] == 0:
            return


def received(smtp_server, recipient):
    """(subject, text body, html body) of each message received for ``recipient``."""
    found = []
    for envelope in smtp_server.handler.envelopes:
        if recipient in envelope.rcpt_tos:
            message = message_from_bytes(envelope.original_content, policy=policy.default)
            text = message.get_body(("plain",)).get_content()
            html = message.get_body(("html",)).get_content()
            found.append((str(message["subject"]), text, html))
    return found


def emails_of(session, complaint):
    return session.scalars(select(OutboundEmail).where(
        OutboundEmail.complaint_id == complaint.id).order_by(OutboundEmail.id)).all()


def test_confirmation_in_french_with_tracking_number_and_summary(session, smtp_server):
    address = f"{f.unique('plaignant')}@example.org"
    c = f.make_complaint(session, complainant_email=address, subject="Facture erronée",
                         description="Montant facturé deux fois.")
    deliver(session, smtp_server)
    [(subject, text, html)] = received(smtp_server, address)
    assert subject == f"[{c.tracking_number}] Votre réclamation a bien été reçue"
    assert c.tracking_number in text and "Facture erronée" in text
    assert "Montant facturé deux fois." in html


def test_state_change_email_in_english_only_for_notifying_states(session, smtp_server):
    address = f"{f.unique('complainant')}@example.org"
    c = f.make_complaint(session, complainant_email=address, language="en")
    before = len(emails_of(session, c))
    service.change_state(session, c, f.state(session, "acknowledged"))
    assert len(emails_of(session, c)) == before + 1  # "acknowledged" notifies
    deliver(session, smtp_server)
    subjects = [s for s, _t, _h in received(smtp_server, address)]
    assert f"[{c.tracking_number}] Your complaint is now: Acknowledged" in subjects


def test_assignee_is_told_in_their_language(session, smtp_server):
    agent = f.user(session, "agent2")
    agent.language = "en"
    session.commit()
    c = f.make_complaint(session)
    service.assign(session, c, assignee=agent)
    deliver(session, smtp_server)
    subjects = [s for s, _t, _h in received(smtp_server, agent.email)]
    assert f"[{c.tracking_number}] A complaint was assigned to you" in subjects


def test_confidential_complaint_emails_carry_no_details(session, smtp_server):
    address = f"{f.unique('victime')}@example.org"
    agent = f.user(session, "agent")
    c = f.make_complaint(session, complainant_email=address, confidential=True,
                         subject=SECRET, description=SECRET, complainant_name="Mme Victime",
                         assignee=agent)
    service.change_state(session, c, f.state(session, "acknowledged"))
    deliver(session, smtp_server)
    messages = received(smtp_server, address) + received(smtp_server, agent.email)
    assert len(messages) >= 3  # confirmation, state change, assignment
    for subject, text, html in messages:
        assert c.tracking_number in subject
        for part in (subject, text, html):
            assert SECRET not in part and "Victime" not in part and "Lilas" not in part


def test_no_email_without_an_address(session):
    c = f.make_complaint(session, complainant_email=None)
    assert emails_of(session, c) == []
