"""The signed-in reader's visibility, read once per request, and the list filter using it."""

from flask import current_app, g
from flask_appbuilder.models.filters import BaseFilter

from app.services.scope_changes import Writer
from app.services.visibility import NOBODY, SCOPE_VIEW, SEE_ALL, SEE_CONFIDENTIAL, Reader
from app.services.visibility import scope_facets as _scope_facets
from app.services.visibility import visible_condition as _condition


def current_reader() -> Reader:
    """The visibility facts of ``g.user``, cached for the request."""
    cached = getattr(g, "_reader", None)
    if cached is not None:
        return cached
    user = getattr(g, "user", None)
    if user is None or not user.is_authenticated:
        reader = NOBODY
    else:
        sm = current_app.appbuilder.sm
        reader = Reader(user_id=user.id, team_id=getattr(user, "team_id", None),
                        sees_all=sm.has_access(SEE_ALL, SCOPE_VIEW),
                        sees_confidential=sm.has_access(SEE_CONFIDENTIAL, SCOPE_VIEW))
    g._reader = reader
    return reader


# The permission that makes assignment decisions (team, assignee, portfolio owner).
ASSIGN = ("can_assign", "ComplaintView")


def current_writer() -> Writer:
    """Who is writing, for app/services/scope_changes.py: ``g.user``, their team, and
    whether they hold the assign permission; cached for the request."""
    cached = getattr(g, "_writer", None)
    if cached is not None:
        return cached
    user = getattr(g, "user", None)
    if user is None or not user.is_authenticated:
        writer = Writer(user_id=None)
    else:
        writer = Writer(user_id=user.id, team_id=getattr(user, "team_id", None),
                        may_assign=current_app.appbuilder.sm.has_access(*ASSIGN))
    g._writer = writer
    return writer


def visible_condition():
    """The SQL condition on Complaint for the current reader."""
    return _condition(current_reader())


def scope_facets(session):
    """The current reader's scope as the full-text index holds it
    (``visibility.scope_facets``), read once a request."""
    if "scope_facets" not in g:
        g.scope_facets = _scope_facets(session, current_reader())
    return g.scope_facets


class VisibleComplaints(BaseFilter):
    """FAB base filter: restricts a complaint list (and FAB's show/edit/delete lookups)
    to what the reader may see."""

    name = "visible"
    arg_name = "vis"
    reader_scope = True  # not one of the list's filters (see ListInterface.capped_count)

    def apply(self, query, value):
        return query.filter(visible_condition())


class OfVisibleComplaints(BaseFilter):
    """FAB base filter for rows that belong to a complaint (reminders, events)."""

    name = "visible"
    arg_name = "vis_child"

    def apply(self, query, value):
        from sqlalchemy import select

        from app.models import Complaint

        visible = select(Complaint.id).where(visible_condition())
        return query.filter(self.model.complaint_id.in_(visible))
