"""Reports: what a report may group by, its time buckets and its figures (plain Python)."""

from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.periods import add_months

# Dimensions: one column of the complaint each (copied onto it, so indexed and kept as of
# the day of the complaint).
DIMENSIONS = ("sector", "agency", "analytic_code", "category", "severity", "channel",
              "request_type", "team", "assignee", "state")
# Time buckets of the local calendar (the configured time zone).
TIME_BUCKETS = ("day", "week", "month")
GROUPINGS = DIMENSIONS + TIME_BUCKETS
# A report never has more time buckets than this (a day-by-day report over ten years is
# a mistake, not a report).
MAX_BUCKETS = 400


@dataclass
class ReportRow:
    """The figures of one group. Received, still open and overdue count the complaints
    received in the period; answered, on time and the times count those answered in it."""

    key: object
    label: str = ""
    received: int = 0
    answered: int = 0
    still_open: int = 0
    on_time: int = 0
    overdue: int = 0
    median_seconds: float | None = None
    mean_seconds: float | None = None
    # Satisfaction of the complaints closed in the period: answers "satisfied", answers
    # (satisfied or not) and the mean rating of the rated ones.
    satisfied: int = 0
    surveyed: int = 0
    mean_rating: float | None = None

    @property
    def on_time_pct(self) -> float | None:
        return round(100.0 * self.on_time / self.answered, 1) if self.answered else None

    @property
    def satisfaction_pct(self) -> float | None:
        return round(100.0 * self.satisfied / self.surveyed, 1) if self.surveyed else None


def bucket_starts(unit: str, start: date, end: date) -> list[date]:
    """First local days of the ``unit`` buckets that cover ``[start, end)``; the first
    bucket starts at ``start`` itself when the period starts inside a week or month."""
    if unit not in TIME_BUCKETS:
        raise ValueError(f"unknown time bucket {unit!r}")
    starts, current = [], start
    while current < end:
        starts.append(current)
        if len(starts) > MAX_BUCKETS:
            raise ValueError("too many time buckets")
        current = _next_bucket(unit, current)
    return starts


def _next_bucket(unit: str, day: date) -> date:
    if unit == "day":
        return day + timedelta(days=1)
    if unit == "week":
        return day + timedelta(days=7 - day.weekday())
    return add_months(day.replace(day=1), 1)


def totals(rows: list[ReportRow]) -> ReportRow:
    """The sum of the counts (medians do not add up: the caller computes the overall one)."""
    total = ReportRow(key=None)
    for row in rows:
        total.received += row.received
        total.answered += row.answered
        total.still_open += row.still_open
        total.on_time += row.on_time
        total.overdue += row.overdue
        total.satisfied += row.satisfied
        total.surveyed += row.surveyed
    return total
