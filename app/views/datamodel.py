"""FAB's data interface for the large lists (complaints, clients, events, outbox…).

FAB counts every match on every page (a million complaints: a million-row count) and
loads the related columns of the list one row at a time. Here the count stops past
``LIST_COUNT_CAP`` (shown as "10 000+"), the related columns named in ``eager`` come in
the page's own query, the long texts named in ``deferred`` stay in the database, the
page's ids are read before its rows, and a page beyond the counted rows is never asked
for.
"""

from flask import current_app
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import format_decimal
from sqlalchemy import func, select
from sqlalchemy.orm import defer, joinedload

DEFAULT_COUNT_CAP = 10_000


class CappedCount(int):
    """A count that stopped at its cap: pagination computes with the number, the page
    shows "10 000+" (in the reader's locale)."""

    def __str__(self) -> str:
        return f"{format_decimal(int(self) - 1)}+"


def count_cap() -> int:
    return int(current_app.config.get("LIST_COUNT_CAP", DEFAULT_COUNT_CAP))


class CachedFilterConverter:
    """FAB's converter, each column of the model converted once per datamodel: FAB builds
    three filter sets on every list page (the joined, the count's and the page's), each
    converting every column of the model (fifty on a complaint) into its filters."""

    def __init__(self, datamodel):
        self.datamodel = datamodel

    def convert(self, col_name):
        converted = self.datamodel.converted_filters
        if col_name not in converted:
            converted[col_name] = SQLAFilterConverter(self.datamodel).convert(col_name)
        filters = converted[col_name]
        return list(filters) if filters is not None else None  # the caller's own list


class ListInterface(SQLAInterface):
    filter_converter_class = CachedFilterConverter

    def __init__(self, obj, session=None, eager=(), deferred=(), extra_conditions=None):
        self.converted_filters = {}  # column -> FAB's filter instances (stateless)
        super().__init__(obj, session)
        self.eager = tuple(eager)
        # Long texts the list never shows, left in the database (loaded if ever read).
        self.deferred = tuple(deferred)
        self.counting = False
        self.filters_counted = 0
        # () -> SQL conditions of the current request (filters FAB does not know of).
        self.extra_conditions = extra_conditions

    def query(self, filters=None, order_column="", order_direction="", page=None,
              page_size=None, select_columns=None, outer_default_load=False):
        base = self.session.query(self.obj)
        if self.extra_conditions is not None:
            base = base.filter(*self.extra_conditions())
        count = self.capped_count(base, filters)
        if not count:
            return count, []
        ids = self.page_ids(base, filters, order_column, order_direction, page, page_size)
        # The page's rows by id, in the page's order: no filter or offset left to compute.
        query = self.apply_all(base.filter(self.obj.id.in_(ids)), None, order_column,
                               order_direction, None, page_size, select_columns,
                               outer_default_load)
        if self.eager:
            query = query.options(*(joinedload(getattr(self.obj, name)) for name in self.eager))
        if self.deferred:
            query = query.options(*(defer(getattr(self.obj, name)) for name in self.deferred))
        return count, query.all()

    def page_ids(self, query, filters, order_column, order_direction, page, page_size):
        """The ids of the page, read alone: an offset then skips index entries, while in
        the page's own query it computed the joined columns of every skipped row (page 400
        of a million complaints: 41 ms, against 0.2 ms for its ids)."""
        ids = self._apply_inner_all(query, filters, order_column, order_direction, page,
                                    page_size, aliases_mapping={})
        return [row[0] for row in ids.with_entities(self.obj.id)]

    def capped_count(self, query, filters) -> int:
        """Matches counted up to the cap: ids only, and never past cap + 1 of them."""
        cap = count_cap()
        # A filter may write its condition for an unordered count, knowing how many of
        # the list's filters come with it, the reader's scope aside (the full-text one
        # does).
        self.counting = True
        self.filters_counted = sum(not getattr(f, "reader_scope", False)
                                   for f in getattr(filters, "filters", None) or ())
        try:
            matches = (self._apply_inner_all(query, filters, aliases_mapping={})
                       .with_entities(self.obj.id).limit(cap + 1).subquery())
        finally:
            self.counting = False
        counted = self.session.scalar(select(func.count()).select_from(matches)) or 0
        return CappedCount(counted) if counted > cap else counted
