"""Urgency of a complaint from its deadline, and processing time (DESIGN.md §2)."""

from datetime import datetime, timedelta

OVERDUE = "overdue"
DUE_SOON = "due_soon"
ON_TRACK = "on_track"
PAUSED = "paused"


def urgency(due_at: datetime | None, now: datetime, warning_days: int, closed: bool,
            paused: bool = False):
    """``overdue``, ``due_soon`` or ``on_track``; ``None`` once closed or without deadline.

    While the clock is paused (waiting for the complainant) the deadline moves with the
    pause, so the complaint cannot fall late: ``paused``.
    """
    if closed or due_at is None:
        return None
    if paused:
        return PAUSED
    if now > due_at:
        return OVERDUE
    if now > due_at - timedelta(days=warning_days):
        return DUE_SOON
    return ON_TRACK


def processing_seconds(received_at, answered_at, paused_seconds: int) -> int | None:
    """Seconds from reception to answer, minus the time the clock was paused."""
    if received_at is None or answered_at is None:
        return None
    return max(0, int((answered_at - received_at).total_seconds()) - (paused_seconds or 0))
