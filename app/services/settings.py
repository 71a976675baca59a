"""Settings stored in the database, with defaults."""

from app.models import Setting

DEFAULTS = {
    "tracking_prefix": "REC",
    "organisation_name": "",
    "organisation_address": "",
    "time_zone": "Europe/Paris",
}


def get_setting(session, key: str) -> str:
    row = session.get(Setting, key)
    if row is not None and row.value not in (None, ""):
        return row.value
    return DEFAULTS.get(key, "")


def set_setting(session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
