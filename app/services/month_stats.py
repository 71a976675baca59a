"""Monthly counts of received complaints per category and team, kept in step with the
complaints.

Every write that adds, removes or moves a complaint between buckets (creation, deletion,
a change of reception date, category, team or confidential flag) adjusts the counts in
the same transaction, with an atomic upsert, so concurrent writers never lose an update:
at the flush, with the daily counts (``day_stats``).

Months are those of the configured time zone (a complaint received on the 1st at 00:30
in Paris counts in that month, not in the previous UTC one). The counts remember the
time zone they were made in (the ``month_stats_time_zone`` setting row); a change of
time zone recounts them.
"""

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.domain.periods import add_months
from app.models import Complaint, ComplaintMonthStat, Setting
from app.services.buckets import local_bucket
from app.services.clock import to_local
from app.services.settings import get_setting

# Not an admin setting: which time zone the counts were made in.
TIME_ZONE_MARK = "month_stats_time_zone"


def bucket(received_at, category_id, confidential, team_id,
           time_zone: str) -> tuple[date, int, bool, int]:
    """The (local month, category key, confidential, team key) bucket a complaint counts
    in."""
    local = to_local(received_at, time_zone)
    return (local.date().replace(day=1), category_id or 0, bool(confidential), team_id or 0)


def add(session, changes: dict) -> None:
    """Add each bucket's change to its row (created at zero first), atomically."""
    dialect = session.get_bind().dialect.name
    for (month, category_key, confidential, team_key), delta in sorted(changes.items()):
        if not delta:
            continue
        upsert = (pg_insert if dialect == "postgresql" else sqlite_insert)(ComplaintMonthStat)
        stmt = upsert.values(month=month, category_key=category_key,
                             confidential=confidential, team_key=team_key, received=delta)
        stmt = stmt.on_conflict_do_update(
            index_elements=["month", "category_key", "confidential", "team_key"],
            set_={"received": ComplaintMonthStat.received + delta})
        session.connection().execute(stmt)


def rebuild(session) -> int:
    """Recount every bucket from the complaints (after a bulk load, or in another time
    zone), in the caller's transaction; returns the rows."""
    time_zone = get_setting(session, "time_zone")
    session.execute(delete(ComplaintMonthStat))
    first, last = session.execute(select(func.min(Complaint.received_at),
                                         func.max(Complaint.received_at))).one()
    if first is not None:
        months = [to_local(first, time_zone).date().replace(day=1)]
        while months[-1] <= to_local(last, time_zone).date():
            months.append(add_months(months[-1], 1))
        month = local_bucket(Complaint.received_at, months, time_zone)
        category = func.coalesce(Complaint.category_id, 0)
        team = func.coalesce(Complaint.team_id, 0)
        grouped = (select(month, category, Complaint.confidential, team, func.count())
                   .group_by(month, category, Complaint.confidential, team))
        for day, category_key, confidential, team_key, received in session.execute(
                grouped).all():
            session.add(ComplaintMonthStat(month=date.fromisoformat(day),
                                           category_key=category_key,
                                           confidential=confidential, team_key=team_key,
                                           received=received))
    _mark(session, time_zone)
    session.flush()
    return session.scalar(select(func.count()).select_from(ComplaintMonthStat))


def ensure_time_zone(session) -> bool:
    """Recount (and commit) these and the daily counts (``day_stats``) when they were made
    in another time zone than the configured one; True if they were. For the release
    step and a change of setting."""
    row = session.get(Setting, TIME_ZONE_MARK)
    if row is not None and row.value == get_setting(session, "time_zone"):
        return False
    rebuild_all(session)
    session.commit()
    return True


def rebuild_all(session) -> None:
    """These counts and the daily ones, in the caller's transaction (after a bulk load)."""
    from app.services import day_stats  # which keeps these counts too, at each flush

    rebuild(session)
    day_stats.rebuild(session, get_setting(session, "time_zone"))


def _mark(session, time_zone):
    row = session.get(Setting, TIME_ZONE_MARK)
    if row is None:
        session.add(Setting(key=TIME_ZONE_MARK, value=time_zone))
    else:
        row.value = time_zone

