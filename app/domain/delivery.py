"""Retry rules shared by the outboxes (email and SMS): how long to wait after a failure."""

from datetime import timedelta

DEFAULT_MAX_ATTEMPTS = 8
# Minutes to wait after the 1st, 2nd, … failure; hourly after the last one.
BACKOFF_MINUTES = (1, 5, 15, 60)


def backoff(attempts: int) -> timedelta:
    """Wait after ``attempts`` failures: 1, 5, 15, 60 minutes, then hourly."""
    index = min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1
    return timedelta(minutes=BACKOFF_MINUTES[index])
