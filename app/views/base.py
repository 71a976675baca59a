"""Base classes shared by the product's FAB views."""

import logging

from flask import current_app, flash, redirect, request
from flask_appbuilder import ModelView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, DBAPIError, StatementError
from wtforms import BooleanField

from app.extensions import db
from app.read_only import read_only
from app.views.datamodel import count_cap
from app.views.search_widget import CachedSearchWidget

logger = logging.getLogger(__name__)

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER: a larger id is refused as a data error


def parse_id(raw) -> int | None:
    """A positive integer id from a form or URL argument, or None when it is malformed."""
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()):  # "²".isdigit() is True, int("²") fails
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


class _FreshLists(dict):
    """FAB appends its own validators (Unique, Length, …) to the list it reads here, in
    place: a list shared by the add and edit forms, or by several views of one base
    class, piles up the others' validators (a channel code was refused as "already
    exists" because it was a request-type code). Hand FAB a copy each time."""

    def get(self, key, default=None):
        value = super().get(key, default)
        return list(value) if value is not None else None


# What FAB raises on hand-edited list URLs (``_flt_9_state=x``, a date filter of "abc"…).
MALFORMED_ARGS = (ValueError, IndexError, KeyError, TypeError, StatementError)


def _is_malformed(exc) -> bool:
    """Bad input, not a database outage (which must stay an error, not a silent redirect)."""
    return not isinstance(exc, DBAPIError) or isinstance(exc, DataError)


class AppModelView(ModelView):
    """A ModelView whose page size never exceeds ``MAX_PAGE_SIZE``, whose list answers a
    malformed filter with a message instead of an error page, and whose yes/no fields can
    be left unticked (FAB marks non-null booleans "required", so an unticked box would
    be refused)."""

    page_size = 25
    search_widget = CachedSearchWidget  # its options rendered once per process

    def __init__(self, **kwargs):
        for attr, columns in (("add_form_extra_fields", self.add_columns),
                              ("edit_form_extra_fields", self.edit_columns)):
            extra = dict(getattr(self, attr, None) or {})
            for column in columns or []:
                if column not in extra and self.datamodel.is_boolean(column):
                    label = self.label_columns.get(column, column)
                    extra[column] = BooleanField(label, default=False)
            setattr(self, attr, extra)
        self.validators_columns = _FreshLists(self.validators_columns or {})
        super().__init__(**kwargs)

    @read_only
    @expose("/list/")
    @has_access
    def list(self):
        try:
            return super().list()
        except MALFORMED_ARGS as exc:
            if not _is_malformed(exc):
                raise
            db.session.rollback()
            logger.info("malformed list arguments %s: %r", request.query_string, exc)
            flash(_("Some filters of this address were invalid and have been removed."),
                  "warning")
            return redirect(request.path)

    def _get_list_widget(self, filters, page_size=None, page=None, **kwargs):
        cap = current_app.config.get("MAX_PAGE_SIZE", 100)
        page_size = min(max(page_size or self.page_size, 1), cap)
        if page:  # no page past the counted rows (an OFFSET of a million is slow)
            page = min(max(int(page), 0), count_cap() // page_size)
        return super()._get_list_widget(filters, page_size=page_size, page=page, **kwargs)
