"""Urgency badges and processing time (DESIGN.md §2)."""

from datetime import datetime, timedelta

import pytest

from app.domain.urgency import (
    DUE_SOON,
    ON_TRACK,
    OVERDUE,
    PAUSED,
    processing_seconds,
    urgency,
)

DUE = datetime(2026, 3, 20, 12, 0)
SECOND = timedelta(seconds=1)
DAY = timedelta(days=1)


@pytest.mark.parametrize(("now", "warning_days", "expected"), [
    (DUE + DAY, 3, OVERDUE),
    (DUE + SECOND, 3, OVERDUE),
    (DUE, 3, DUE_SOON),  # on the deadline itself: not late yet
    (DUE - SECOND, 3, DUE_SOON),
    (DUE - 3 * DAY + SECOND, 3, DUE_SOON),
    (DUE - 3 * DAY, 3, ON_TRACK),  # exactly at the start of the window
    (DUE - 3 * DAY - SECOND, 3, ON_TRACK),
    (DUE - 30 * DAY, 3, ON_TRACK),
    (DUE - SECOND, 0, ON_TRACK),  # no warning window
    (DUE + SECOND, 0, OVERDUE),
    (DUE - 9 * DAY, 10, DUE_SOON),
])
def test_urgency_of_an_open_complaint(now, warning_days, expected):
    assert urgency(DUE, now, warning_days, closed=False) == expected


@pytest.mark.parametrize(("due_at", "now", "closed"), [
    (DUE, DUE + 10 * DAY, True),  # closed late: no badge any more
    (DUE, DUE - DAY, True),
    (DUE, DUE - 30 * DAY, True),
    (None, DUE, False),  # no deadline
    (None, DUE, True),
])
def test_no_urgency_when_closed_or_without_deadline(due_at, now, closed):
    assert urgency(due_at, now, 3, closed=closed) is None


RECEIVED = datetime(2026, 3, 1, 9, 0)


@pytest.mark.parametrize(("answered_at", "paused", "expected"), [
    (RECEIVED, 0, 0),
    (RECEIVED + timedelta(hours=2), 0, 7200),
    (RECEIVED + 2 * DAY, 0, 2 * 86400),
    (RECEIVED + 2 * DAY, 86400, 86400),  # one day waiting for the customer
    (RECEIVED + 2 * DAY, None, 2 * 86400),  # column not filled yet
    (RECEIVED + 2 * DAY, 2 * 86400, 0),
    (RECEIVED + DAY, 3 * 86400, 0),  # inconsistent pause: never negative
    (RECEIVED - DAY, 0, 0),  # answered "before" reception (typing error): never negative
    (RECEIVED + timedelta(seconds=90, microseconds=900_000), 0, 90),  # whole seconds
])
def test_processing_seconds(answered_at, paused, expected):
    assert processing_seconds(RECEIVED, answered_at, paused) == expected


@pytest.mark.parametrize(("received_at", "answered_at"), [
    (RECEIVED, None),  # not answered yet
    (None, RECEIVED),
    (None, None),
])
def test_processing_seconds_unknown(received_at, answered_at):
    assert processing_seconds(received_at, answered_at, 0) is None


@pytest.mark.parametrize("now", [DUE - 30 * DAY, DUE - DAY, DUE, DUE + DAY, DUE + 30 * DAY])
def test_a_paused_clock_is_never_late(now):
    # Waiting for the complainant: the deadline moves with the pause, whatever the date.
    assert urgency(DUE, now, 3, closed=False, paused=True) == PAUSED
    assert urgency(DUE, now, 3, closed=False, paused=False) != PAUSED


@pytest.mark.parametrize(("due_at", "closed"), [(DUE, True), (None, False), (None, True)])
def test_a_paused_complaint_closed_or_without_deadline_has_no_badge(due_at, closed):
    assert urgency(due_at, DUE + DAY, 3, closed=closed, paused=True) is None


def test_urgency_codes():
    # The codes are stored in filters and used as CSS and message keys.
    assert (OVERDUE, DUE_SOON, ON_TRACK, PAUSED) == ("overdue", "due_soon", "on_track", "paused")
