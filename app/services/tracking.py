"""Atomic allocation of tracking numbers (no ``max()+1``: two processes never collide)."""

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.domain.tracking import format_tracking_number
from app.models import TrackingSequence


def reserve_numbers(session, prefix: str, year: int, count: int = 1) -> int:
    """Reserve ``count`` consecutive numbers for ``prefix``/``year``; return the first.

    The row is bumped with one ``UPDATE … RETURNING``, which the database serialises, in
    the caller's transaction: a rollback gives nothing back, a commit makes it final.
    """
    value = _bump(session, prefix, year, count)
    if value is None:
        _create_row(session, prefix, year)
        value = _bump(session, prefix, year, count)
    return value - count + 1


def allocate_tracking_number(session, prefix: str, year: int) -> str:
    """The next tracking number, e.g. ``REC-2026-000123``."""
    return format_tracking_number(prefix, year, reserve_numbers(session, prefix, year))


def _bump(session, prefix, year, count):
    stmt = (
        update(TrackingSequence)
        .where(TrackingSequence.prefix == prefix, TrackingSequence.year == year)
        .values(last_value=TrackingSequence.last_value + count)
        .returning(TrackingSequence.last_value)
        .execution_options(synchronize_session=False)
    )
    return session.execute(stmt).scalar()


def _create_row(session, prefix, year):
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(TrackingSequence).values(prefix=prefix, year=year, last_value=0)
    session.execute(stmt.on_conflict_do_nothing())
