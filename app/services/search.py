"""Quick search from the navbar: a tracking number opens its complaint, other text searches
the full-text index (subject, description, complainant, client, messages), best first."""

from dataclasses import dataclass

from sqlalchemy import select, true
from sqlalchemy.orm import joinedload

from app.domain.tracking import looks_like_tracking_number
from app.models import Complaint
from app.services import fulltext


@dataclass
class SearchResult:
    exact: Complaint | None
    complaints: list
    clients: list


def quick_search(session, text: str, scope=None, limit: int = 50,
                 scope_facets=None) -> SearchResult:
    """``scope``: the reader's visibility condition; complaints outside it never show.
    ``scope_facets``: the same as the full-text index holds it, when it can."""
    visible = scope if scope is not None else true()
    text = (text or "").strip()
    if not text:
        return SearchResult(None, [], [])
    if looks_like_tracking_number(text):
        exact = session.scalars(
            select(Complaint).where(Complaint.tracking_number == text.upper(), visible)).first()
        if exact is not None:
            return SearchResult(exact, [exact], [])
    complaints = fulltext.ranked_complaints(
        session, text, scope=visible, limit=limit,
        options=(joinedload(Complaint.client), joinedload(Complaint.state)),
        scope_facets=scope_facets)
    clients = fulltext.matching_clients(session, text, limit=limit)
    return SearchResult(None, complaints, clients)

