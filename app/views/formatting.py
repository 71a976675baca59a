"""Display helpers for templates and list formatters (local time, badges).

A list page calls the formatters of its columns for every row (twenty-five badges on a
page of 25), so a badge is built once per locale.
"""

from functools import lru_cache

from flask_babel import format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.domain.urgency import DUE_SOON, ON_TRACK, OVERDUE, PAUSED

URGENCY_LABELS = {OVERDUE: _l("Overdue"), DUE_SOON: _l("Due soon"), ON_TRACK: _l("On track"),
                  PAUSED: _l("Clock paused")}
URGENCY_CLASSES = {OVERDUE: "danger", DUE_SOON: "warning", ON_TRACK: "success",
                   PAUSED: "default"}


def local_datetime(value) -> str:
    """A naive UTC datetime shown in the configured time zone and the user's locale."""
    return format_datetime(value, "short") if value else ""


def local_date(value) -> str:
    return format_date(value, "short") if value else ""


def urgency_badge(code) -> Markup:
    if not code:
        return Markup("")
    return _urgency_badge(str(get_locale()), code)  # the locale emails force, too


@lru_cache(maxsize=16)
def _urgency_badge(_locale, code) -> Markup:
    return Markup('<span class="label label-{}">{}</span>').format(
        URGENCY_CLASSES[code], escape(str(URGENCY_LABELS[code])))


def yes_no(value) -> str:
    return str(_l("Yes")) if value else str(_l("No"))


def overdue_reminder_badge(flag) -> Markup:
    if not flag:
        return Markup("")
    return _overdue_reminder_badge(str(get_locale()))


@lru_cache(maxsize=4)
def _overdue_reminder_badge(_locale) -> Markup:
    return Markup('<span class="label label-danger"><i class="fa fa-bell"></i> {}</span>').format(
        escape(str(_l("Overdue reminder"))))


def nowrap(value) -> Markup:
    """Keep a code such as a tracking number on one line in narrow columns."""
    return Markup(f'<span class="rec-nowrap">{escape(value or "")}</span>')


def complaint_link(complaint) -> Markup:
    """The tracking number, linked to the complaint page (empty without a complaint)."""
    if complaint is None:
        return Markup("")
    return Markup('<a href="/complaints/show/{}">{}</a>').format(
        complaint.id, escape(complaint.tracking_number))


def nowrap_datetime(value) -> Markup:
    """A local date and time kept on one line in a list's cell."""
    return nowrap(local_datetime(value))


def nowrap_text(value) -> Markup:
    """A short label (a state) kept on one line in a list's cell."""
    return nowrap("" if value is None else str(value))


class RowLinkFormatter:
    """A list column's value as the link to its row's page, kept on one line: the
    tracking number opens the complaint (app/views/list_rows.py hands it the row's key)."""

    with_pk = True

    def __init__(self, route: str):
        self.route = route

    def __call__(self, value, pk) -> Markup:
        return Markup('<a class="rec-nowrap rec-row-link" href="{}{}">{}</a>').format(
            self.route, pk, value or "")
