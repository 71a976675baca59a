"""Settings stored in the database, with defaults and validation."""

import re
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l

from app.models import Setting
from app.services.exceptions import ServiceError

DEFAULTS = {
    "tracking_prefix": "REC",
    "organisation_name": "",
    "organisation_address": "",
    "time_zone": "Europe/Paris",
    # Local hour from which the supervisors' daily digest is sent.
    "digest_hour": "8",
}
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
    if key == "digest_hour" and value and not (value.isdigit() and 0 <= int(value) <= 23):
        raise ServiceError(_l("The digest hour must be a whole hour from 0 to 23."))
    if key == "tracking_prefix" and value and not PREFIX_RE.match(value):
        raise ServiceError(_l("The tracking prefix must be 2 to 8 capital letters."))
