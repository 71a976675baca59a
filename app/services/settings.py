"""Settings stored in the database, with defaults and validation."""

import re
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l

from app.domain.numbers import is_digits
from app.models import Setting
from app.services.exceptions import ServiceError

DEFAULTS = {
    "tracking_prefix": "REC",
    "organisation_name": "",
    "organisation_address": "",
    "time_zone": "Europe/Paris",
    # Local hour from which the supervisors' daily digest is sent.
    "digest_hour": "8",
    # Satisfaction survey at closure (app/services/satisfaction.py): on/off, how many days
    # its link takes answers, and whether "not satisfied" reopens the complaint.
    "survey_enabled": "1",
    "survey_valid_days": "30",
    "survey_reopen": "0",
    # Emerging trends (app/domain/trends.py): how many spreads above its usual level a
    # week must be, and the fewest complaints in it, to be flagged as a rise.
    "trend_sensitivity": "3",
    "trend_minimum": "10",
    # Suggested classification (app/services/classification.py): the confidence in percent
    # from which the intake applies a suggested category or request type; 0 is off.
    "suggestion_auto_apply": "0",
}
FLAGS = ("survey_enabled", "survey_reopen")
FLAG_VALUES = {"0", "1", "true", "false", "yes", "no", "on", "off", "oui", "non"}
PREFIX_RE = re.compile(r"^[A-Z]{2,8}$")


def get_setting(session, key: str) -> str:
    row = session.get(Setting, key)
    if row is not None and row.value not in (None, ""):
        return row.value
    return DEFAULTS.get(key, "")


def set_setting(session, key: str, value: str) -> None:
    validate_setting(key, value)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def validate_setting(key: str, value: str | None) -> None:
    """Raise ``ServiceError`` with a translated message when ``value`` is unusable."""
    if key not in DEFAULTS:
        raise ServiceError(_l("Unknown setting “%(key)s”. Known settings: %(known)s."),
                           key=key, known=", ".join(sorted(DEFAULTS)))
    value = (value or "").strip()
    if key == "time_zone" and value and value not in available_timezones():
        raise ServiceError(_l("“%(value)s” is not a time zone (e.g. Europe/Paris)."),
                           value=value)
    if key == "digest_hour" and value and not (is_digits(value) and 0 <= int(value) <= 23):
        raise ServiceError(_l("The digest hour must be a whole hour from 0 to 23."))
    if key in FLAGS and value and value.lower() not in FLAG_VALUES:
        raise ServiceError(_l("Write 1 to switch this setting on, 0 to switch it off."))
    if key == "survey_valid_days" and value and not (is_digits(value) and
                                                     1 <= int(value) <= 365):
        raise ServiceError(_l("The survey link's validity is a number of days from 1 "
                              "to 365."))
    if key == "trend_sensitivity" and value and not _number_between(value, 1, 10):
        raise ServiceError(_l("The trend sensitivity is a number from 1 to 10 (e.g. 3 or "
                              "2.5): the lower, the more rises are flagged."))
    if key == "trend_minimum" and value and not (is_digits(value) and
                                                 1 <= int(value) <= 100000):
        raise ServiceError(_l("The trend minimum is a whole number of complaints from 1 "
                              "to 100000."))
    if key == "suggestion_auto_apply" and value and not (is_digits(value) and
                                                         0 <= int(value) <= 100):
        raise ServiceError(_l("The confidence from which a suggestion is applied is a "
                              "percentage from 0 (off) to 100."))
    if key == "tracking_prefix" and value and not PREFIX_RE.match(value):
        raise ServiceError(_l("The tracking prefix must be 2 to 8 capital letters."))


def _number_between(value: str, low: float, high: float) -> bool:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        return False
    return low <= number <= high
