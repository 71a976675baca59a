"""Time zone conversions: the database stores naive UTC, people read and type local time."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Europe/Paris"


def to_utc(local: datetime | None, tz: str = DEFAULT_TZ) -> datetime | None:
    """A naive local wall-clock time (as typed in a form) → naive UTC."""
    if local is None:
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC).replace(tzinfo=None)


def to_local(utc: datetime | None, tz: str = DEFAULT_TZ) -> datetime | None:
    """A naive UTC time from the database → naive local wall-clock time."""
    if utc is None:
        return None
    return utc.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
