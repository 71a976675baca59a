"""Monthly counts of received complaints per category, kept in step with the complaints.

Every write that adds, removes or moves a complaint between buckets (creation, deletion,
a change of reception date, category or confidential flag) adjusts the counts in the
same transaction, with an atomic upsert, so concurrent writers never lose an update.
"""

from datetime import date

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.models import Complaint, ComplaintMonthStat


def bucket(received_at, category_id, confidential) -> tuple[date, int, bool]:
    """The (month, category key, confidential) bucket a complaint counts in."""
    return (received_at.date().replace(day=1), category_id or 0, bool(confidential))


def add(session, key, delta: int) -> None:
    """Add ``delta`` to one bucket (creating it at 0 first)."""
    month, category_key, confidential = key
    dialect = session.get_bind().dialect.name
    upsert = (pg_insert if dialect == "postgresql" else sqlite_insert)(ComplaintMonthStat)
    stmt = upsert.values(month=month, category_key=category_key, confidential=confidential,
                         received=delta)
    stmt = stmt.on_conflict_do_update(
        index_elements=["month", "category_key", "confidential"],
        set_={"received": ComplaintMonthStat.received + delta})
    session.execute(stmt)


def move(session, old_key, new_key) -> None:
    """A complaint left ``old_key`` for ``new_key`` (either may be None)."""
    if old_key == new_key:
        return
    if old_key is not None:
        add(session, old_key, -1)
    if new_key is not None:
        add(session, new_key, 1)


def key_of(complaint):
    return bucket(complaint.received_at, _category_id(complaint), complaint.confidential)


def rebuild(session) -> int:
    """Recount every bucket from the complaints (after a bulk load); returns the rows."""
    dialect = session.get_bind().dialect.name
    month = (func.date(Complaint.received_at, "start of month") if dialect == "sqlite"
             else func.cast(func.date_trunc("month", Complaint.received_at), _date()))
    category = func.coalesce(Complaint.category_id, 0)
    grouped = (select(month, category, Complaint.confidential, func.count())
               .group_by(month, category, Complaint.confidential))
    session.execute(delete(ComplaintMonthStat))
    session.execute(insert(ComplaintMonthStat).from_select(
        ["month", "category_key", "confidential", "received"], grouped))
    return session.scalar(select(func.count()).select_from(ComplaintMonthStat))


def _category_id(complaint):
    category = complaint.category
    return category.id if category is not None else complaint.category_id


def _date():
    from sqlalchemy import Date

    return Date
