"""Messages between staff and the complainant on a complaint.

Staff write (``send_message``): the message is emailed through the outbox, once, and
blocks the complaint's deletion. The complainant writes from the portal or by email
(``receive_message``): the message is flagged unread for the assignee, who gets an
on-screen notification; opening the Messages tab (``mark_thread_read``) clears both.
"""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app.domain import events
from app.domain.deletion import OUTGOING_MESSAGES
from app.domain.portal import MAX_MESSAGE
from app.models import Message, Notification, ResponseTemplate
from app.models.messages import IN, OUT
from app.models.notifications import MESSAGE_RECEIVED
from app.services import attachments, notifications, onscreen
from app.services.clock import utcnow
from app.services.deletion import TRACE_COUNTERS
from app.services.event_log import log_event
from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)


class EmptyMessage(ServiceError):
    def __init__(self):
        super().__init__(_l("Write a message (or attach a file)."))


class MessageTooLong(ServiceError):
    def __init__(self):
        super().__init__(_l("The message is too long (at most %(n)s characters)."),
                         n=MAX_MESSAGE)


def send_message(session, complaint, author, body: str, uploads, config, now=None) -> Message:
    """Staff write to the complainant: store, log, queue the email; commit."""
    body = _clean(body, bool(uploads))
    checked = attachments.check_uploads(uploads, config)
    now = now or utcnow()
    message = Message(complaint=complaint, complaint_id=complaint.id, direction=OUT,
                      body=body, author_id=getattr(author, "id", None), source="staff",
                      created_at=now)
    session.add(message)
    try:
        session.flush()
        attachments.stage_files(session, complaint, checked, author, config, now, message)
        log_event(session, complaint, author, events.MESSAGE_OUT, now=now, detail=_excerpt(body))
        if complaint.first_response_at is None:
            complaint.first_response_at = now
        notifications.notify_message(session, complaint, message, now)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return message


def stage_incoming(session, complaint, body: str, checked, config, sender=None,
                   source="portal", now=None) -> Message:
    """The complainant wrote: store the message and its files, log it as the
    complainant's action, flag it unread and tell the assignee (no commit)."""
    now = now or utcnow()
    message = Message(complaint=complaint, complaint_id=complaint.id, direction=IN,
                      body=body, sender_email=sender, source=source, created_at=now,
                      unread=True)
    session.add(message)
    session.flush()
    attachments.stage_files(session, complaint, checked, None, config, now, message,
                            actor_kind=events.ACTOR_COMPLAINANT)
    complaint.last_action_at = now  # the complainant acted
    session.add_all(_complainant_event(complaint, events.MESSAGE_IN, now, _excerpt(body)))
    if complaint.assignee_id is not None:
        onscreen.add_notification(session, complaint.assignee_id, MESSAGE_RECEIVED,
                                  complaint, f"message-in:{message.id}", now)
    return message


def receive_message(session, complaint, body: str, uploads, config, sender=None,
                    source="portal", now=None) -> Message:
    """The complainant wrote from the portal: check, store, notify; commit."""
    body = _clean(body, bool(uploads))
    checked = attachments.check_uploads(uploads, config)
    try:
        message = stage_incoming(session, complaint, body, checked, config, sender, source,
                                 now)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return message


def thread_of(session, complaint) -> list[Message]:
    """The complaint's messages, oldest first."""
    return session.scalars(select(Message).where(Message.complaint_id == complaint.id)
                           .order_by(Message.id)).all()


def count_unread(session, complaint) -> int:
    return session.scalar(select(func.count(Message.id)).where(
        Message.complaint_id == complaint.id, Message.unread.is_(True)))


def mark_thread_read(session, complaint, reader, now=None) -> int:
    """The assignee opened the Messages tab: incoming messages and their notifications
    are read; commit. Anyone else reading leaves them unread. Returns how many."""
    if reader is None or complaint.assignee_id != reader.id:
        return 0
    now = now or utcnow()
    result = session.execute(update(Message).where(
        Message.complaint_id == complaint.id, Message.unread.is_(True))
        .values(unread=False).execution_options(synchronize_session=False))
    session.execute(update(Notification).where(
        Notification.user_id == reader.id, Notification.complaint_id == complaint.id,
        Notification.kind == MESSAGE_RECEIVED, Notification.read_at.is_(None))
        .values(read_at=now).execution_options(synchronize_session=False))
    session.commit()
    return result.rowcount


def response_templates(session) -> list[ResponseTemplate]:
    """Active canned answers, by language then name."""
    return session.scalars(select(ResponseTemplate).where(ResponseTemplate.active.is_(True))
                           .order_by(ResponseTemplate.language, ResponseTemplate.name)).all()


def count_outgoing_messages(session, complaint) -> int:
    """Messages sent to the complainant: they block the complaint's deletion."""
    return session.scalar(select(func.count(Message.id)).where(
        Message.complaint_id == complaint.id, Message.direction == OUT))


def _complainant_event(complaint, kind, now, detail):
    from app.models import Event

    return [Event(complaint_id=complaint.id, complaint=complaint, created_at=now,
                  actor_kind=events.ACTOR_COMPLAINANT, kind=kind, detail=detail)]


def _clean(body: str, has_files: bool) -> str:
    body = (body or "").strip()
    if not body and not has_files:
        raise EmptyMessage()
    if len(body) > MAX_MESSAGE:
        raise MessageTooLong()
    return body


def _excerpt(body: str) -> str:
    body = " ".join((body or "").split())
    return body if len(body) <= 200 else body[:199] + "…"


TRACE_COUNTERS[OUTGOING_MESSAGES] = count_outgoing_messages
