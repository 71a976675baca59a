"""The dates the product takes in: from 1990-01-01 to 2100-12-31, both included.

Outside that range a date cannot be stored by every database the product runs on, turned
into UTC (year 1 at +14:00 is year 0), nor given a deadline (business days counted from
it); and no complaint of this business is dated there. One rule for every date that comes
in: API bodies, web forms, services, report and dashboard periods.
"""

from datetime import date, datetime, tzinfo

EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)


class DateOutOfRange(ValueError):
    """A date outside ``EARLIEST``..``LATEST``, or one that cannot be computed at all."""

    def __init__(self, value=None):
        super().__init__(f"{value!r} is not between {EARLIEST} and {LATEST}")
        self.value = value


def check_date(value: date) -> date:
    """``value`` (a date or a datetime) when its day is within the range, else
    DateOutOfRange."""
    day = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise DateOutOfRange(value)
    return value


def check_period(start: date, end: date) -> tuple[date, date]:
    """A period's first and last days, both within the range."""
    return check_date(start), check_date(end)


def to_naive_utc(value: datetime, utc: tzinfo) -> datetime:
    """An aware datetime as naive UTC (a naive one is UTC already), within the range;
    a conversion past year 1 or 9999 is DateOutOfRange, not an OverflowError."""
    if value.tzinfo is not None:
        try:
            value = value.astimezone(utc).replace(tzinfo=None)
        except (OverflowError, ValueError):
            raise DateOutOfRange(value) from None
    return check_date(value)

