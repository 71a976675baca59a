"""The SMS outbox: queue text messages in the caller's transaction, deliver them once.

Same guarantees as the email outbox (app/services/outbox.py), through the same queue
mechanics (app/services/delivery.py): one row per key, claimed by one delivery pass under
a lease, retried with backoff while the provider is unreachable, failed at once when the
provider refuses the message itself, and put back in the queue from Audit → SMS.
"""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.domain import events
from app.domain.delivery import DEFAULT_MAX_ATTEMPTS, backoff
from app.models import Event, OutboundSms
from app.models.outbox import FAILED, PENDING, SENT
from app.services import delivery
from app.services.clock import utcnow
from app.services.exceptions import ServiceError
from app.services.sms_providers import SmsError, SmsRefused, SmsUnavailable

logger = logging.getLogger(__name__)


def queue_sms(session, recipient, text, complaint=None, language="fr", dedupe_key=None,
              now=None):
    """Add an SMS to the outbox in the caller's transaction (no commit); the row, or
    None when one with ``dedupe_key`` was already queued. ``recipient`` is E.164."""
    if complaint is not None and complaint.id is None:
        session.flush()
    now = now or utcnow()
    return delivery.insert_once(session, OutboundSms, dict(
        recipient=recipient, body=text, complaint_id=getattr(complaint, "id", None),
        language=language, dedupe_key=dedupe_key, status=PENDING, attempts=0,
        next_attempt_at=now, created_at=now))


def deliver_pending(session, provider, now=None, batch=50, lease_seconds=300,
                    max_attempts=DEFAULT_MAX_ATTEMPTS) -> dict:
    """One delivery pass: send the due SMS; return counts (sent, retry, failed, pending).

    Without a provider (SMS not configured) nothing is claimed: the messages wait.
    """
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if provider is not None:
        ids = delivery.claim_due(session, OutboundSms, now, batch, lease_seconds)
        for position, sms_id in enumerate(ids):
            error = _send_one(session, provider, sms_id, now, max_attempts, counts)
            if isinstance(error, SmsUnavailable):
                # The provider is down or throttling: the rest waits for the next pass.
                delivery.release(session, OutboundSms, ids[position + 1:])
                break
    counts["pending"] = delivery.count_pending(session, OutboundSms)
    return counts


def _send_one(session, provider, sms_id, now, max_attempts, counts):
    """Send one claimed SMS and record the outcome with its Event; commit."""
    sms = session.get(OutboundSms, sms_id)
    error = None
    try:
        sms.provider_id = provider.send(sms.recipient, sms.body)
    except SmsError as exc:
        error = exc
    sms.sending_started_at = None
    if error is None:
        sms.status, sms.sent_at, sms.last_error = SENT, now, None
        _log(session, sms, events.SMS_SENT, now)
        counts["sent"] += 1
    else:
        _record_failure(session, sms, error, now, max_attempts)
        counts["failed" if sms.status == FAILED else "retry"] += 1
    session.commit()
    return error


def _record_failure(session, sms, error, now, max_attempts):
    sms.attempts = (sms.attempts or 0) + 1
    sms.last_error = f"{type(error).__name__}: {error}"[:2000]
    if isinstance(error, SmsRefused) or sms.attempts >= max_attempts:
        sms.status = FAILED
        _log(session, sms, events.SMS_FAILED, now)
        logger.warning("SMS %s to %s failed: %s", sms.id, sms.recipient, sms.last_error)
    else:
        sms.next_attempt_at = now + backoff(sms.attempts)


def _log(session, sms, kind, now):
    """An Event on the SMS's complaint, in the transaction that changes its status."""
    if sms.complaint_id is not None:
        session.add(Event(complaint_id=sms.complaint_id, created_at=now,
                          actor_kind=events.ACTOR_SYSTEM, kind=kind, new_value=sms.recipient,
                          detail=sms.last_error if kind == events.SMS_FAILED else None))


class NotRetriable(ServiceError):
    def __init__(self):
        super().__init__(_l("This SMS was already sent."))


def retry(session, sms, now=None) -> OutboundSms:
    """Put a pending or failed SMS back in the queue for the next pass; commit."""
    if sms.status == SENT:
        raise NotRetriable()
    delivery.requeue(session, sms, now or utcnow())
    return sms


def count_pending(session) -> int:
    return delivery.count_pending(session, OutboundSms)


def sms_of(session, complaint) -> list[OutboundSms]:
    """The complaint's SMS, newest first."""
    return session.scalars(select(OutboundSms).where(
        OutboundSms.complaint_id == complaint.id).order_by(OutboundSms.id.desc())).all()
