"""The deadline clock, table-driven: calendar and business days, holidays, time zones and
daylight saving, rule precedence, pauses (app/domain/deadlines.py)."""

import os
import time
from datetime import date, datetime, timedelta

import pytest

from app.domain.deadlines import (
    CLOCK_PAUSED,
    CLOCK_RUNNING,
    CLOCK_STOPPED,
    DEFAULT_RULE,
    DeadlineRule,
    add_business_days,
    clock_for,
    compute_deadline,
    pick_rule,
)

PARIS = "Europe/Paris"
CHRISTMAS = date(2026, 12, 25)
NEW_YEAR = date(2027, 1, 1)


@pytest.mark.parametrize("start, days, holidays, end, weekends, skipped", [
    # Monday + 5 working days = next Monday, over one weekend.
    (date(2026, 11, 23), 5, (), date(2026, 11, 30), 2, []),
    # Friday + 1 = Monday.
    (date(2026, 11, 27), 1, (), date(2026, 11, 30), 2, []),
    # Received on a Saturday: counting starts on Monday.
    (date(2026, 11, 28), 1, (), date(2026, 11, 30), 1, []),
    # Christmas and New Year (both Fridays) are skipped.
    (date(2026, 12, 23), 5, (CHRISTMAS, NEW_YEAR), date(2026, 12, 31), 2, [CHRISTMAS]),
    (date(2026, 12, 23), 7, (CHRISTMAS, NEW_YEAR), date(2027, 1, 5), 4,
     [CHRISTMAS, NEW_YEAR]),
    # A holiday on a weekend is counted as a weekend day, not twice.
    (date(2026, 11, 6), 1, (date(2026, 11, 7),), date(2026, 11, 9), 2, []),
    # Zero days: the deadline is the day of reception.
    (date(2026, 11, 25), 0, (), date(2026, 11, 25), 0, []),
])
def test_add_business_days(start, days, holidays, end, weekends, skipped):
    assert add_business_days(start, days, frozenset(holidays)) == (end, weekends, skipped)


@pytest.mark.parametrize("received_utc, rule, holidays, due_utc", [
    # Winter, no DST change: 15 calendar days, same wall-clock time.
    (datetime(2026, 11, 2, 9, 30), DEFAULT_RULE, (), datetime(2026, 11, 17, 9, 30)),
    # Spring forward (29 March 2026): 10:00 Paris stays 10:00 Paris, i.e. 09:00 → 08:00 UTC.
    (datetime(2026, 3, 20, 9, 0), DEFAULT_RULE, (), datetime(2026, 4, 4, 8, 0)),
    # Fall back (25 October 2026): 10:00 Paris, 08:00 → 09:00 UTC.
    (datetime(2026, 10, 20, 8, 0), DEFAULT_RULE, (), datetime(2026, 11, 4, 9, 0)),
    # Friday 23:30 UTC is Saturday 00:30 in Paris: counting starts from the local date,
    # so one business day lands on Monday 00:30 Paris (Sunday 23:30 UTC).
    (datetime(2026, 11, 27, 23, 30), DeadlineRule(days=1, business_days=True), (),
     datetime(2026, 11, 29, 23, 30)),
    # Business days over Christmas and New Year.
    (datetime(2026, 12, 23, 9, 0), DeadlineRule(days=7, business_days=True),
     (CHRISTMAS, NEW_YEAR), datetime(2027, 1, 5, 9, 0)),
    # Business days across the spring change keep the local time.
    (datetime(2026, 3, 27, 9, 0), DeadlineRule(days=2, business_days=True), (),
     datetime(2026, 3, 31, 8, 0)),
])
def test_due_at_in_local_time(received_utc, rule, holidays, due_utc):
    deadline = compute_deadline(received_utc, rule, frozenset(holidays), PARIS)
    assert deadline.due_at == due_utc


def test_paused_time_is_added_back_and_warning_follows():
    received = datetime(2026, 11, 2, 9, 30)
    paused = 2 * 86400 + 3600  # two pauses adding up to 2 days 1 hour
    deadline = compute_deadline(received, DeadlineRule(days=15, warning_days=3), tz=PARIS,
                                paused_seconds=paused)
    assert deadline.due_at == datetime(2026, 11, 19, 10, 30)
    assert deadline.warning_at == deadline.due_at - timedelta(days=3)
    assert deadline.paused_seconds == paused


def test_explanation_lists_skipped_days():
    deadline = compute_deadline(datetime(2026, 12, 23, 9, 0),
                                DeadlineRule(days=7, business_days=True),
                                frozenset({CHRISTMAS, NEW_YEAR}), PARIS)
    assert deadline.skipped_weekend_days == 4
    assert deadline.skipped_holidays == [CHRISTMAS, NEW_YEAR]


NEW, WAITING = 1, 2
SIMPLE, COMPLEX = 10, 11
RULES = [
    DeadlineRule(days=15, id=1),                                    # any × any
    DeadlineRule(days=30, complexity_id=COMPLEX, id=2),             # any × complex
    DeadlineRule(days=2, state_id=NEW, id=3),                       # new × any
    DeadlineRule(days=5, state_id=NEW, complexity_id=COMPLEX, id=4),  # new × complex
]


@pytest.mark.parametrize("state_id, complexity_id, rule_id", [
    (NEW, COMPLEX, 4),       # state and complexity both match
    (WAITING, COMPLEX, 2),   # any state × complexity beats state × any
    (NEW, SIMPLE, 3),        # state × any
    (WAITING, SIMPLE, 1),    # the global default row
    (None, None, 1),
])
def test_rule_precedence(state_id, complexity_id, rule_id):
    assert pick_rule(RULES, state_id, complexity_id).id == rule_id


def test_without_any_rule_the_contractual_default_applies():
    rule = pick_rule([], NEW, SIMPLE)
    assert (rule.days, rule.business_days, rule.warning_days) == (15, False, 3)


@pytest.mark.parametrize("pauses_clock, marks_answered, is_final, clock", [
    (False, False, False, CLOCK_RUNNING),
    (True, False, False, CLOCK_PAUSED),   # waiting for the complainant
    (False, True, False, CLOCK_STOPPED),  # answered
    (True, True, False, CLOCK_STOPPED),   # answered wins over a pause
    (False, False, True, CLOCK_STOPPED),  # closed
    (True, False, True, CLOCK_STOPPED),
    (False, True, True, CLOCK_STOPPED),
    (True, True, True, CLOCK_STOPPED),
])
def test_clock_of_a_state(pauses_clock, marks_answered, is_final, clock):
    assert clock_for(pauses_clock, marks_answered, is_final) == clock


def test_clock_codes():
    # Stored in complaint.clock: a change of code would orphan the stored rows.
    assert (CLOCK_RUNNING, CLOCK_PAUSED, CLOCK_STOPPED) == ("running", "paused", "stopped")


def test_a_calendar_deadline_explains_itself():
    rule = DeadlineRule(days=15, warning_days=3)
    deadline = compute_deadline(datetime(2026, 11, 6, 9, 0), rule, tz=PARIS)
    assert deadline.rule is rule
    assert deadline.paused_seconds == 0
    assert deadline.skipped_weekend_days == 0  # calendar days skip nothing
    assert deadline.skipped_holidays == []
    assert compute_deadline(datetime(2026, 11, 6, 9, 0), rule, tz=PARIS,
                            paused_seconds=None).paused_seconds == 0


@pytest.fixture(params=["America/New_York", "Pacific/Auckland", "Asia/Kolkata"])
def server_time_zone(request):
    """The process's local time zone (what a naive ``astimezone`` assumes) set to another
    zone than UTC for the test: deadlines must not depend on the server's clock zone."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize("received_utc, rule, due_utc", [
    (datetime(2026, 11, 2, 9, 30), DEFAULT_RULE, datetime(2026, 11, 17, 9, 30)),
    (datetime(2026, 3, 20, 9, 0), DEFAULT_RULE, datetime(2026, 4, 4, 8, 0)),
    (datetime(2026, 11, 27, 23, 30), DeadlineRule(days=1, business_days=True),
     datetime(2026, 11, 29, 23, 30)),
])
def test_due_at_does_not_depend_on_the_server_time_zone(server_time_zone, received_utc, rule,
                                                         due_utc):
    assert compute_deadline(received_utc, rule, tz=PARIS).due_at == due_utc
