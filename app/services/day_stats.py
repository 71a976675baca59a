"""The dashboard's daily figures (``domain.day_figures``), kept in step with the complaints,
and the monthly counts of the trend (``month_stats``) with them.

Every flush that adds, changes or removes a complaint adjusts the days (and the month) it
counted in and those it counts in now, in the same transaction, with atomic upserts:
concurrent writers never lose an update, and a rolled-back write changes nothing. It is
done at the flush, not by each service, because the counts' columns are written in many
places (a state change answers or closes, a survey or a staff member records
satisfaction, an edit or the API moves a reception date, a category or the confidential
flag, an assignment or a rule changes the team, a deletion, a merge). Writes that bypass
the ORM's flush (the demo's bulk insert) call ``rebuild``.

Days are those of the time zone the counts were made in, shared with the monthly counts
(``month_stats.TIME_ZONE_MARK``): ``totals`` answers None in another time zone, and the
caller counts the complaints instead.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import Date, Integer, cast, delete, event, func, insert, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, attributes

from app.domain.day_figures import COLUMNS, FIGURES, SURVEYED, add_up, difference, figures_of
from app.models import Complaint, ComplaintDayStat, Setting
from app.services import month_stats
from app.services.buckets import local_bucket
from app.services.clock import to_local
from app.services.settings import get_setting


def totals(session, start: date, end: date, time_zone: str, include_confidential: bool,
           team: int | None = None) -> dict | None:
    """The figures summed over the local days [start, end), of one ``team`` or (None) of
    every complaint, or None when the counts were made in another time zone (or not yet
    made)."""
    if not counts_made_in(session, time_zone):
        return None
    stat = ComplaintDayStat
    where = [stat.day >= start, stat.day < end]
    if not include_confidential:
        where.append(stat.confidential.is_(False))
    if team is not None:
        where.append(stat.team_key == team)
    row = session.execute(select(*(func.coalesce(func.sum(getattr(stat, name)), 0)
                                   for name in FIGURES)).where(*where)).one()
    return {name: int(value) for name, value in zip(FIGURES, row, strict=True)}


def counts_made_in(session, time_zone: str) -> bool:
    """Whether the kept counts (these and the monthly ones) are made in ``time_zone``: not
    after a change of setting or a migration, until the release step recounts them."""
    mark = session.get(Setting, month_stats.TIME_ZONE_MARK)
    return mark is not None and mark.value == time_zone


def rebuild(session, time_zone: str) -> int:
    """Recount every day from the complaints, in the caller's transaction; the rows."""
    session.execute(delete(ComplaintDayStat))
    # Not consecutive days: each time falls in the last day in use it is past the start
    # of, which is its own (see _days_in_use).
    days = _days_in_use(session, time_zone)
    if days:
        total: dict = {}
        for key, figures in _counted(session, days, time_zone):
            add_up(total, {key: figures})
        session.execute(insert(ComplaintDayStat), [
            {"day": day, "confidential": confidential, "team_key": team, **figures}
            for (day, confidential, team), figures in total.items()])
    session.flush()
    return session.scalar(select(func.count()).select_from(ComplaintDayStat))


def _days_in_use(session, time_zone) -> list[date]:
    """The local days the complaints' dates may fall on: each UTC date in use and the days
    either side of it (a local day is at most one off). Only those: the dates may span a
    century (the API takes 1990 to 2100), and each day is a bound in the bucketing SQL."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    in_use = set()
    for moment in (Complaint.received_at, Complaint.answered_at, Complaint.closed_at):
        utc_date = func.date(moment) if sqlite else cast(moment, Date)
        for (day,) in session.execute(select(utc_date).where(moment.isnot(None)).distinct()):
            in_use.add(day if isinstance(day, date) else date.fromisoformat(day))
    return sorted({day + timedelta(days=shift) for day in in_use for shift in (-1, 0, 1)})


def _counted(session, days, time_zone):
    """((day, confidential), figures) from three grouped counts, as ``figures_of`` counts
    a complaint (the same rules, in SQL)."""
    c = Complaint

    def grouped(moment, where, **figures):
        day = local_bucket(moment, days, time_zone).label("day")
        rows = select(day, c.confidential.label("confidential"),
                      func.coalesce(c.team_id, 0).label("team"),
                      *(value.label(name) for name, value in figures.items())).where(where)
        rows = rows.subquery()
        names = list(figures)
        statement = (select(rows.c.day, rows.c.confidential, rows.c.team,
                            *(func.sum(rows.c[name]) for name in names))
                     .group_by(rows.c.day, rows.c.confidential, rows.c.team))
        for day_text, confidential, team, *sums in session.execute(statement):
            figures_of_day = dict.fromkeys(FIGURES, 0)
            figures_of_day.update({n: int(v or 0) for n, v in zip(names, sums, strict=True)})
            yield (date.fromisoformat(day_text), bool(confidential), team), figures_of_day

    one = literal(1, Integer)
    yield from grouped(c.received_at, c.received_at.isnot(None), received=one)
    yield from grouped(c.answered_at, c.answered_at.isnot(None), answered=one,
                       answered_on_time=func.coalesce(cast(c.answered_on_time, Integer), 0),
                       timed=cast(c.processing_seconds.isnot(None), Integer))
    yield from grouped(c.closed_at, c.closed_at.isnot(None) & c.satisfaction.in_(SURVEYED),
                       surveyed=one, satisfied=cast(c.satisfaction == "yes", Integer),
                       rated=cast(c.satisfaction_rating.isnot(None), Integer),
                       rating_sum=func.coalesce(c.satisfaction_rating, 0))


def _upsert(session, changes: dict) -> None:
    """Add each day's changes to its row (created at zero first), atomically."""
    connection = session.connection()
    dialect = connection.dialect.name
    table = ComplaintDayStat.__table__
    for (day, confidential, team), delta in sorted(changes.items()):
        upsert = (pg_insert if dialect == "postgresql" else sqlite_insert)(table)
        statement = upsert.values(day=day, confidential=confidential, team_key=team, **delta)
        connection.execute(statement.on_conflict_do_update(
            index_elements=["day", "confidential", "team_key"],
            set_={name: table.c[name] + delta[name] for name in FIGURES}))


# Columns also set through a relationship, whose id the flush copies into them: until
# then the column may still hold the former value.
_RELATED = {"team_id": "team", "category_id": "category"}
_STORED = (*COLUMNS, "category_id")


def _has_tracked_changes(complaint) -> bool:
    state = attributes.instance_state(complaint)
    return any(state.attrs[name].history.has_changes()
               for name in (*_STORED, *_RELATED.values()))


def _values(complaint) -> dict:
    values = {name: getattr(complaint, name) for name in _STORED}
    state = attributes.instance_state(complaint)
    for column, relation in _RELATED.items():
        assigned = state.attrs[relation].history.added
        if assigned:  # the flush writes its id
            values[column] = assigned[0].id if assigned[0] is not None else None
    return values


def _stored(session, ids) -> dict[int, dict]:
    """The counts' columns as the database holds them, before this flush writes."""
    if not ids:
        return {}
    columns = [getattr(Complaint, name) for name in _STORED]
    rows = session.connection().execute(select(Complaint.id, *columns)
                                        .where(Complaint.id.in_(ids)))
    return {row[0]: dict(zip(_STORED, row[1:], strict=True)) for row in rows}


def _month_key(values, time_zone):
    if values is None or values["received_at"] is None:
        return None
    return month_stats.bucket(values["received_at"], values["category_id"],
                              values["confidential"], values["team_id"], time_zone)


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

        moves = [(None, _values(o)) for o in added]
        moves += [(stored.get(o.id), _values(o)) for o in changed]
        moves += [(stored.get(o.id), None) for o in removed]
        days: dict = {}
        months: dict = {}
        for before, after in moves:
            add_up(days, difference(counted(before), counted(after)))
            for key, change in ((_month_key(before, time_zone), -1),
                                (_month_key(after, time_zone), 1)):
                if key is not None:
                    months[key] = months.get(key, 0) + change
        _upsert(session, {key: delta for key, delta in days.items() if any(delta.values())})
        month_stats.add(session, months)


def register_listeners() -> None:
    """Keep the daily and monthly counts in step with every flush of complaints.
    Registering again does nothing."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
