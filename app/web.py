"""Request-level glue: template helpers, guarding FAB's list arguments.

(The saved language is written by ``POST /language``, app/language.py: a GET never writes.)
"""

import logging
import re
from urllib.parse import urlencode

from flask import abort, current_app, flash, g, redirect, request
from flask_babel import gettext as _

from app.i18n import current_language
from app.ids import MAX_ID
from app.views.formatting import (
    colon,
    datepicker_words,
    figure,
    local_date,
    local_datetime,
    number,
    percent,
    urgency_badge,
)
from app.views.list_rows import RowButtons, list_rows, shown
from app.views.navbar import navbar_menu

logger = logging.getLogger(__name__)

# FAB turns every argument whose name contains these into an integer without checking it
# (``re.findall("page_(.*)", arg)``, not anchored).
_INT_ARGS = re.compile(r"page_|psize_")
_MAX_PAGE_DIGITS = 6
# FAB's own patterns for filters and sort order: a filter index past the column's filter
# list raises IndexError, an unknown sort column a CompileError.
_FILTER_ARG = re.compile(r"_flt_(\d)_(.*)")
_ORDER_ARG = re.compile(r"_oc_(.*)")


def register_web(app):
    app.jinja_env.globals.update(
        current_language=current_language,
        local_datetime=local_datetime,
        local_date=local_date,
        datepicker_words=datepicker_words,
        number=number,
        figure=figure,
        percent=percent,
        colon=colon,
        urgency_badge=urgency_badge,
        unread_notifications=unread_notifications,
        row_buttons=RowButtons,
        list_rows=list_rows,
        shown_value=shown,
        navbar_menu=navbar_menu,
    )
    app.before_request(_reject_unstorable_input)
    app.before_request(_reject_malformed_list_args)


def unread_notifications() -> str:
    """The bell's badge for the signed-in user: "", "1"…"9" or "9+" (one bounded,
    indexed COUNT per page)."""
    from app.extensions import db
    from app.services.onscreen import BELL_LIMIT, count_unread

    user = getattr(g, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    count = count_unread(db.session, user.id)
    if count > BELL_LIMIT:
        return f"{BELL_LIMIT}+"
    return str(count) if count else ""


def _reject_unstorable_input():
    """NUL bytes and ids beyond the database's integer range would fail in the database
    (500, with the SQL in the message) instead of being refused."""
    values = [v for _k, v in request.args.items(multi=True)]
    if request.method == "POST":
        values += [v for _k, v in request.form.items(multi=True)]
    if any("\x00" in v for v in values):
        abort(400)
    for value in (request.view_args or {}).values():
        number = value if isinstance(value, int) else None
        if isinstance(value, str) and value.isascii() and value.isdigit():
            number = int(value)
        if number is not None and number > MAX_ID:
            abort(404)


def _reject_malformed_list_args():
    if request.method not in ("GET", "HEAD"):
        return None  # a redirect would turn a POST (the list's export) into a GET
    view = getattr(current_app.view_functions.get(request.endpoint), "__self__", None)
    bad_pages = [k for k, v in request.args.items() if _INT_ARGS.search(k) and not (
        v.isascii() and v.isdigit() and len(v) <= _MAX_PAGE_DIGITS)]
    bad_lists = [k for k, v in request.args.items() if _bad_filter_or_order(view, k, v)]
    if not bad_pages and not bad_lists:
        return None
    if bad_pages:
        flash(_("Ignored an invalid page number."), "warning")
    if bad_lists:
        flash(_("Some filters of this address were invalid and have been removed."),
              "warning")
    bad = {*bad_pages, *bad_lists}
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in bad]
    query = urlencode(args)
    return redirect(request.path + (f"?{query}" if query else ""))


def _bad_filter_or_order(view, key, value) -> bool:
    filters = getattr(view, "_filters", None)
    if filters is None:
        return False
    match = _FILTER_ARG.findall(key)
    if match:
        index, column = int(match[0][0]), match[0][1]
        available = filters.get_search_filters().get(column)
        return available is not None and index >= len(available)
    match = _ORDER_ARG.findall(key)
    if match and match[0] == type(view).__name__:
        return value not in (getattr(view, "order_columns", None) or [])
    return False

