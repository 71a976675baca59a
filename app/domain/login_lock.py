"""The per-account sign-in lock: after ``after`` failed sign-ins in a row, the account
waits before its password is checked again; each further failure doubles the wait, up to
``max_seconds``.

The cap is short on purpose: anyone who knows a user name can fail on purpose, so a long
lock would let an attacker keep its owner out. A short, growing wait is enough to make
guessing one account's password hopeless (with the defaults, a few hundred guesses a
day) while the owner is kept out a few minutes at most and told by email.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_DOUBLINGS = 30  # 2**30 is beyond any cap; keeps the power small


@dataclass(frozen=True)
class LockRule:
    after: int = 5  # failures in a row before the first lock; 0: no lock
    first_seconds: int = 30
    max_seconds: int = 300

    @property
    def enabled(self) -> bool:
        return self.after > 0 and self.first_seconds > 0


def lock_seconds(failures: int, rule: LockRule) -> int:
    """How long the account waits after its ``failures``-th failure in a row."""
    if not rule.enabled or failures < rule.after:
        return 0
    doublings = min(failures - rule.after, MAX_DOUBLINGS)
    return min(rule.first_seconds * 2 ** doublings, max(rule.max_seconds, rule.first_seconds))


def locked_until(failures: int, now: datetime, rule: LockRule) -> datetime | None:
    """When the wait that ``failures`` failures in a row earn ends (None: no wait)."""
    seconds = lock_seconds(failures, rule)
    return now + timedelta(seconds=seconds) if seconds else None


def is_locked(until: datetime | None, now: datetime) -> bool:
    """Whether an account locked until ``until`` still waits at ``now``."""
    return until is not None and now < until


def warns_owner(failures: int, rule: LockRule) -> bool:
    """The owner is emailed at the first lock of a run of failures, not at every one."""
    return rule.enabled and failures == rule.after
