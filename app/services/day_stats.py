"""The dashboard's daily figures (``domain.day_figures``), kept in step with the complaints.

Every flush that adds, changes or removes a complaint adjusts the days it counted in and
the days it counts in now, in the same transaction, with atomic upserts: concurrent
writers never lose an update, and a rolled-back write changes nothing. It is done at the
flush, not by each service, because the figures' columns are written in many places
(a state change answers or closes, a survey or a staff member records satisfaction, an
edit or the API moves a reception date or the confidential flag, a deletion, a merge).
Writes that bypass the ORM's flush (the demo's bulk insert) call ``rebuild``.

Days are those of the time zone the counts were made in, shared with the monthly counts
(``month_stats.TIME_ZONE_MARK``): ``totals`` answers None in another time zone, and the
caller counts the complaints instead.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import Integer, cast, delete, event, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, attributes

from app.domain.day_figures import COLUMNS, FIGURES, SURVEYED, add_up, difference, figures_of
from app.models import Complaint, ComplaintDayStat, Setting
from app.services.buckets import local_bucket
from app.services.clock import to_local
from app.services.settings import get_setting


def totals(session, start: date, end: date, time_zone: str,
           include_confidential: bool) -> dict | None:
    """The figures summed over the local days [start, end), or None when the counts were
    made in another time zone (or not yet made)."""
    from app.services.month_stats import TIME_ZONE_MARK  # it imports this module

    mark = session.get(Setting, TIME_ZONE_MARK)
    if mark is None or mark.value != time_zone:
        return None
    stat = ComplaintDayStat
    where = [stat.day >= start, stat.day < end]
    if not include_confidential:
        where.append(stat.confidential.is_(False))
    row = session.execute(select(*(func.coalesce(func.sum(getattr(stat, name)), 0)
                                   for name in FIGURES)).where(*where)).one()
    return {name: int(value) for name, value in zip(FIGURES, row, strict=True)}


def rebuild(session, time_zone: str) -> int:
    """Recount every day from the complaints, in the caller's transaction; the rows."""
    session.execute(delete(ComplaintDayStat))
    days = _days_spanned(session, time_zone)
    if days:
        total: dict = {}
        for key, figures in _counted(session, days, time_zone):
            add_up(total, {key: figures})
        _upsert(session, total, inserting=True)
    session.flush()
    return session.scalar(select(func.count()).select_from(ComplaintDayStat))


def _days_spanned(session, time_zone) -> list[date]:
    moments = [m for m in session.execute(select(
        func.min(Complaint.received_at), func.max(Complaint.received_at),
        func.min(Complaint.answered_at), func.max(Complaint.answered_at),
        func.min(Complaint.closed_at), func.max(Complaint.closed_at))).one() if m is not None]
    if not moments:
        return []
    first, last = (to_local(m, time_zone).date() for m in (min(moments), max(moments)))
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _counted(session, days, time_zone):
    """((day, confidential), figures) from three grouped counts, as ``figures_of`` counts
    a complaint (the same rules, in SQL)."""
    c = Complaint

    def grouped(moment, where, **figures):
        day = local_bucket(moment, days, time_zone).label("day")
        rows = select(day, c.confidential.label("confidential"),
                      *(value.label(name) for name, value in figures.items())).where(where)
        rows = rows.subquery()
        names = list(figures)
        statement = (select(rows.c.day, rows.c.confidential,
                            *(func.sum(rows.c[name]) for name in names))
                     .group_by(rows.c.day, rows.c.confidential))
        for day_text, confidential, *sums in session.execute(statement):
            figures_of_day = dict.fromkeys(FIGURES, 0)
            figures_of_day.update({n: int(v or 0) for n, v in zip(names, sums, strict=True)})
            yield (date.fromisoformat(day_text), bool(confidential)), figures_of_day

    one = literal(1, Integer)
    yield from grouped(c.received_at, c.received_at.isnot(None), received=one)
    yield from grouped(c.answered_at, c.answered_at.isnot(None), answered=one,
                       answered_on_time=func.coalesce(cast(c.answered_on_time, Integer), 0),
                       timed=cast(c.processing_seconds.isnot(None), Integer))
    yield from grouped(c.closed_at, c.closed_at.isnot(None) & c.satisfaction.in_(SURVEYED),
                       surveyed=one, satisfied=cast(c.satisfaction == "yes", Integer),
                       rated=cast(c.satisfaction_rating.isnot(None), Integer),
                       rating_sum=func.coalesce(c.satisfaction_rating, 0))


def _upsert(session, changes: dict, inserting: bool = False) -> None:
    """Add each day's changes to its row (created at zero first)."""
    if not changes:
        return
    connection = session.connection()
    dialect = connection.dialect.name
    table = ComplaintDayStat.__table__
    for (day, confidential), delta in sorted(changes.items()):
        upsert = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
        statement = upsert.values(day=day, confidential=confidential, **delta)
        if not inserting:
            statement = statement.on_conflict_do_update(
                index_elements=["day", "confidential"],
                set_={name: table.c[name] + delta[name] for name in FIGURES})
        connection.execute(statement)


def _has_tracked_changes(complaint) -> bool:
    state = attributes.instance_state(complaint)
    return any(state.attrs[name].history.has_changes() for name in COLUMNS)


def _values(complaint) -> dict:
    return {name: getattr(complaint, name) for name in COLUMNS}


def _stored(session, ids) -> dict[int, dict]:
    """The figures' columns as the database holds them, before this flush writes."""
    if not ids:
        return {}
    columns = [getattr(Complaint, name) for name in COLUMNS]
    rows = session.connection().execute(select(Complaint.id, *columns)
                                        .where(Complaint.id.in_(ids)))
    return {row[0]: dict(zip(COLUMNS, row[1:], strict=True)) for row in rows}


@event.listens_for(Session, "before_flush")
def _before_flush(session, _context, _instances):
    added = [o for o in session.new if isinstance(o, Complaint)]
    changed = [o for o in session.dirty if isinstance(o, Complaint) and _has_tracked_changes(o)]
    removed = [o for o in session.deleted if isinstance(o, Complaint)]
    if not (added or changed or removed):
        return
    with session.no_autoflush:
        time_zone = get_setting(session, "time_zone")
        stored = _stored(session, [o.id for o in changed + removed if o.id is not None])

        def local_day(moment: datetime) -> date:
            return to_local(moment, time_zone).date()

        def counted(values):
            return figures_of(values, local_day) if values is not None else {}

        total: dict = {}
        for complaint in added:
            add_up(total, counted(_values(complaint)))
        for complaint in changed:
            add_up(total, difference(counted(stored.get(complaint.id)),
                                     counted(_values(complaint))))
        for complaint in removed:
            add_up(total, difference(counted(stored.get(complaint.id)), {}))
        _upsert(session, {key: delta for key, delta in total.items() if any(delta.values())})

