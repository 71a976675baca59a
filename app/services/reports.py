"""Reports: figures of a period grouped by one dimension or by local day/week/month, all
aggregated in SQL (never by loading complaints).

Received, still open (not answered nor closed yet) and overdue now count the complaints
*received* in the period;
answered, answered on time and the processing times (pauses excluded) count those
*answered* in it, as the dashboard does. ``scope`` is the reader's visibility condition.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, cast, func, literal, select, true

from app.domain.deadlines import CLOCK_RUNNING, CLOCK_STOPPED
from app.domain.reports import DIMENSIONS, GROUPINGS, TIME_BUCKETS, ReportRow, bucket_starts, totals
from app.models import (
    Agency,
    AppUser,
    Category,
    Channel,
    Complaint,
    RequestType,
    Sector,
    Severity,
    State,
    Team,
)
from app.models.complaints import clock_is
from app.services import custom_field_reports
from app.services.buckets import local_bucket
from app.services.clock import to_utc
from app.services.exceptions import ServiceError

COLUMNS = {
    "sector": (Complaint.sector_id, Sector), "agency": (Complaint.agency_id, Agency),
    "analytic_code": (Complaint.analytic_code, None),
    "category": (Complaint.category_id, Category),
    "severity": (Complaint.severity_id, Severity), "channel": (Complaint.channel_id, Channel),
    "request_type": (Complaint.request_type_id, RequestType),
    "team": (Complaint.team_id, Team), "assignee": (Complaint.assignee_id, AppUser),
    "state": (Complaint.state_id, State),
}
assert set(COLUMNS) == set(DIMENSIONS)


@dataclass
class Report:
    grouping: str
    start: date
    end: date  # exclusive
    rows: list[ReportRow]
    total: ReportRow = field(default_factory=lambda: ReportRow(key=None))

    @property
    def by_time(self) -> bool:
        return self.grouping in TIME_BUCKETS


def build_report(session, grouping: str, start: date, end: date, now: datetime, scope=None,
                 time_zone: str = "UTC", language: str = "fr") -> Report:
    """The report of ``[start, end)`` (local days) grouped by ``grouping``."""
    custom = custom_field_reports.dimension(session, grouping, language)
    if grouping not in GROUPINGS and custom is None:
        raise ServiceError(_l("Unknown grouping “%(name)s”."), name=grouping)
    if end <= start:
        raise ServiceError(_l("The start of the period must come before its end."))
    lo, hi = (to_utc(datetime.combine(d, time()), time_zone) for d in (start, end))
    scope = scope if scope is not None else true()
    received_in = and_(scope, Complaint.received_at >= lo, Complaint.received_at < hi)
    answered_in = and_(scope, Complaint.answered_at >= lo, Complaint.answered_at < hi,
                       Complaint.processing_seconds.isnot(None))
    closed_in = and_(scope, Complaint.closed_at >= lo, Complaint.closed_at < hi)
    if grouping in TIME_BUCKETS:
        try:
            starts = bucket_starts(grouping, start, end)
        except ValueError:
            raise ServiceError(_l("This period has too many time buckets: choose a "
                                  "shorter period or a larger unit.")) from None
        rows = _merge(session, local_bucket(Complaint.received_at, starts, time_zone),
                      local_bucket(Complaint.answered_at, starts, time_zone), received_in,
                      answered_in, now)
        _add_satisfaction(session, rows, local_bucket(Complaint.closed_at, starts, time_zone),
                          closed_in)
        by_key = {date.fromisoformat(row.key): row for row in rows}
        rows = [by_key.get(day) or ReportRow(key=day.isoformat()) for day in starts]
        for row in rows:
            row.key = row.label = date.fromisoformat(row.key)
    elif custom is not None:  # a custom field: its value per complaint
        rows = _merge(session, custom[0], custom[0], received_in, answered_in, now)
        for row in rows:
            row.label = str(_l("Not set")) if row.key is None else custom[1].get(row.key,
                                                                                 str(row.key))
        rows.sort(key=lambda r: (r.key is None, str(r.label).casefold()))
    else:
        column, model = COLUMNS[grouping]
        rows = _merge(session, column, column, received_in, answered_in, now)
        _add_satisfaction(session, rows, column, closed_in)
        _label(session, rows, model, language)
        rows.sort(key=lambda r: (r.key is None, str(r.label).casefold()))
    total = totals(rows)
    total.median_seconds = _medians(session, None, answered_in).get(None)
    total.mean_seconds = session.scalar(select(func.avg(Complaint.processing_seconds))
                                        .where(answered_in))
    if total.mean_seconds is not None:
        total.mean_seconds = float(total.mean_seconds)
    total.mean_rating = _satisfaction_rows(session, None, closed_in).get(None, (0, 0, None))[2]
    return Report(grouping, start, end, rows, total)


def _merge(session, received_key, answered_key, received_in, answered_in, now):
    rows: dict = {}
    received = session.execute(
        select(received_key, func.count(),
               func.sum(cast(Complaint.clock != CLOCK_STOPPED, Integer)),
               func.sum(cast(and_(clock_is(CLOCK_RUNNING), Complaint.due_at < now), Integer)))
        .where(received_in).group_by(received_key))
    for key, count, still_open, overdue in received:
        rows[key] = ReportRow(key=key, received=count, still_open=still_open or 0,
                              overdue=overdue or 0)
    answered = session.execute(
        select(answered_key, func.count(), func.sum(cast(Complaint.answered_on_time, Integer)),
               func.avg(Complaint.processing_seconds))
        .where(answered_in).group_by(answered_key))
    for key, count, on_time, mean in answered:
        row = rows.setdefault(key, ReportRow(key=key))
        row.answered, row.on_time = count, on_time or 0
        row.mean_seconds = float(mean) if mean is not None else None
    for key, median in _medians(session, answered_key, answered_in).items():
        rows[key].median_seconds = median
    return list(rows.values())


def _satisfaction_rows(session, key, closed_in) -> dict:
    """``{key: (satisfied, answers, mean rating)}`` of the complaints closed in the period
    whose complainant said whether they were satisfied (the survey or staff)."""
    figures = (func.sum(cast(Complaint.satisfaction == "yes", Integer)), func.count(),
               func.avg(Complaint.satisfaction_rating))
    answered = and_(closed_in, Complaint.satisfaction.in_(("yes", "no")))
    if key is None:  # the total: one row
        yes, n, mean = session.execute(select(*figures).where(answered)).one()
        return {None: (yes or 0, n, float(mean) if mean is not None else None)}
    stmt = select(key, *figures).where(answered).group_by(key)
    return {k: (yes or 0, n, float(mean) if mean is not None else None)
            for k, yes, n, mean in session.execute(stmt)}


def _add_satisfaction(session, rows, key, closed_in):
    by_key = {row.key: row for row in rows}
    for k, (yes, n, mean) in _satisfaction_rows(session, key, closed_in).items():
        row = by_key.get(k)
        if row is None:
            row = by_key[k] = ReportRow(key=k)
            rows.append(row)
        row.satisfied, row.surveyed, row.mean_rating = yes, n, mean


def _medians(session, key, condition) -> dict:
    """Median processing time per group (or overall when ``key`` is None), in SQL:
    percentile_cont on PostgreSQL, the middle row(s) by window functions on SQLite."""
    value = Complaint.processing_seconds
    group = key if key is not None else literal(None)
    if session.get_bind().dialect.name == "postgresql":
        stmt = select(group, func.percentile_cont(0.5).within_group(value)).where(condition)
        if key is not None:
            stmt = stmt.group_by(key)
        return {k: float(m) for k, m in session.execute(stmt) if m is not None}
    partition = {"partition_by": key} if key is not None else {}
    ranked = select(group.label("g"), value.label("v"),
                    func.row_number().over(order_by=value, **partition).label("rn"),
                    func.count().over(**partition).label("n")).where(condition).subquery()
    middle = ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
    stmt = select(ranked.c.g, func.avg(ranked.c.v)).where(middle).group_by(ranked.c.g)
    return {k: float(m) for k, m in session.execute(stmt) if m is not None}


def _label(session, rows, model, language):
    keys = [row.key for row in rows if row.key is not None]
    names = {}
    if model is not None and keys:
        for item in session.scalars(select(model).where(model.id.in_(keys))):
            names[item.id] = _name(item, language)
    for row in rows:
        if row.key is None:
            row.label = str(_l("Not set"))
        else:
            row.label = names.get(row.key, str(row.key))


def _name(item, language):
    if hasattr(item, "label_fr"):
        return (item.label_en if language == "en" else item.label_fr) or item.code
    if hasattr(item, "label_in"):  # a team: its name in ``language``
        return item.label_in(language)
    return str(item)
