"""Deadline arithmetic (DESIGN.md §2): ``due_at = received_at + delay + paused time``.

Times come in and go out as naive UTC; days are counted on the local calendar of the
configured time zone, so "15 days" lands on the same wall-clock time across a daylight-
saving change, and business days skip the local weekend and holidays.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DEFAULT_DELAY_DAYS = 15
DEFAULT_WARNING_DAYS = 3
DEFAULT_TIME_ZONE = "Europe/Paris"
WEEKEND = (5, 6)  # Saturday, Sunday

# The clock of a complaint: running (the deadline counts), paused (waiting for the
# complainant: the deadline moves with the pause) or stopped (answered or closed).
CLOCK_RUNNING = "running"
CLOCK_PAUSED = "paused"
CLOCK_STOPPED = "stopped"


def clock_for(pauses_clock: bool, marks_answered: bool, is_final: bool) -> str:
    """The clock of a complaint in a state with these flags."""
    if is_final or marks_answered:
        return CLOCK_STOPPED
    return CLOCK_PAUSED if pauses_clock else CLOCK_RUNNING


@dataclass(frozen=True)
class DeadlineRule:
    """A delay for (state or any) × (complexity or any). ``None`` means "any"."""

    days: int = DEFAULT_DELAY_DAYS
    business_days: bool = False
    warning_days: int = DEFAULT_WARNING_DAYS
    state_id: int | None = None
    complexity_id: int | None = None
    id: int | None = None


DEFAULT_RULE = DeadlineRule()


@dataclass
class Deadline:
    """A computed deadline and how it was reached (shown on the complaint page)."""

    due_at: datetime
    warning_at: datetime
    rule: DeadlineRule
    paused_seconds: int
    skipped_weekend_days: int = 0
    skipped_holidays: list[date] = field(default_factory=list)


def pick_rule(rules, state_id, complexity_id) -> DeadlineRule:
    """The most specific rule: (state, complexity), (any, complexity), (state, any), (any, any)."""
    by_key = {(r.state_id, r.complexity_id): r for r in rules}
    for key in ((state_id, complexity_id), (None, complexity_id), (state_id, None), (None, None)):
        if key in by_key:
            return by_key[key]
    return DEFAULT_RULE


def compute_deadline(received_at: datetime, rule: DeadlineRule, holidays=frozenset(),
                     tz: str = DEFAULT_TIME_ZONE, paused_seconds: int = 0) -> Deadline:
    """Deadline of a complaint received at ``received_at`` (naive UTC) under ``rule``."""
    zone = ZoneInfo(tz)
    local = received_at.replace(tzinfo=UTC).astimezone(zone)
    if rule.business_days:
        end_date, weekends, skipped = add_business_days(local.date(), rule.days, holidays)
    else:
        end_date, weekends, skipped = local.date() + timedelta(days=rule.days), 0, []
    # Same wall-clock time on the end date; fold=0 picks the first of an ambiguous hour.
    end_local = datetime.combine(end_date, local.time().replace(tzinfo=None)).replace(
        tzinfo=zone)
    end_utc = end_local.astimezone(UTC).replace(tzinfo=None)
    due_at = end_utc + timedelta(seconds=paused_seconds or 0)
    return Deadline(
        due_at=due_at,
        warning_at=due_at - timedelta(days=rule.warning_days),
        rule=rule,
        paused_seconds=paused_seconds or 0,
        skipped_weekend_days=weekends,
        skipped_holidays=skipped,
    )


def add_business_days(start: date, days: int, holidays=frozenset()):
    """``start`` + ``days`` working days; returns (end, weekend days skipped, holidays skipped).

    A complaint received on a weekend or holiday starts counting on the next working day.
    """
    current, counted, weekends, skipped = start, 0, 0, []
    while counted < days:
        current += timedelta(days=1)
        if current.weekday() in WEEKEND:
            weekends += 1
        elif current in holidays:
            skipped.append(current)
        else:
            counted += 1
    return current, weekends, skipped


def calendar_due_at(received_at: datetime, days: int, paused_seconds: int = 0) -> datetime:
    """Deadline counted in elapsed calendar days (UTC), pushed back by the paused time."""
    return received_at + timedelta(days=days, seconds=paused_seconds or 0)


def paused_until_now(paused_seconds: int, paused_since: datetime | None, now: datetime) -> int:
    """Total paused seconds, counting the pause that is still running."""
    running = int((now - paused_since).total_seconds()) if paused_since else 0
    return (paused_seconds or 0) + max(0, running)
