"""Human-readable durations, translated."""

from flask_babel import gettext as _


def duration(seconds) -> str:
    """``3 d 4 h``, ``5 h 12 min``, ``40 min`` (translated unit abbreviations)."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)s d %(h)s h", d=days, h=hours)
    if hours:
        return _("%(h)s h %(m)s min", h=hours, m=minutes)
    return _("%(m)s min", m=minutes)
