"""Counting failed sign-ins per account, locking it for a while, telling its owner.

The rule is app/domain/login_lock.py. FAB counts failures in a row on the user
(``fail_login_count``, reset by a successful sign-in) and commits the user: these
functions change the user (and queue the owner's email) in that same transaction.
"""

import logging

from flask_babel import force_locale
from flask_babel import gettext as _

from app.domain import login_lock
from app.domain.login_lock import LockRule
from app.services import outbox
from app.services.clock import to_local
from app.services.settings import get_setting

logger = logging.getLogger(__name__)

LANGUAGES = ("fr", "en")


def rule_from(config) -> LockRule:
    """The configuration's rule (LOGIN_LOCK_AFTER, _SECONDS, _MAX_SECONDS)."""
    return LockRule(after=config.get("LOGIN_LOCK_AFTER") or 0,
                    first_seconds=config.get("LOGIN_LOCK_SECONDS") or 0,
                    max_seconds=config.get("LOGIN_LOCK_MAX_SECONDS") or 0)


def is_locked(user, now) -> bool:
    """Whether ``user`` must wait before its password is checked again."""
    return login_lock.is_locked(getattr(user, "login_locked_until", None), now)


def record_success(user) -> None:
    """A successful sign-in ends any lock (FAB resets the failure count)."""
    user.login_locked_until = None


def record_failure(session, user, rule: LockRule, now) -> None:
    """One more failure in a row (FAB adds it to ``fail_login_count`` afterwards): lock
    the account when the rule says so, and email its owner at the first lock."""
    failures = (user.fail_login_count or 0) + 1
    user.login_locked_until = login_lock.locked_until(failures, now, rule)
    if user.login_locked_until is None:
        return
    logger.warning("account %r locked until %s after %s failed sign-ins in a row",
                   user.username, user.login_locked_until, failures)
    if login_lock.warns_owner(failures, rule) and user.email:
        _queue_warning(session, user, failures, login_lock.lock_seconds(failures, rule), now)


def _queue_warning(session, user, failures, seconds, now):
    language = user.language if user.language in LANGUAGES else "fr"
    when = to_local(now, get_setting(session, "time_zone")).strftime("%Y-%m-%d %H:%M")
    with force_locale(language):
        subject = _("Your account was locked after failed sign-ins")
        text = _("Hello,\n\n%(n)s sign-ins in a row failed on your account “%(username)s” "
                 "(last one at %(when)s). To protect it, your account waits %(minutes)s "
                 "before any password is checked again, a little longer after each new "
                 "failure.\n\nIf it was you, wait and sign in again. If it was not, your "
                 "password is still safe as long as it is not guessed: choose a long one "
                 "and tell your administrator.",
                 n=failures, username=user.username, when=when,
                 minutes=_minutes(seconds))
    outbox.queue_email(session, user.email, subject, text, language=language, now=now)


def _minutes(seconds: int) -> str:
    # In seconds below two minutes: never "1 minutes" (and no plural forms to translate).
    if seconds < 120:
        return _("%(n)s seconds", n=seconds)
    return _("%(n)s minutes", n=round(seconds / 60))
