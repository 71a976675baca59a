"""Alerts raised by the clock: a reminder that falls due tells its user once, on screen
and by email, however many scans (or schedulers) see it, and after a downtime too —
provided its user may see the complaint then; otherwise the alert is withheld, once, and
the complaint's history says so."""

import logging

from sqlalchemy import String, cast, exists, literal, select, update

from app.domain import events
from app.models import AppUser, Complaint, Notification, Reminder
from app.models.notifications import REMINDER_DUE
from app.services import notifications, onscreen
from app.services.event_log import log_event
from app.services.visibility import can_see, reader_of

logger = logging.getLogger(__name__)


def _reminder_key():
    return literal("reminder:") + cast(Reminder.id, String)


def mark_due_reminders_as_alerted(session, now) -> None:
    """Record every reminder due at ``now`` as already alerted (a read notification, no
    email); commit. For a freshly loaded demo register, whose past would otherwise alert
    everyone at the first scan."""
    due = (select(Reminder.user_id, Reminder.complaint_id, literal(REMINDER_DUE),
                  Complaint.tracking_number, literal(now), literal(now), _reminder_key())
           .join(Complaint, Complaint.id == Reminder.complaint_id)
           .where(Reminder.remind_at <= now, Reminder.done_at.is_(None),
                  ~exists().where(Notification.dedupe_key == _reminder_key())))
    session.execute(Notification.__table__.insert().from_select(
        ["user_id", "complaint_id", "kind", "tracking_number", "created_at", "read_at",
         "dedupe_key"], due))
    session.commit()


def scan_due_reminders(session, now) -> dict:
    """Notify every open reminder due at ``now`` (on screen + email), once; commit.

    Both rows carry a unique key (``reminder:<id>``, ``reminder-email:<id>``) inserted with
    ON CONFLICT DO NOTHING, so a concurrent scan adds nothing. Already notified reminders
    are skipped in SQL (the unique index on the key answers the NOT EXISTS). A reminder
    whose user may not see the complaint at ``now`` is withheld instead (``_withhold``).
    """
    due = session.scalars(
        select(Reminder).where(Reminder.remind_at <= now, Reminder.done_at.is_(None),
                               Reminder.withheld_at.is_(None),
                               ~exists().where(Notification.dedupe_key == _reminder_key()))
        .order_by(Reminder.id)).all()
    counts = {"notifications": 0, "emails": 0, "withheld": 0}
    readers = {}
    for reminder in due:
        if not _may_see(session, readers, reminder):
            counts["withheld"] += _withhold(session, reminder, now)
            continue
        created = onscreen.add_notification(
            session, reminder.user_id, REMINDER_DUE, reminder.complaint,
            f"reminder:{reminder.id}", now)
        if created is None:
            continue  # another scan got there first
        counts["notifications"] += 1
        if notifications.notify_reminder_due(session, reminder, now):
            counts["emails"] += 1
    session.commit()
    if counts["notifications"] or counts["withheld"]:
        logger.info("reminders due: %s", counts)
    return counts


def _may_see(session, readers, reminder) -> bool:
    """Whether the reminder's user may see its complaint now (visibility.can_see); each
    user's permissions read once a scan."""
    if reminder.user_id not in readers:
        readers[reminder.user_id] = reader_of(session.get(AppUser, reminder.user_id))
    return can_see(readers[reminder.user_id], reminder.complaint)


def _withhold(session, reminder, now) -> int:
    """Mark the reminder withheld and say so in the complaint's history, once (a
    concurrent scan that marked it first wins); 1 if done now."""
    claimed = session.execute(
        update(Reminder).where(Reminder.id == reminder.id, Reminder.withheld_at.is_(None))
        .values(withheld_at=now).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        return 0
    log_event(session, reminder.complaint, None, events.REMINDER_WITHHELD, now=now,
         field="reminder", old_value=reminder.remind_at, detail=str(reminder.user))
    return 1
