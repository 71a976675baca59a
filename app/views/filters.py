"""Custom list filters: urgency, computed in SQL from the stored deadline columns; the
full-text search of the complaint's texts."""

from flask import g
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterRelationOneToManyEqual
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_

from app.domain.deadlines import CLOCK_PAUSED, CLOCK_RUNNING
from app.domain.fulltext import FACETS, Facets
from app.domain.numbers import is_digits
from app.domain.urgency import DUE_SOON, ON_TRACK, OVERDUE, PAUSED
from app.models import Complaint
from app.models.complaints import clock_is
from app.reader import scope_facets
from app.services import fulltext
from app.services.clock import utcnow
from app.views.datamodel import count_cap, list_phase

# PostgreSQL walks the list in its order, checking each row, when the counted matches are
# at least this many times the rows the page needs (offset and size): the walk then reads
# a small part of the list; past it, the matches are read first.
WALK_AT_LEAST = 40
NEWEST_FIRST = ("received_at", "desc")  # the complaint list's own order

URGENT = "urgent"  # overdue or due soon: the dashboard's urgent panel
URGENCY_CHOICES = [
    (URGENT, _l("Overdue or due soon")),
    (OVERDUE, _l("Overdue")),
    (DUE_SOON, _l("Due soon")),
    (ON_TRACK, _l("On track")),
    (PAUSED, _l("Clock paused")),
]


def urgency_condition(code: str, now):
    """SQL condition for one urgency, index-backed by due_at / warning_at."""
    running = clock_is(CLOCK_RUNNING)
    if code == URGENT:
        return and_(running, Complaint.warning_at <= now)
    if code == OVERDUE:
        return and_(running, Complaint.due_at < now)
    if code == DUE_SOON:
        return and_(running, Complaint.warning_at <= now, Complaint.due_at >= now)
    if code == ON_TRACK:
        return and_(running, Complaint.warning_at > now)
    if code == PAUSED:
        return clock_is(CLOCK_PAUSED)
    raise ValueError(f"unknown urgency {code!r}")


class UrgencyFilter(BaseFilter):
    name = _l("Is")
    arg_name = "urg"

    def apply(self, query, value):
        return query.filter(urgency_condition(value, utcnow()))


class FullTextFilter(BaseFilter):
    """Every word in the complaint's subject, description, complainant, client or messages
    (accents ignored, a starred word a prefix), through the full-text index: it stands for
    FAB's "contains", a LIKE that reads every row."""

    name = _l("Contains the words")
    arg_name = "ct"

    def apply(self, query, value):
        session, phase = self.datamodel.session, list_phase()
        filters = held_in_index(phase.filter_values)
        scope = scope_facets(session)
        facets = Facets(any_of=tuple((facet,) for facet in filters)) + (scope or Facets())
        # The list's only condition with filters the index holds, and a scope it holds:
        # the count is that of the full-text index, read once for the plan anyway (a word
        # in one complaint in five: 38 ms less; with a state, 30 ms).
        alone = phase.counting and phase.filters == 1 + len(filters) and scope is not None
        limit = max(fulltext.FEW_MATCHES, count_cap()) if alone else fulltext.FEW_MATCHES
        counted = g.setdefault("fulltext_matches", {})  # the count and the page ask alike
        key = (value, facets)
        if key not in counted or counted[key][1] < limit:
            counted[key] = (fulltext.count_matches(session, value, limit, facets), limit)
        matches = counted[key][0]
        if alone:
            phase.count_found = matches
        many = matches > fulltext.FEW_MATCHES
        # Walk the list in its order when the page is a small part of the matches.
        walk = phase.counted is not None and phase.counted >= WALK_AT_LEAST * phase.rows_wanted
        floor = None
        if many and phase.counted and phase.narrow and phase.order == NEWEST_FIRST:
            floor = fulltext.newest_matches_floor(session, phase.counted, phase.rows_wanted)
        if floor is not None:
            rows = phase.page_rows()
            phase.holds_page = lambda ids: fulltext.holds_newest_page(session, ids, floor, rows)
        return query.filter(fulltext.list_condition(
            session, value, many, phase.counting, phase.filters > 1, walk, floor, facets))


def held_in_index(filter_values) -> tuple:
    """(relation, id) of the list's filters that the full-text index holds too: "equal
    to" an item of one of its reference lists (``domain.fulltext.FACETS``)."""
    return tuple((flt.column_name, int(value)) for flt, value in filter_values
                 if isinstance(flt, FilterRelationOneToManyEqual)
                 and flt.column_name in FACETS and is_digits(str(value)))
