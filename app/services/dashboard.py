"""Dashboard figures, every one computed in SQL on indexed columns (never by loading rows).

``scope`` is the reader's visibility condition (a SQL expression on Complaint, or None
for "everything"): every query here is restricted by it, so no count includes what the
reader may not see.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import (
    DateTime,
    Integer,
    and_,
    bindparam,
    func,
    select,
    text,
    true,
    union_all,
)

from app.domain.day_figures import SURVEYED
from app.domain.deadlines import CLOCK_RUNNING
from app.domain.periods import add_months, last_months
from app.models import Category, Complaint, ComplaintMonthStat, Reminder, State
from app.models.complaints import clock_is
from app.services import day_stats
from app.services.buckets import local_bucket
from app.services.clock import to_utc
from app.services.visibility import scope_parts

URGENT_LIMIT = 25


@dataclass
class Kpis:
    received: int
    answered: int
    on_time: int
    median_processing_seconds: float | None
    # Satisfaction of the complaints closed in the period (survey or staff).
    satisfied: int = 0
    surveyed: int = 0
    mean_rating: float | None = None

    @property
    def on_time_pct(self) -> float | None:
        return round(100.0 * self.on_time / self.answered, 1) if self.answered else None

    @property
    def satisfaction_pct(self) -> float | None:
        return round(100.0 * self.satisfied / self.surveyed, 1) if self.surveyed else None


def open_by_state(session, scope=None) -> list[tuple[State, int]]:
    """Open complaints ("en cours") counted per open state, in workflow order."""
    states = session.scalars(select(State).where(State.is_open.is_(True))
                             .order_by(State.position)).all()
    # The ids as a list, not a subquery: each becomes an index range on (state_id, …).
    stmt = (select(Complaint.state_id, func.count())
            .where(_scope(scope), Complaint.state_id.in_([s.id for s in states]))
            .group_by(Complaint.state_id))
    counts = dict(session.execute(stmt).all())
    return [(state, counts.get(state.id, 0)) for state in states]


def urgent(session, now: datetime, scope=None, limit: int = URGENT_LIMIT,
           offset: int = 0) -> list[Complaint]:
    """One page of the urgent complaints, most urgent first: overdue (oldest deadline
    first), then due soon (nearest first); the id breaks ties, so pages never overlap.
    Every overdue complaint is in the warning window (warning_at <= due_at)."""
    stmt = (select(Complaint)
            .where(_scope(scope), clock_is(CLOCK_RUNNING),
                   Complaint.warning_at <= now)
            .order_by(Complaint.due_at, Complaint.id).offset(offset).limit(limit))
    return session.scalars(stmt).all()


def count_urgent(session, now: datetime, scope=None) -> tuple[int, int]:
    """(overdue, due soon) counts among running clocks: two range counts on the partial
    index of running deadlines, which holds due_at, warning_at and the confidential flag."""
    running = and_(_scope(scope), clock_is(CLOCK_RUNNING))
    late = session.scalar(select(func.count()).where(running, Complaint.due_at < now))
    soon = session.scalar(select(func.count()).where(
        running, Complaint.due_at >= now, Complaint.warning_at <= now))
    return late or 0, soon or 0


def my_complaints(session, user_id: int, scope=None, limit: int = URGENT_LIMIT):
    """The reader's open complaints, the nearest deadline first."""
    stmt = (select(Complaint)
            .where(_scope(scope), Complaint.assignee_id == user_id,
                   Complaint.closed_at.is_(None))
            .order_by(Complaint.due_at).limit(limit))
    return session.scalars(stmt).all()


def my_overdue_reminders(session, user_id: int, now: datetime, scope=None,
                         limit: int = URGENT_LIMIT):
    stmt = (select(Reminder).join(Complaint, Complaint.id == Reminder.complaint_id)
            .where(Reminder.user_id == user_id, Reminder.done_at.is_(None),
                   Reminder.remind_at < now, _scope(scope))
            .order_by(Reminder.remind_at).limit(limit))
    return session.scalars(stmt).all()


@dataclass(frozen=True)
class Share:
    """The part of the register a reader's figures count, as the kept counts (daily and
    monthly) hold it: every team's complaints or one ``team``'s, the confidential ones
    or not; and ``parts``, the rest of the reader's scope, counted among the complaints
    (an agent's complaints assigned to them in another team, their portfolio's)."""

    confidential: bool
    team: int | None = None
    parts: tuple = ()

    @property
    def all_teams(self) -> bool:
        return self.team is None


WHOLE_REGISTER = Share(confidential=True)
REGISTER_NOT_CONFIDENTIAL = Share(confidential=False)


def share_of(reader) -> Share | None:
    """The reader's share of the register, or None when no kept count holds a part of
    their scope (an agent with no team: counted)."""
    if reader.sees_all:
        return Share(reader.sees_confidential)
    if reader.team_id is not None:
        return Share(reader.sees_confidential, reader.team_id, tuple(scope_parts(reader)[1:]))
    return None


def kpis(session, start: date, end: date, scope=None, time_zone: str = "UTC",
         share: Share | None = None) -> Kpis:
    """Received, answered, answered on time and median processing time in [start, end),
    the days being those of ``time_zone`` (the stored times are UTC). ``share`` is what
    ``scope`` is made of (no scope: the whole register): its kept part is read in the
    daily counts (``day_stats``), the rest and the median counted."""
    if scope is None:
        share = WHOLE_REGISTER
    lo = to_utc(datetime.combine(start, time()), time_zone)
    hi = to_utc(datetime.combine(end, time()), time_zone)
    figures = None if share is None else day_stats.totals(
        session, start, end, time_zone, share.confidential, share.team)
    if figures is None:  # counted whole
        figures = _counted_figures(session, lo, hi, scope)
    else:  # the kept part, and the rest of the scope counted
        for part in share.parts:
            for name, value in _counted_figures(session, lo, hi, part).items():
                figures[name] += value
    median = _median_processing(session, lo, hi, scope, share, figures["timed"])
    return Kpis(figures["received"], figures["answered"], figures["answered_on_time"], median,
                figures["satisfied"], figures["surveyed"],
                figures["rating_sum"] / figures["rated"] if figures["rated"] else None)


def _counted_figures(session, lo: datetime, hi: datetime, scope) -> dict:
    """The figures of ``day_stats.totals``, counted among the complaints of ``scope``."""
    received = session.scalar(select(func.count()).where(
        _scope(scope), Complaint.received_at >= lo, Complaint.received_at < hi))
    answered_in = and_(_scope(scope), Complaint.answered_at >= lo, Complaint.answered_at < hi)
    answered, on_time, timed = session.execute(select(
        func.count(), func.sum(func.cast(Complaint.answered_on_time, Integer)),
        func.count(Complaint.processing_seconds)).where(answered_in)).one()
    satisfied, surveyed, rated, rating_sum = session.execute(select(
        func.sum(func.cast(Complaint.satisfaction == "yes", Integer)), func.count(),
        func.count(Complaint.satisfaction_rating), func.sum(Complaint.satisfaction_rating))
        .where(_scope(scope), Complaint.closed_at >= lo, Complaint.closed_at < hi,
               Complaint.satisfaction.in_(SURVEYED))).one()
    return {"received": received or 0, "answered": answered or 0,
            "answered_on_time": on_time or 0, "timed": timed or 0,
            "satisfied": satisfied or 0, "surveyed": surveyed or 0, "rated": rated or 0,
            "rating_sum": rating_sum or 0}


def trend_by_category(session, today: date, months: int = 12, scope=None,
                      time_zone: str = "UTC", share: Share | None = None,
                      scope_parts=None) -> dict:
    """Complaints received per category per local month over the last ``months`` months
    (``today`` is the local date).

    A reader's ``share`` of the register is read in the monthly counts (its ``parts``
    outside them counted); other scopes are counted, part by part when they come as
    disjoint ``scope_parts`` (``visibility.scope_parts``).
    """
    firsts = last_months(today, months)
    if share is not None and day_stats.counts_made_in(session, time_zone):
        rows = _trend_rows_from_counts(session, firsts[0], share)
        if share.parts:
            rows += _trend_rows_by_parts(session, firsts, share.parts, time_zone)
    elif scope_parts is not None:
        rows = _trend_rows_by_parts(session, firsts, scope_parts, time_zone)
    else:
        rows = _trend_rows(session, firsts, scope, time_zone)
    keys = [f"{d:%Y-%m}" for d in firsts]
    series: dict = {}
    for category_id, month, count in rows:
        series.setdefault(category_id, [0] * len(keys))
        if month in keys:
            series[category_id][keys.index(month)] += count
    names = {c.id: c for c in session.scalars(select(Category))}
    return {"months": firsts,
            "series": [(names.get(cid), counts) for cid, counts in sorted(
                series.items(), key=lambda item: -sum(item[1]))]}


def _trend_rows(session, firsts: list[date], scope, time_zone):
    bucket = local_bucket(Complaint.received_at, firsts, time_zone)
    since, until = _months_span(firsts, time_zone)
    stmt = (select(Complaint.category_id, bucket, func.count())
            .where(_scope(scope), Complaint.received_at >= since,
                   Complaint.received_at < until)
            .group_by(Complaint.category_id, bucket))
    return [(category_id, day[:7], count) for category_id, day, count in session.execute(stmt)]


def _trend_rows_by_parts(session, firsts: list[date], parts, time_zone):
    """Each part read from its own index (an agent's team: 175,000 complaints a year on a
    million), then bucketed together: 580 -> 120 ms on SQLite."""
    if not parts:
        return []
    since, until = _months_span(firsts, time_zone)
    received = union_all(*(select(Complaint.category_id, Complaint.received_at)
                           .where(part, Complaint.received_at >= since,
                                  Complaint.received_at < until)
                           for part in parts)).subquery()
    bucket = local_bucket(received.c.received_at, firsts, time_zone)
    stmt = (select(received.c.category_id, bucket, func.count())
            .group_by(received.c.category_id, bucket))
    return [(category_id, day[:7], count) for category_id, day, count in session.execute(stmt)]


def _months_span(firsts: list[date], time_zone) -> tuple[datetime, datetime]:
    """The UTC limits of the months: a complaint received later (a date typed in the
    future) is in none of them, as in the monthly counts."""
    until = add_months(firsts[-1], 1)
    return tuple(to_utc(datetime.combine(day, time()), time_zone) for day in (firsts[0], until))


def _trend_rows_from_counts(session, first: date, share: Share):
    stat = ComplaintMonthStat
    where = [stat.month >= first]
    if not share.confidential:
        where.append(stat.confidential.is_(False))
    if share.team is not None:
        where.append(stat.team_key == share.team)
    stmt = (select(stat.category_key, stat.month, func.sum(stat.received)).where(*where)
            .group_by(stat.category_key, stat.month))
    return [(key or None, f"{month:%Y-%m}", int(n)) for key, month, n in session.execute(stmt)]


def _scope(scope):
    return scope if scope is not None else true()


# Past this many values, sorting the period's times is slower (SQLite: 370 ms for 480,000;
# PostgreSQL's percentile_cont: 104 ms) than walking the index of processing times in
# order and counting those of the period (40 ms on either).
SORT_AT_MOST = 20_000
_MEDIAN_BY_INDEX = (  # SQLite: spelt out, its choice of plan flips with its statistics
    "SELECT processing_seconds FROM complaint INDEXED BY ix_complaint_processing"
    " WHERE processing_seconds IS NOT NULL AND answered_at >= :lo AND answered_at < :hi"
    " AND ({scope}) ORDER BY processing_seconds LIMIT :limit OFFSET :offset")


def _median_processing(session, lo: datetime, hi: datetime, scope, share, n: int):
    """Median processing time of the ``n`` complaints answered in [lo, hi) that have one.

    Few: sorted (PostgreSQL's percentile_cont, or one OFFSET read of the sorted times on
    SQLite). Many, for a reader's scope (``share``: ``scope`` is made of its team, its
    complaints, its portfolio's clients, the confidential flag, which the index holds):
    the middle of ``ix_complaint_processing`` walked in order (with migration 0024's
    indexes, an agent's dashboard for a year: 1,797 -> 112 ms on SQLite); PostgreSQL walks
    it for every team's complaints only, its planner reading the index in order by itself.
    Another scope is sorted."""
    if not n:
        return None
    column = Complaint.processing_seconds
    condition = and_(_scope(scope), Complaint.answered_at >= lo, Complaint.answered_at < hi,
                     column.isnot(None))
    postgresql = session.get_bind().dialect.name == "postgresql"
    offset, limit = (n - 1) // 2, 2 - n % 2
    walk = share is not None and n > SORT_AT_MOST
    if walk and not postgresql:
        # The scope's ids and flags as literals: they are the reader's, never typed.
        in_scope = _scope(scope).compile(dialect=session.get_bind().dialect,
                                         compile_kwargs={"literal_binds": True})
        statement = text(_MEDIAN_BY_INDEX.format(scope=in_scope)).bindparams(
            bindparam("lo", type_=DateTime), bindparam("hi", type_=DateTime))
        values = session.scalars(statement, {"lo": lo, "hi": hi, "limit": limit,
                                             "offset": offset}).all()
    elif walk and share.all_teams:
        values = session.scalars(select(column).where(condition).order_by(column)
                                 .offset(offset).limit(limit)).all()
    elif postgresql:
        return float(session.scalar(select(func.percentile_cont(0.5).within_group(column))
                                    .where(condition)))
    else:  # "+ 0": sorted, not walked in the index's order
        values = session.scalars(select(column).where(condition).order_by(column + 0)
                                 .offset(offset).limit(limit)).all()
    return sum(values) / len(values)
