"""Reporting periods (app/domain/periods.py): the dates a KPI or a report covers."""

from datetime import date

import pytest

from app.domain.periods import (
    PERIODS,
    add_months,
    last_months,
    median,
    period_bounds,
    previous_period,
)


def test_the_periods_offered():
    assert PERIODS == ("day", "week", "month", "quarter", "year", "custom")


@pytest.mark.parametrize(("kind", "today", "bounds"), [
    ("day", date(2026, 3, 18), (date(2026, 3, 18), date(2026, 3, 19))),
    ("day", date(2026, 12, 31), (date(2026, 12, 31), date(2027, 1, 1))),
    # Weeks start on Monday: Wednesday 18 March 2026 is in 16–22 March.
    ("week", date(2026, 3, 18), (date(2026, 3, 16), date(2026, 3, 23))),
    ("week", date(2026, 3, 16), (date(2026, 3, 16), date(2026, 3, 23))),  # a Monday
    ("week", date(2026, 3, 22), (date(2026, 3, 16), date(2026, 3, 23))),  # a Sunday
    ("week", date(2026, 1, 1), (date(2025, 12, 29), date(2026, 1, 5))),  # across a year
    ("month", date(2026, 3, 18), (date(2026, 3, 1), date(2026, 4, 1))),
    ("month", date(2026, 12, 31), (date(2026, 12, 1), date(2027, 1, 1))),
    ("month", date(2028, 2, 29), (date(2028, 2, 1), date(2028, 3, 1))),
    ("quarter", date(2026, 1, 1), (date(2026, 1, 1), date(2026, 4, 1))),
    ("quarter", date(2026, 3, 31), (date(2026, 1, 1), date(2026, 4, 1))),
    ("quarter", date(2026, 4, 1), (date(2026, 4, 1), date(2026, 7, 1))),
    ("quarter", date(2026, 8, 15), (date(2026, 7, 1), date(2026, 10, 1))),
    ("quarter", date(2026, 9, 30), (date(2026, 7, 1), date(2026, 10, 1))),
    ("quarter", date(2026, 11, 2), (date(2026, 10, 1), date(2027, 1, 1))),
    ("quarter", date(2026, 12, 31), (date(2026, 10, 1), date(2027, 1, 1))),
    ("year", date(2026, 3, 18), (date(2026, 1, 1), date(2027, 1, 1))),
    ("year", date(2026, 12, 31), (date(2026, 1, 1), date(2027, 1, 1))),
])
def test_period_containing_a_day(kind, today, bounds):
    assert period_bounds(kind, today) == bounds


@pytest.mark.parametrize(("start", "end", "bounds"), [
    (date(2026, 3, 1), date(2026, 3, 31), (date(2026, 3, 1), date(2026, 4, 1))),
    (date(2026, 3, 5), date(2026, 3, 5), (date(2026, 3, 5), date(2026, 3, 6))),  # one day
    (date(2026, 3, 31), date(2026, 3, 1), (date(2026, 3, 1), date(2026, 4, 1))),  # swapped
])
def test_custom_period_includes_both_ends(start, end, bounds):
    # ``today`` plays no part in a custom period.
    assert period_bounds("custom", date(2000, 6, 15), start, end) == bounds


@pytest.mark.parametrize(("start", "end"), [
    (None, date(2026, 3, 31)),
    (date(2026, 3, 1), None),
    (None, None),
])
def test_custom_period_needs_both_ends(start, end):
    with pytest.raises(ValueError, match="^a custom period needs a start and an end$"):
        period_bounds("custom", date(2026, 3, 18), start, end)


@pytest.mark.parametrize("kind", ["fortnight", "", "DAY", None])
def test_unknown_period(kind):
    with pytest.raises(ValueError, match=f"^unknown period {kind!r}$"):
        period_bounds(kind, date(2026, 3, 18))


@pytest.mark.parametrize(("kind", "today", "bounds"), [
    ("day", date(2026, 3, 1), (date(2026, 2, 28), date(2026, 3, 1))),
    ("week", date(2026, 3, 18), (date(2026, 3, 9), date(2026, 3, 16))),
    ("month", date(2026, 3, 31), (date(2026, 2, 1), date(2026, 3, 1))),
    ("month", date(2026, 1, 15), (date(2025, 12, 1), date(2026, 1, 1))),
    ("quarter", date(2026, 5, 20), (date(2026, 1, 1), date(2026, 4, 1))),
    ("quarter", date(2026, 2, 1), (date(2025, 10, 1), date(2026, 1, 1))),
    ("year", date(2026, 7, 1), (date(2025, 1, 1), date(2026, 1, 1))),
])
def test_previous_period(kind, today, bounds):
    assert previous_period(kind, today) == bounds


@pytest.mark.parametrize(("first", "months", "expected"), [
    (date(2026, 3, 1), 0, date(2026, 3, 1)),
    (date(2026, 3, 1), 1, date(2026, 4, 1)),
    (date(2026, 11, 1), 1, date(2026, 12, 1)),
    (date(2026, 12, 1), 1, date(2027, 1, 1)),
    (date(2026, 11, 1), 3, date(2027, 2, 1)),
    (date(2026, 1, 1), -1, date(2025, 12, 1)),
    (date(2026, 3, 1), -14, date(2025, 1, 1)),
    (date(2026, 3, 1), 24, date(2028, 3, 1)),
])
def test_add_months(first, months, expected):
    assert add_months(first, months) == expected


@pytest.mark.parametrize(("today", "count", "expected"), [
    (date(2026, 3, 18), 1, [date(2026, 3, 1)]),
    (date(2026, 3, 18), 3, [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]),
    (date(2026, 2, 28), 4, [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1),
                            date(2026, 2, 1)]),
    (date(2026, 3, 18), 0, []),
])
def test_last_months_oldest_first(today, count, expected):
    assert last_months(today, count) == expected


@pytest.mark.parametrize(("values", "expected"), [
    ([], None),
    ([7], 7),
    ([1, 9], 5),
    ([1, 2], 1.5),
    ([1, 3, 10], 3),
    ([1, 2, 4, 10], 3),
    ([2, 3, 5, 8, 13], 5),
])
def test_median(values, expected):
    assert median(values) == expected
