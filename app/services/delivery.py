"""The queue mechanics shared by the outboxes (``OutboundEmail``, ``OutboundSms``): a row
is added once per key in the caller's transaction, claimed by one delivery pass under a
lease, given back when a pass could not try it, and put back in the queue on demand.

Each model has ``id``, ``status``, ``next_attempt_at``, ``sending_started_at`` and a
unique ``dedupe_key``.
"""

from datetime import timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.models.outbox import PENDING


def insert_once(session, model, values: dict):
    """Insert a row (``ON CONFLICT (dedupe_key) DO NOTHING``); return it, or None when a
    row with the same key exists: two processes queueing the same alert make one row."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (insert(model).values(**values)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(model.id))
    new_id = session.execute(stmt).scalar()
    return session.get(model, new_id) if new_id is not None else None


def claim_due(session, model, now, batch=50, lease_seconds=300) -> list[int]:
    """Take the lease on up to ``batch`` due rows and commit; return their ids.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` leaves rows another pass is claiming. SQLite:
    the transaction is ``BEGIN IMMEDIATE`` (one writer at a time). On both, the
    ``UPDATE … WHERE`` re-checks the lease, so a row is claimed by one pass only.
    """
    free = or_(model.sending_started_at.is_(None),
               model.sending_started_at < now - timedelta(seconds=lease_seconds))
    due = (model.status == PENDING, model.next_attempt_at <= now, free)
    candidates = session.scalars(
        select(model.id).where(*due).order_by(model.next_attempt_at, model.id)
        .limit(batch).with_for_update(skip_locked=True)).all()
    claimed = []
    if candidates:
        claimed = session.scalars(
            update(model).where(model.id.in_(candidates), *due)
            .values(sending_started_at=now).returning(model.id)
            .execution_options(synchronize_session=False)).all()
    session.commit()
    return sorted(claimed)


def release(session, model, ids) -> None:
    """Give back claimed rows not tried in this pass: no attempt counted; commit."""
    if ids:
        session.execute(update(model).where(model.id.in_(ids))
                        .values(sending_started_at=None)
                        .execution_options(synchronize_session=False))
        session.commit()


def requeue(session, row, now) -> None:
    """Put a pending or failed row back in the queue for the next pass; commit."""
    row.status = PENDING
    row.next_attempt_at = now
    row.sending_started_at = None
    session.commit()


def count_pending(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)
                          .where(model.status == PENDING))
