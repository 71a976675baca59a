"""Reporting periods: the dates a KPI or a report covers."""

from datetime import date, timedelta

from app.domain.dates import check_period

PERIODS = ("day", "week", "month", "quarter", "year", "custom")


def period_bounds(kind: str, today: date, start: date | None = None,
                  end: date | None = None) -> tuple[date, date]:
    """``[first day, day after the last)`` of the period of ``kind`` containing ``today``.

    ``custom`` uses ``start`` and ``end`` (both included); an inverted range is swapped,
    and a day outside the product's range is DateOutOfRange (app.domain.dates).
    """
    if kind == "day":
        return today, today + timedelta(days=1)
    if kind == "week":
        first = today - timedelta(days=today.weekday())
        return first, first + timedelta(days=7)
    if kind == "month":
        first = today.replace(day=1)
        return first, add_months(first, 1)
    if kind == "quarter":
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return first, add_months(first, 3)
    if kind == "year":
        return date(today.year, 1, 1), date(today.year + 1, 1, 1)
    if kind == "custom":
        if start is None or end is None:
            raise ValueError("a custom period needs a start and an end")
        if end < start:
            start, end = end, start
        start, end = check_period(start, end)
        return start, end + timedelta(days=1)
    raise ValueError(f"unknown period {kind!r}")


def previous_period(kind: str, today: date) -> tuple[date, date]:
    """The period of ``kind`` just before the one containing ``today``."""
    first, _ = period_bounds(kind, today)
    return period_bounds(kind, first - timedelta(days=1))


def add_months(first: date, months: int) -> date:
    """First day of the month ``months`` after the month of ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_months(today: date, count: int) -> list[date]:
    """First days of the ``count`` months ending with the month of ``today``, oldest first."""
    current = today.replace(day=1)
    return [add_months(current, -offset) for offset in range(count - 1, -1, -1)]


def median(sorted_values):
    """Median of an already sorted sequence, or None when empty."""
    n = len(sorted_values)
    if n == 0:
        return None
    mid = n // 2
    return sorted_values[mid] if n % 2 else (sorted_values[mid - 1] + sorted_values[mid]) / 2
