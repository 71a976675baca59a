"""The complaint's history: every change and action is an Event row, written in the
same transaction as the change itself."""

from app.domain import events
from app.models import Event
from app.models.base import id_of
from app.services.clock import utcnow


def log_event(session, complaint, actor, kind, now=None, field=None, old_value=None,
              new_value=None, detail=None, actor_kind=None):
    """Add to ``session`` the Event of ``kind`` done by ``actor`` (None: the system)."""
    now = now or utcnow()
    if actor is not None or actor_kind == events.ACTOR_COMPLAINANT:
        complaint.last_action_at = now  # a person acted: "no action for N days" restarts
    if actor_kind is None:
        actor_kind = events.ACTOR_USER if actor is not None else events.ACTOR_SYSTEM
    session.add(Event(
        complaint_id=complaint.id, complaint=complaint, created_at=now,
        actor_kind=actor_kind,
        user_id=id_of(actor), kind=kind, field=field, old_value=_str(old_value),
        new_value=_str(new_value), detail=_str(detail),
    ))


def _str(value):
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value)
