"""The per-account sign-in lock's rule: when it starts, how it grows, where it stops."""

from datetime import datetime, timedelta

import pytest

from app.domain.login_lock import LockRule, is_locked, lock_seconds, locked_until, warns_owner

RULE = LockRule(after=5, first_seconds=30, max_seconds=300)
NOW = datetime(2026, 12, 5, 13, 0)


@pytest.mark.parametrize(("failures", "seconds"), [
    (0, 0), (1, 0), (4, 0),  # below the threshold: no wait
    (5, 30), (6, 60), (7, 120), (8, 240),  # doubling
    (9, 300), (10, 300), (500, 300),  # capped, even after very many failures
])
def test_the_wait_grows_and_is_capped(failures, seconds):
    assert lock_seconds(failures, RULE) == seconds


@pytest.mark.parametrize("rule", [LockRule(after=0), LockRule(after=3, first_seconds=0)])
def test_a_rule_switched_off_never_locks(rule):
    assert not rule.enabled
    assert lock_seconds(100, rule) == 0
    assert locked_until(100, NOW, rule) is None
    assert not warns_owner(rule.after, rule)


def test_a_cap_below_the_first_wait_keeps_the_first_wait():
    assert lock_seconds(3, LockRule(after=3, first_seconds=60, max_seconds=10)) == 60


def test_locked_until_counts_from_now():
    assert locked_until(4, NOW, RULE) is None
    assert locked_until(5, NOW, RULE) == NOW + timedelta(seconds=30)
    assert locked_until(6, NOW, RULE) == NOW + timedelta(seconds=60)


@pytest.mark.parametrize(("until", "locked"), [
    (None, False),
    (NOW - timedelta(seconds=1), False),
    (NOW, False),  # the wait is over at its end
    (NOW + timedelta(seconds=1), True),
])
def test_is_locked(until, locked):
    assert is_locked(until, NOW) is locked


@pytest.mark.parametrize(("failures", "warns"), [(4, False), (5, True), (6, False),
                                                 (50, False)])
def test_the_owner_is_warned_once_per_run_of_failures(failures, warns):
    assert warns_owner(failures, RULE) is warns
