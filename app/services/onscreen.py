"""On-screen notifications: added in the caller's transaction (a unique key per alert,
``INSERT … ON CONFLICT DO NOTHING``), counted for the bell, listed and marked as read."""

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.models import Complaint, Notification

# The bell shows "9+" beyond this: counting stops there (a bounded, index-only count).
BELL_LIMIT = 9


def add_notification(session, user_id, kind, complaint, dedupe_key, now):
    """Add a notification (no commit); return its id, or None when ``dedupe_key`` exists."""
    if complaint is not None and complaint.id is None:
        session.flush()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (insert(Notification).values(
        user_id=user_id, complaint_id=getattr(complaint, "id", None), kind=kind,
        tracking_number=getattr(complaint, "tracking_number", None), created_at=now,
        dedupe_key=dedupe_key)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(Notification.id))
    return session.execute(stmt).scalar()


def count_unread(session, user_id, limit=BELL_LIMIT + 1) -> int:
    """Unread notifications of the user, counted up to ``limit``."""
    unread = (select(Notification.id)
              .where(Notification.user_id == user_id, Notification.read_at.is_(None))
              .limit(limit).subquery())
    return session.scalar(select(func.count()).select_from(unread))


def notifications_of(session, user_id, visible, limit=200) -> list[dict]:
    """The user's notifications, newest first, as plain values; the tracking number and
    the link only for complaints that ``visible`` (a condition on Complaint) still shows."""
    rows = session.scalars(select(Notification).where(Notification.user_id == user_id)
                           .order_by(Notification.id.desc()).limit(limit)).all()
    ids = {row.complaint_id for row in rows if row.complaint_id is not None}
    seen = set(session.scalars(select(Complaint.id).where(Complaint.id.in_(ids), visible))
               ) if ids else set()
    return [{"id": row.id, "kind": row.kind, "created_at": row.created_at,
             "read": row.read_at is not None,
             "complaint_id": row.complaint_id if row.complaint_id in seen else None,
             "tracking_number": row.tracking_number if row.complaint_id in seen else None}
            for row in rows]


def mark_read(session, user_id, notification_id, now) -> bool:
    """Mark one of the user's notifications as read; commit. False if it is not theirs."""
    mine = session.scalar(select(Notification.id).where(
        Notification.id == notification_id, Notification.user_id == user_id))
    if mine is None:
        return False
    session.execute(update(Notification).where(
        Notification.id == notification_id, Notification.read_at.is_(None))
        .values(read_at=now).execution_options(synchronize_session=False))
    session.commit()
    return True


def mark_all_read(session, user_id, now) -> int:
    """Mark every unread notification of the user as read; commit; return how many."""
    result = session.execute(update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now).execution_options(synchronize_session=False))
    session.commit()
    return result.rowcount
