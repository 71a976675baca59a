"""Full-text search over complaints: the list filter's condition and ranked results.

The index (see ``fulltext_schema``) holds one document per complaint. Ranking reads the
best matches among the newest ``RANK_WINDOW`` matches the reader may see: scoring every
match of a common word ("facture" matches one complaint in five of a million) would cost
a read per match, while the newest few thousand are found in index order and rank in a
few milliseconds. Older matches remain reachable with more words or the list's filter.
"""

from sqlalchemy import Integer, any_, cast, column, false, func, literal_column, select, table, true
from sqlalchemy.dialects.postgresql import ARRAY

from app.domain import fulltext
from app.models import Client, Complaint

RANK_WINDOW = 2000
# Up to this many matches a list reads the matches first, then their complaints; past it,
# the list in its own order, keeping the rows that match.
FEW_MATCHES = 5000

_fts = table("complaint_fts", column("rowid"))
_search = table("complaint_search", column("complaint_id"), column("document"))
_client_fts = table("client_fts", column("rowid"))
# Column weights of bm25, in the FTS5 table's column order: subject, people, client,
# description, messages (a word in the subject counts most).
_BM25_WEIGHTS = (10.0, 5.0, 5.0, 2.0, 1.0)


def _is_postgresql(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _index(session, text: str):
    """(index table, id column, match condition, score, is a high score better?) or None
    when ``text`` holds no word."""
    if _is_postgresql(session):
        query = fulltext.tsquery(text)
        if query is None:
            return None
        # Folded as the documents were (unaccent folds more letters than the terms did).
        tsquery = func.to_tsquery(literal_column("'simple'::regconfig"), func.search_fold(query))
        return (_search, _search.c.complaint_id, _search.c.document.op("@@")(tsquery),
                func.ts_rank(_search.c.document, tsquery), True)
    query = fulltext.fts5_query(text)
    if query is None:
        return None
    target = literal_column("complaint_fts")
    return (_fts, _fts.c.rowid, target.op("MATCH")(query),
            func.bm25(target, *_BM25_WEIGHTS), False)  # bm25: lower is better


def has_many_matches(session, text: str) -> bool:
    """More than FEW_MATCHES complaints hold every word of ``text`` (visibility aside)."""
    index = _index(session, text)
    if index is None:
        return False
    _, ids, condition, _, _ = index
    return session.scalar(select(func.count()).select_from(
        select(ids).where(condition).limit(FEW_MATCHES + 1).subquery())) > FEW_MATCHES


def list_condition(session, text: str, many: bool, counting: bool = False):
    """The condition on complaints matching ``text``, written for the plan that suits the
    number of matches (``has_many_matches``): planners misjudge it (PostgreSQL walked a
    million rows in date order for a word found nowhere, SQLite sorted 200,000 matches for
    a word found everywhere). Few: the matches are read first, then their complaints.
    Many: the list is read in its own order, each row checked, until the page is full; a
    ``counting`` query has no order, so SQLite reads the matches first then too."""
    index = _index(session, text)
    if index is None:  # nothing but punctuation: nothing can match
        return false()
    _, ids, condition, _, _ = index
    matches = select(ids).where(condition)
    postgresql = _is_postgresql(session)
    if many:
        # "+ 0": SQLite must not look each match up by id (then sort them all).
        ordered = not counting and not postgresql
        return (Complaint.id + 0).in_(matches) if ordered else Complaint.id.in_(matches)
    if postgresql:  # one array, read once, then the complaints by primary key
        found = select(func.array_agg(ids)).where(condition).scalar_subquery()
        return Complaint.id == any_(cast(found, ARRAY(Integer)))
    return Complaint.id.in_(matches)


def ranked_complaints(session, text: str, scope=None, limit: int = 50, options=()) -> list:
    """The complaints matching ``text`` within ``scope``, best first (see RANK_WINDOW)."""
    index = _index(session, text)
    if index is None:
        return []
    index_table, ids, condition, score, high_first = index
    visible = scope if scope is not None else true()
    window = (select(ids.label("id"), score.label("score"))
              .select_from(index_table.join(Complaint.__table__, Complaint.id == ids))
              .where(condition, visible)
              .order_by(ids.desc())
              .limit(RANK_WINDOW)
              .subquery())
    best = window.c.score.desc() if high_first else window.c.score.asc()
    statement = (select(Complaint).join(window, Complaint.id == window.c.id)
                 .order_by(best, Complaint.id.desc()).limit(limit).options(*options))
    return list(session.scalars(statement).unique())



def matching_clients(session, text: str, limit: int = 50) -> list:
    """Clients whose name, customer number or email hold every word, by name."""
    if _is_postgresql(session):
        query = fulltext.tsquery(text)
        document = func.client_search_document(Client.name, Client.customer_number,
                                               Client.email)
        condition = query and document.op("@@")(func.to_tsquery(
            literal_column("'simple'::regconfig"), func.search_fold(query)))
    else:
        query = fulltext.fts5_query(text)
        condition = query and Client.id.in_(select(_client_fts.c.rowid).where(
            literal_column("client_fts").op("MATCH")(query)))
    if condition is None:
        return []
    return list(session.scalars(select(Client).where(condition).order_by(Client.name)
                                .limit(limit)))
