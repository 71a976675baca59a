"""Internal notes and reminders ("rappels") on a complaint."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.domain import events
from app.models import Note, Reminder
from app.services.clock import utcnow
from app.services.event_log import log_event
from app.services.exceptions import ServiceError
from app.services.visibility import can_see, reader_of, readers_of


def add_note(session, complaint, author, body: str, now=None) -> Note:
    """Add an internal note, log it, and commit."""
    body = (body or "").strip()
    if not body:
        raise ServiceError(_l("A note cannot be empty."))
    now = now or utcnow()
    note = Note(complaint=complaint, author=author, body=body, created_at=now)
    session.add(note)
    log_event(session, complaint, author, events.NOTE_ADDED, now=now, detail=_excerpt(body))
    session.commit()
    return note


def add_reminder(session, complaint, user, remind_at, note: str | None, actor, now=None):
    """Set a reminder for ``user`` at ``remind_at`` (UTC), log it, and commit. Refused
    for a user who may not see the complaint (its alert would tell them about it)."""
    if user is None or remind_at is None:
        raise ServiceError(_l("A reminder needs a date and a person."))
    if not can_see(reader_of(user), complaint):
        raise ServiceError(_l("%(user)s cannot see this complaint: a reminder can only be "
                              "set for someone who can."), user=str(user))
    now = now or utcnow()
    reminder = Reminder(complaint=complaint, user=user, remind_at=remind_at,
                        note=(note or "").strip() or None, created_by=actor, created_at=now)
    session.add(reminder)
    log_event(session, complaint, actor, events.REMINDER_SET, now=now, field="reminder",
         new_value=remind_at, detail=str(user))
    session.commit()
    return reminder


def who_may_see(session, complaint, users) -> list:
    """Those of ``users`` who may see ``complaint`` (whom a reminder may be set for)."""
    readers = readers_of(session, users)
    return [user for user in users if can_see(readers[user.id], complaint)]


def complete_reminder(session, reminder: Reminder, actor, now=None) -> Reminder:
    """Mark a reminder done (once), log it, and commit."""
    if reminder.done_at is not None:
        return reminder
    now = now or utcnow()
    reminder.done_at = now
    log_event(session, reminder.complaint, actor, events.REMINDER_DONE, now=now,
         field="reminder", old_value=reminder.remind_at, detail=str(reminder.user))
    session.commit()
    return reminder


def overdue_reminder_counts(session, complaint_ids, now=None) -> dict[int, int]:
    """Number of overdue reminders for each of ``complaint_ids``, in one query."""
    if not complaint_ids:
        return {}
    now = now or utcnow()
    stmt = (
        select(Reminder.complaint_id, func.count())
        .where(Reminder.complaint_id.in_(complaint_ids), Reminder.done_at.is_(None),
               Reminder.remind_at < now)
        .group_by(Reminder.complaint_id)
    )
    return dict(session.execute(stmt).all())


def _excerpt(text: str, length: int = 200) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
