"""Local days, weeks and months in SQL, the same on SQLite and PostgreSQL.

The limits of each bucket are computed in Python for the configured time zone (daylight
saving included) and the UTC column is placed among them by a balanced tree of CASEs:
no database time zone functions (SQLite has none), ~log2(buckets) comparisons a row.
"""

from datetime import date, datetime, time

from sqlalchemy import case, literal

from app.services.clock import to_utc


def local_bucket(column, starts: list[date], time_zone: str):
    """SQL expression: the ISO first day of the bucket (among ``starts``, the first local
    days of consecutive buckets) a UTC ``column`` falls in; times before the first bucket
    fall in it, times after the last in the last."""
    bounds = [to_utc(datetime.combine(day, time()), time_zone) for day in starts[1:]]
    return _tree(column, bounds, starts)


def _tree(column, bounds, starts):
    if not bounds:
        return literal(starts[0].isoformat())
    middle = len(bounds) // 2
    return case((column < bounds[middle], _tree(column, bounds[:middle], starts[:middle + 1])),
                else_=_tree(column, bounds[middle + 1:], starts[middle + 1:]))
