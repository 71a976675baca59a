"""The outbox: queue emails in the caller's transaction, deliver them exactly once.

``queue_email`` only adds a row, so an email exists if and only if the change that caused
it was committed. ``deliver_pending`` claims due rows (a claim lease, taken atomically, so
two delivery passes never send the same row), sends them through an injected mailer and
records the outcome with an Event on the complaint, in the same transaction.
"""

import logging
import smtplib

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.domain import events
from app.domain.deletion import SENT_EMAILS
from app.domain.delivery import DEFAULT_MAX_ATTEMPTS, backoff
from app.models import Event, OutboundEmail
from app.models.outbox import FAILED, PENDING, SENT
from app.services import delivery
from app.services.clock import utcnow
from app.services.deletion import TRACE_COUNTERS
from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)


def queue_email(session, recipient, subject, text, html=None, complaint=None, language="fr",
                dedupe_key=None, now=None):
    """Add an email to the outbox in the caller's transaction (no commit).

    Returns the row, or None when an email with ``dedupe_key`` was already queued: the
    insert is an ``ON CONFLICT DO NOTHING``, so two processes queueing the same alert at
    once still make one email.
    """
    if complaint is not None and complaint.id is None:
        session.flush()
    now = now or utcnow()
    values = dict(recipient=recipient, subject=subject, body_text=text, body_html=html,
                  complaint_id=getattr(complaint, "id", None), language=language,
                  dedupe_key=dedupe_key, status=PENDING, attempts=0, next_attempt_at=now,
                  created_at=now)
    return delivery.insert_once(session, OutboundEmail, values)


def deliver_pending(session, mailer, now=None, batch=50, lease_seconds=300,
                    max_attempts=DEFAULT_MAX_ATTEMPTS) -> dict:
    """One delivery pass: send the due emails; return counts (sent, retry, failed, pending).

    Without a mailer (no SMTP configured) nothing is claimed: the emails stay pending.
    """
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if mailer is None:
        counts["pending"] = count_pending(session)
        return counts
    ids = claim_due(session, now, batch, lease_seconds)
    if ids:
        _send_claimed(session, mailer, ids, now, max_attempts, counts)
    counts["pending"] = count_pending(session)
    return counts


def claim_due(session, now, batch=50, lease_seconds=300) -> list[int]:
    """Take the lease on up to ``batch`` due emails and commit; return their ids."""
    return delivery.claim_due(session, OutboundEmail, now, batch, lease_seconds)


def _send_claimed(session, mailer, ids, now, max_attempts, counts):
    handled = []
    try:
        with mailer.connection() as smtp:
            _send_batch(session, mailer, smtp, ids, now, max_attempts, counts, handled)
    except (OSError, smtplib.SMTPException) as exc:
        if handled:
            raise
        # Could not even connect: every claimed email counts one failed attempt.
        logger.warning("SMTP server unreachable: %s", exc)
        for email_id in ids:
            _record_outcome(session, email_id, now, max_attempts, counts, exc)


def _send_batch(session, mailer, smtp, ids, now, max_attempts, counts, handled):
    for position, email_id in enumerate(ids):
        error = _send_one(session, mailer, smtp, email_id)
        _record_outcome(session, email_id, now, max_attempts, counts, error)
        handled.append(email_id)
        if _connection_lost(error):
            _release(session, ids[position + 1:])
            return


def _connection_lost(error) -> bool:
    """The connection itself broke (the rest of the batch waits for the next pass), as
    opposed to the server refusing this one message. SMTPException is an OSError too."""
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _send_one(session, mailer, smtp, email_id):
    """Send one email; return the exception it raised, or None once the server took it."""
    email = session.get(OutboundEmail, email_id)
    # A staff message is written by a person; every other email is automatic.
    automatic = not (email.dedupe_key or "").startswith("message:")
    message = mailer.message(email.recipient, email.subject, email.body_text, email.body_html,
                             automatic=automatic)
    try:
        smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        return exc
    return None


def _record_outcome(session, email_id, now, max_attempts, counts, error):
    """Record sent, retry later or failed, with its Event, and commit."""
    email = session.get(OutboundEmail, email_id)
    email.sending_started_at = None
    if error is None:
        email.status, email.sent_at, email.last_error = SENT, now, None
        _log(session, email, events.EMAIL_SENT, now)
        counts["sent"] += 1
    else:
        _record_failure(session, email, error, now, max_attempts)
        counts["failed" if email.status == FAILED else "retry"] += 1
    session.commit()


def _record_failure(session, email, error, now, max_attempts):
    email.attempts = (email.attempts or 0) + 1
    email.last_error = _describe(error)
    refused = isinstance(error, smtplib.SMTPRecipientsRefused)
    if refused:
        email.refused_recipients = "; ".join(
            f"{address}: {_reply(reply)}" for address, reply in error.recipients.items())
    if refused or email.attempts >= max_attempts:
        email.status = FAILED
        _log(session, email, events.EMAIL_FAILED, now)
        logger.warning("email %s to %s failed: %s", email.id, email.recipient, email.last_error)
    else:
        email.next_attempt_at = now + backoff(email.attempts)


def _release(session, ids):
    """Give back rows not tried in this pass (the connection dropped): no attempt counted."""
    delivery.release(session, OutboundEmail, ids)


def _describe(error) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{address}: {_reply(reply)}"
                         for address, reply in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {_reply((error.smtp_code, error.smtp_error))}"
    return f"{type(error).__name__}: {error}"[:2000]


def _reply(reply) -> str:
    code, text = reply
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}"


def _log(session, email, kind, now):
    """An Event on the email's complaint, in the transaction that changes its status."""
    if email.complaint_id is None:
        return
    detail = email.subject if kind == events.EMAIL_SENT else email.last_error
    session.add(Event(complaint_id=email.complaint_id, created_at=now,
                      actor_kind=events.ACTOR_SYSTEM, kind=kind,
                      new_value=email.recipient, detail=detail))


class NotRetriable(ServiceError):
    def __init__(self):
        super().__init__(_l("This email was already sent."))


def retry(session, email, now=None) -> OutboundEmail:
    """Put a pending or failed email back in the queue for the next pass; commit."""
    if email.status == SENT:
        raise NotRetriable()
    delivery.requeue(session, email, now or utcnow())
    return email


def count_pending(session) -> int:
    return delivery.count_pending(session, OutboundEmail)


def emails_of(session, complaint) -> list[OutboundEmail]:
    """The complaint's emails, newest first (its "Documents & emails" tab)."""
    return session.scalars(select(OutboundEmail).where(
        OutboundEmail.complaint_id == complaint.id).order_by(OutboundEmail.id.desc())).all()


def count_sent_emails(session, complaint) -> int:
    """Emails sent about ``complaint``: any one forbids deleting it (DESIGN.md §2)."""
    return session.scalar(select(func.count()).select_from(OutboundEmail).where(
        OutboundEmail.complaint_id == complaint.id, OutboundEmail.status == SENT))


# The deletion service asks every feature that sends what it sent.
TRACE_COUNTERS[SENT_EMAILS] = count_sent_emails
