"""Deadline arithmetic: received_at + delay + paused time."""

from datetime import datetime, timedelta

import pytest

from app.domain.deadlines import (
    DEFAULT_DELAY_DAYS,
    DEFAULT_WARNING_DAYS,
    calendar_due_at,
    paused_until_now,
)

RECEIVED = datetime(2026, 2, 20, 9, 30)


@pytest.mark.parametrize(("days", "paused", "expected"), [
    (15, 0, datetime(2026, 3, 7, 9, 30)),  # across the end of February
    (0, 0, RECEIVED),
    (1, 0, datetime(2026, 2, 21, 9, 30)),
    (15, None, datetime(2026, 3, 7, 9, 30)),
    (15, 3600, datetime(2026, 3, 7, 10, 30)),
    (15, 2 * 86400 + 60, datetime(2026, 3, 9, 9, 31)),
    (0, 86400, datetime(2026, 2, 21, 9, 30)),
])
def test_calendar_due_at(days, paused, expected):
    assert calendar_due_at(RECEIVED, days, paused) == expected


def test_calendar_due_at_without_pause_argument():
    assert calendar_due_at(RECEIVED, 15) == calendar_due_at(RECEIVED, 15, 0)


def test_calendar_due_at_across_a_leap_day():
    assert calendar_due_at(datetime(2028, 2, 20), 15) == datetime(2028, 3, 6)


def test_default_delays_are_sane():
    assert DEFAULT_DELAY_DAYS > DEFAULT_WARNING_DAYS > 0


NOW = datetime(2026, 3, 1, 12, 0)


@pytest.mark.parametrize(("paused", "since", "expected"), [
    (0, None, 0),
    (None, None, 0),
    (500, None, 500),  # no running pause
    (0, NOW - timedelta(hours=1), 3600),
    (500, NOW - timedelta(hours=1), 4100),
    (None, NOW - timedelta(minutes=2), 120),
    (500, NOW, 500),  # pause started right now
    (500, NOW + timedelta(hours=1), 500),  # clock skew: never subtracts
    (0, NOW - timedelta(seconds=59, microseconds=999_999), 59),
])
def test_paused_until_now(paused, since, expected):
    assert paused_until_now(paused, since, NOW) == expected
