"""The access log of confidential complaints: every opening is written in the history."""

from app.domain import events
from app.models import Event
from app.services.clock import utcnow


def record_consultation(session, complaint, user, now=None) -> None:
    """Log that ``user`` opened ``complaint`` (only confidential ones are logged); commit."""
    if not complaint.confidential:
        return
    session.add(Event(complaint=complaint, complaint_id=complaint.id,
                      created_at=now or utcnow(), actor_kind=events.ACTOR_USER,
                      user_id=getattr(user, "id", None), kind=events.CONSULTED))
    session.commit()
