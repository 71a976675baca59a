"""Base classes shared by the product's FAB views."""

import logging
from datetime import date

from flask import current_app, flash, g, redirect, request
from flask_appbuilder import ModelView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
from wtforms import BooleanField
from wtforms.validators import StopValidation

from app.domain.dates import DateOutOfRange, check_date
from app.extensions import db
from app.ids import MAX_ID, parse_id  # noqa: F401  (the views use them from here too)
from app.read_only import read_only
from app.services import uniqueness
from app.services.exceptions import DATE_OUT_OF_RANGE
from app.views.datamodel import count_cap
from app.views.search_widget import CachedSearchWidget

logger = logging.getLogger(__name__)

class _FreshLists(dict):
    """FAB appends its own validators (Unique, Length, …) to the list it reads here, in
    place: a list shared by the add and edit forms, or by several views of one base
    class, piles up the others' validators (a channel code was refused as "already
    exists" because it was a request-type code). Hand FAB a copy each time."""

    def get(self, key, default=None):
        value = super().get(key, default)
        return list(value) if value is not None else None


class UniqueValue:
    """A form field whose value no other row may hold (app.services.uniqueness): stops
    the field's checks with "“…” is already used." (FAB's own check, after it, then has
    nothing left to say)."""

    def __init__(self, model, name):
        self.model, self.name = model, name

    def __call__(self, form, field):
        if field.data is None or field.data == "":
            return
        if uniqueness.find_value(db.session, self.model, {self.name: field.data},
                                 exclude_id=getattr(form, "_id", None)):
            raise StopValidation(str(uniqueness.AlreadyUsed(field.data)))


class DateInRange:
    """A date or date-time field within the product's range (app.domain.dates)."""

    def __call__(self, form, field):
        if isinstance(field.data, date):
            try:
                check_date(field.data)
            except DateOutOfRange:
                raise StopValidation(str(DATE_OUT_OF_RANGE)) from None


def guard_writes(datamodel) -> None:
    """Every add and edit of ``datamodel`` checks the model's unique keys before the
    write (those set outside the form too), and turns the database's unique violation
    at the write (a race) into the same refusal, uniqueness.AlreadyUsed, which FAB shows
    to the user. Wrapped once: a datamodel may be shared by several views."""
    if getattr(datamodel, "writes_guarded", False):
        return
    for name in ("add", "edit"):
        setattr(datamodel, name, _guarded_write(getattr(datamodel, name)))
    datamodel.writes_guarded = True


def _guarded_write(write):
    def guarded(item, *args, **kwargs):
        try:
            uniqueness.check_unique(db.session, item)
            return write(item, *args, **kwargs)
        except uniqueness.AlreadyUsed as refused:
            db.session.rollback()
            g.write_refused = refused
            raise
        except Exception as exc:
            cause = exc if isinstance(exc, IntegrityError) else exc.__cause__
            refused = uniqueness.refusal(cause)
            if refused is None:
                raise
            g.write_refused = refused
            raise refused from exc
    return guarded


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
        self.validators_columns = _FreshLists(self._checked_columns())
        guard_writes(self.datamodel)
        super().__init__(**kwargs)

    # FAB shows this when an edit fails at the write: say why when it is a value in use.
    database_error_message = property(lambda self: str(
        g.pop("write_refused", None) or ModelView.database_error_message))

    def _checked_columns(self) -> dict:
        """The validators of each column, with those every form of the product gets in
        front: a unique value not held by another row, a date within the range."""
        validators = {name: list(checks) for name, checks in
                      (self.validators_columns or {}).items()}
        model = self.datamodel.obj
        unique = {key[0].name for key in uniqueness.unique_keys(model)
                  if len(key) == 1 and key[0].empty is None}
        extra = {*(self.add_form_extra_fields or {}), *(self.edit_form_extra_fields or {})}
        for name in {*(self.add_columns or []), *(self.edit_columns or [])} - extra:
            checks = []
            if name in unique:
                checks.append(UniqueValue(model, name))
            if self.datamodel.is_date(name) or self.datamodel.is_datetime(name):
                checks.append(DateInRange())
            if checks:
                validators[name] = checks + validators.get(name, [])
        return validators

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
