"""Display helpers for templates and list formatters (local time, badges).

A list page calls the formatters of its columns for every row (twenty-five badges on a
page of 25), so a badge is built once per locale.
"""

from functools import lru_cache

from babel import Locale
from babel.dates import get_day_names, get_month_names
from flask_babel import format_date, format_datetime, get_locale, gettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.domain import numbers
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


def _locale():
    return get_locale() or "fr"


def number(value) -> str:
    """A whole number in the reader's locale ("10 000"); "—" for None."""
    return "—" if value is None else numbers.count(value, _locale())


def figure(value, digits: int = 1) -> str:
    """A decimal in the reader's locale ("3,6" / "3.6"); "—" for None."""
    return "—" if value is None else numbers.figure(value, _locale(), digits)


def percent(value, digits: int = 1) -> str:
    """A percentage given 0–100, in the reader's locale ("90,9 %" / "90.9%"); "—" for
    None."""
    return "—" if value is None else numbers.percent(value, _locale(), digits)


def colon(label) -> str:
    """``label`` followed by a colon as the reader's language writes it ("Équipe :" with
    a no-break space in French, "Team:" in English)."""
    return gettext("%(label)s:", label=label)


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


def datepicker_words() -> dict:
    """bootstrap-datepicker's words (FAB's date fields and list filters) in the reader's
    language, from Babel's locale data: it knows only English."""
    locale = get_locale() or Locale.parse("fr")
    return _datepicker_words(str(locale)) | {"today": _("Today"), "clear": _("Clear")}


@lru_cache(maxsize=4)
def _datepicker_words(locale_name: str) -> dict:
    locale = Locale.parse(locale_name)

    def days(width):  # Babel counts from Monday, the datepicker from Sunday
        names = get_day_names(width, locale=locale)
        return [names[6], *(names[i] for i in range(6))]

    def months(width):
        names = get_month_names(width, locale=locale)
        return [names[i] for i in range(1, 13)]

    return {"days": days("wide"), "daysShort": days("abbreviated"), "daysMin": days("short"),
            "months": months("wide"), "monthsShort": months("abbreviated"),
            "titleFormat": "MM yyyy", "weekStart": (locale.first_week_day + 1) % 7}


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
