"""The range of the dates the product takes in (app.domain.dates), and the periods built
on it."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from app.domain.dates import (
    EARLIEST,
    LATEST,
    DateOutOfRange,
    check_date,
    check_period,
    to_naive_utc,
)
from app.domain.periods import period_bounds


@pytest.mark.parametrize("value", [
    date(1990, 1, 1), date(2100, 12, 31), date(2026, 6, 30),
    datetime(1990, 1, 1, 0, 0), datetime(2100, 12, 31, 23, 59, 59),
])
def test_dates_within_the_range_are_kept(value):
    assert check_date(value) is value


@pytest.mark.parametrize("value", [
    date(1989, 12, 31), date(2101, 1, 1), date(1, 1, 1), date(9999, 12, 31),
    datetime(1989, 12, 31, 23, 59, 59), datetime(2101, 1, 1, 0, 0),
])
def test_dates_outside_the_range_are_refused(value):
    with pytest.raises(DateOutOfRange):
        check_date(value)


def test_the_range_is_1990_to_2100_included():
    assert (EARLIEST, LATEST) == (date(1990, 1, 1), date(2100, 12, 31))
    assert issubclass(DateOutOfRange, ValueError)


@pytest.mark.parametrize(("value", "expected"), [
    (datetime(2026, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))),
     datetime(2026, 1, 1, 10, 0)),
    (datetime(2026, 1, 1, 12, 0), datetime(2026, 1, 1, 12, 0)),  # naive: UTC already
    (datetime(1990, 1, 1, 0, 0, tzinfo=UTC), datetime(1990, 1, 1, 0, 0)),
])
def test_to_naive_utc(value, expected):
    result = to_naive_utc(value, UTC)
    assert result == expected and result.tzinfo is None


@pytest.mark.parametrize("value", [
    datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=14))),  # year 0 in UTC
    datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-12))),  # year 10000
    datetime(1990, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),  # 1989 in UTC
    datetime(2101, 1, 1, 0, 0),
])
def test_to_naive_utc_refuses_what_overflows_or_leaves_the_range(value):
    with pytest.raises(DateOutOfRange):
        to_naive_utc(value, UTC)


def test_check_period():
    assert check_period(date(1990, 1, 1), date(2100, 12, 31)) == (EARLIEST, LATEST)
    with pytest.raises(DateOutOfRange):
        check_period(date(2020, 1, 1), date(9999, 12, 31))


@pytest.mark.parametrize(("start", "end"), [
    (date(1, 1, 1), date(9999, 12, 31)), (date(1900, 1, 1), date(2020, 1, 1)),
    (date(2020, 1, 1), date(2101, 1, 1)),
])
def test_a_custom_period_outside_the_range_is_refused(start, end):
    with pytest.raises(DateOutOfRange):
        period_bounds("custom", date(2026, 1, 1), start, end)


def test_a_custom_period_at_the_limits_is_kept():
    assert period_bounds("custom", date(2026, 1, 1), LATEST, EARLIEST) == (
        EARLIEST, date(2101, 1, 1))
