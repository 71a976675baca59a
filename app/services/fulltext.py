"""Full-text search over complaints: the list filter's condition and ranked results.

The index (see ``fulltext_schema``) holds one document per complaint. Ranking reads the
best matches among the newest ``RANK_WINDOW`` matches the reader may see: scoring every
match of a common word ("facture" matches one complaint in five of a million) would cost
a read per match, while the newest few thousand are found in index order and rank in a
few milliseconds. Older matches remain reachable with more words or the list's filter.
"""

from sqlalchemy import column, func, literal_column, select, table, true

from app.domain import fulltext
from app.models import Complaint

RANK_WINDOW = 2000

_fts = table("complaint_fts", column("rowid"))
_search = table("complaint_search", column("complaint_id"), column("document"))
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


def matching_ids(session, text: str):
    """A SELECT of the ids of complaints matching ``text`` (every word), or None when the
    text holds no word to search."""
    index = _index(session, text)
    if index is None:
        return None
    _, ids, condition, _, _ = index
    return select(ids).where(condition)


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

