"""Quick search from the navbar: a tracking number opens its complaint, other text searches
subject, description, client name, customer number and email."""

from dataclasses import dataclass

from sqlalchemy import or_, select, true

from app.domain.tracking import looks_like_tracking_number
from app.models import Client, Complaint


@dataclass
class SearchResult:
    exact: Complaint | None
    complaints: list
    clients: list


def quick_search(session, text: str, scope=None, limit: int = 50) -> SearchResult:
    """``scope``: the reader's visibility condition; complaints outside it never show."""
    visible = scope if scope is not None else true()
    text = (text or "").strip()
    if not text:
        return SearchResult(None, [], [])
    if looks_like_tracking_number(text):
        exact = session.scalars(
            select(Complaint).where(Complaint.tracking_number == text.upper(), visible)).first()
        if exact is not None:
            return SearchResult(exact, [exact], [])
    pattern = f"%{_escape_like(text)}%"
    complaints = session.scalars(
        select(Complaint)
        .outerjoin(Client, Complaint.client_id == Client.id)
        .where(visible, or_(
            Complaint.tracking_number.ilike(pattern, escape="\\"),
            Complaint.subject.ilike(pattern, escape="\\"),
            Complaint.description.ilike(pattern, escape="\\"),
            Complaint.complainant_name.ilike(pattern, escape="\\"),
            Complaint.complainant_email.ilike(pattern, escape="\\"),
            Client.name.ilike(pattern, escape="\\"),
            Client.customer_number.ilike(pattern, escape="\\"),
            Client.email.ilike(pattern, escape="\\"),
        ))
        .order_by(Complaint.received_at.desc())
        .limit(limit)
    ).all()
    clients = session.scalars(
        select(Client)
        .where(or_(
            Client.name.ilike(pattern, escape="\\"),
            Client.customer_number.ilike(pattern, escape="\\"),
            Client.email.ilike(pattern, escape="\\"),
        ))
        .order_by(Client.name)
        .limit(limit)
    ).all()
    return SearchResult(None, complaints, clients)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
