"""Deadline arithmetic (DESIGN.md §2): ``due_at = received_at + delay + paused time``."""

from datetime import datetime, timedelta

DEFAULT_DELAY_DAYS = 15
DEFAULT_WARNING_DAYS = 3


def calendar_due_at(received_at: datetime, days: int, paused_seconds: int = 0) -> datetime:
    """Deadline counted in calendar days, pushed back by the time the clock was paused."""
    return received_at + timedelta(days=days, seconds=paused_seconds or 0)


def paused_until_now(paused_seconds: int, paused_since: datetime | None, now: datetime) -> int:
    """Total paused seconds, counting the pause that is still running."""
    running = int((now - paused_since).total_seconds()) if paused_since else 0
    return (paused_seconds or 0) + max(0, running)
