"""Custom list filters: urgency, computed in SQL from the stored deadline columns; the
full-text search of the complaint's texts."""

from flask import g
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_

from app.domain.deadlines import CLOCK_PAUSED, CLOCK_RUNNING
from app.domain.urgency import DUE_SOON, ON_TRACK, OVERDUE, PAUSED
from app.models import Complaint
from app.models.complaints import clock_is
from app.services import fulltext
from app.services.clock import utcnow

URGENCY_CHOICES = [
    (OVERDUE, _l("Overdue")),
    (DUE_SOON, _l("Due soon")),
    (ON_TRACK, _l("On track")),
    (PAUSED, _l("Clock paused")),
]


def urgency_condition(code: str, now):
    """SQL condition for one urgency, index-backed by due_at / warning_at."""
    running = clock_is(CLOCK_RUNNING)
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
    (accents ignored, the last word a prefix), through the full-text index: it stands for
    FAB's "contains", a LIKE that reads every row."""

    name = _l("Contains the words")
    arg_name = "ct"

    def apply(self, query, value):
        session = self.datamodel.session
        known = g.setdefault("fulltext_many", {})  # the count and the page ask alike
        if value not in known:
            known[value] = fulltext.has_many_matches(session, value)
        # See ListInterface.capped_count.
        counting = getattr(self.datamodel, "counting", False)
        combined = getattr(self.datamodel, "filters_counted", 0) > 1
        return query.filter(fulltext.list_condition(session, value, known[value], counting,
                                                    combined))
