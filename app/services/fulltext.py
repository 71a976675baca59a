"""Full-text search over complaints: the list filter's condition and ranked results.

The index (see ``fulltext_schema``) holds one document per complaint. Ranking reads the
best matches among the newest ``RANK_WINDOW`` matches the reader may see: scoring every
match of a common word ("facture" matches one complaint in five of a million) would cost
a read per match, while the newest few thousand are found in index order and rank in a
few milliseconds. Older matches remain reachable with more words or the list's filter.
"""

from sqlalchemy import (
    Integer,
    any_,
    cast,
    column,
    exists,
    false,
    func,
    literal,
    literal_column,
    select,
    table,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY

from app.domain import fulltext
from app.domain.fulltext import Facets
from app.models import Client, Complaint
from app.services.fulltext_schema import SQLITE_TEXT_COLUMNS

RANK_WINDOW = 2000
RECENT_IDS = 200_000  # see _newest_ids
# Up to this many matches a list reads the matches first, then their complaints; past it,
# the list in its own order, keeping the rows that match.
FEW_MATCHES = 5000
# SQLite: a page of the newest complaints among many matches is looked for first among the
# ids that hold about this many times the page's rows (see newest_matches_floor).
NARROW_MARGIN = 8

_fts = table("complaint_fts", column("rowid"))
_search = table("complaint_search", column("complaint_id"), column("document"))
_client_fts = table("client_fts", column("rowid"))
# Column weights of bm25, in the FTS5 table's column order: subject, people, client,
# description, messages (a word in the subject counts most), facets (never typed).
_BM25_WEIGHTS = (10.0, 5.0, 5.0, 2.0, 1.0, 0.0)


def _is_postgresql(session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _index(session, text: str, typing: bool = False, facets: Facets = Facets()):
    """(index table, id column, match condition, score, is a high score better?) or None
    when ``text`` holds no word (``typing``: the quick search's words, see
    ``domain.fulltext``). ``facets``: what the documents hold besides the words
    (``domain.fulltext.Facets``)."""
    if _is_postgresql(session):
        query = fulltext.tsquery(text, typing)
        if query is None:
            return None
        # Folded as the documents were (unaccent folds more letters than the terms did).
        tsquery = func.to_tsquery(literal_column("'simple'::regconfig"), func.search_fold(query))
        held = fulltext.facets_tsquery(facets)
        if held:
            tsquery = tsquery.op("&&")(cast(literal(held), TSQUERY))
        return (_search, _search.c.complaint_id, _search.c.document.op("@@")(tsquery),
                func.ts_rank(_search.c.document, tsquery), True)
    query = fulltext.fts5_query(text, typing)
    if query is None:
        return None
    query = f"{SQLITE_TEXT_COLUMNS} : ({query})" + fulltext.facets_fts5(facets)
    target = literal_column("complaint_fts")
    return (_fts, _fts.c.rowid, target.op("MATCH")(query),
            func.bm25(target, *_BM25_WEIGHTS), False)  # bm25: lower is better


def count_matches(session, text: str, limit: int, facets: Facets = Facets()) -> int:
    """The complaints holding every word of ``text`` and ``facets`` (visibility aside,
    unless the facets hold it: ``visibility.scope_facets``), counted up to ``limit`` + 1:
    read in the index alone, which holds one document per complaint."""
    index = _index(session, text, facets=facets)
    if index is None:
        return 0
    _, ids, condition, _, _ = index
    return session.scalar(select(func.count()).select_from(
        select(ids).where(condition).limit(limit + 1).subquery()))


def list_condition(session, text: str, many: bool, counting: bool = False,
                   combined: bool = False, walk: bool = False, above: int | None = None,
                   facets: Facets = Facets()):
    """The condition on complaints matching ``text``, written for the plan that suits the
    number of matches (``many``: more than FEW_MATCHES): planners misjudge it (PostgreSQL
    walked a million rows in date order for a word found nowhere, SQLite sorted 200,000
    matches for a word found everywhere).

    Few: the matches are read first, then their complaints. Many: the list is read in its
    own order, each row checked, until the page is full; SQLite checks each against the
    set of matches, read once; PostgreSQL, when the page's rows are a small part of the
    counted matches (``walk``), looks each row's document up by key (two words: 48 -> 2
    ms; with fewer, the walk could read a whole register). A ``counting`` query has no
    order: SQLite reads the matches first then, unless the list has other filters
    (``combined``): their index is read, each id checked against the matches (a state and
    a common word: 190 -> 40 ms). ``above``: SQLite reads only the matches of the ids
    above it (``newest_matches_floor``). ``facets``: see ``_index``."""
    index = _index(session, text, facets=facets)
    if index is None:  # nothing but punctuation: nothing can match
        return false()
    _, ids, condition, _, _ = index
    matches = select(ids).where(condition)
    if above is not None:
        matches = matches.where(ids > above)
    postgresql = _is_postgresql(session)
    if many and postgresql and walk and not counting:
        # OFFSET 0: a subplan per row, which PostgreSQL would turn into a join hashing
        # every match.
        return (select(literal_column("1")).where(ids == Complaint.id, condition)
                .offset(0).exists())
    if many:
        # "+ 0": SQLite must not look each match up by id (then sort them all).
        by_id = postgresql or (counting and not combined)
        return Complaint.id.in_(matches) if by_id else (Complaint.id + 0).in_(matches)
    if postgresql:  # one array, read once, then the complaints by primary key
        found = select(func.array_agg(ids)).where(condition).scalar_subquery()
        return Complaint.id == any_(cast(found, ARRAY(Integer)))
    return Complaint.id.in_(matches)


def newest_matches_floor(session, counted: int, rows_wanted: int) -> int | None:
    """SQLite, a page of the list in its own order (the newest received first) among
    ``counted`` matches: the id above which it is looked for first, or None.

    SQLite checks the list's rows against the set of matches, which it reads whole first
    (a word in one complaint in five: 200,000 ids, 20 ms). Complaints are registered in
    about the order they were received, so the newest are almost always among the newest
    ids: reading the matches of ids that hold NARROW_MARGIN times the page's rows (at the
    rate counted) finds the page in a tenth of that. ``holds_newest_page`` then checks no
    older id was received later; if one was, the page is read again from every match."""
    if _is_postgresql(session) or rows_wanted <= 0:  # PostgreSQL walks the list (by key)
        return None
    last = session.scalar(select(func.max(Complaint.id))) or 0
    span = NARROW_MARGIN * rows_wanted * last // max(counted, 1)
    return last - span if span < last // 2 else None


def holds_newest_page(session, ids: list[int], floor: int, rows: int) -> bool:
    """Whether ``ids``, the page found above ``floor`` in the list's order, is the page of
    the whole list: ``rows`` of them, and no complaint at or below ``floor`` received
    at or after the last one (it could have come first)."""
    if len(ids) < rows:
        return False
    if not ids:
        return True
    oldest = session.scalar(select(Complaint.received_at).where(Complaint.id == ids[-1]))
    # "+ 0": read in the received_at index from the page's last row on, not in the key's.
    return not session.scalar(select(exists().where(
        Complaint.received_at >= oldest, Complaint.id + 0 <= floor)))


def ranked_complaints(session, text: str, scope=None, limit: int = 50, options=(),
                      scope_facets=None) -> list:
    """The complaints matching ``text`` within ``scope``, best first (see RANK_WINDOW).
    ``scope_facets``: the scope as the index holds it (``visibility.scope_facets``), so
    that the matches are the visible ones without reading each one's complaint (an
    agent's two words on PostgreSQL: 211 -> 50 ms)."""
    index = _index(session, text, typing=True, facets=scope_facets or Facets())
    if index is None:
        return []
    index_table, ids, condition, score, high_first = index
    visible = scope if scope is not None else true()
    newest = select(ids.label("id")).where(condition)
    if scope_facets is None:
        newest = (newest.select_from(index_table.join(Complaint.__table__, Complaint.id == ids))
                  .where(visible))
    newest = newest.order_by(ids.desc()).limit(RANK_WINDOW)
    if _is_postgresql(session):
        window = (select(_search.c.complaint_id.label("id"), score.label("score"))
                  .where(_search.c.complaint_id.in_(_newest_ids(session, newest, ids)))
                  .subquery())
    else:  # bm25() is only known while FTS5 reads its matches, in rowid order
        window = newest.add_columns(score.label("score")).subquery()
    # The best ids first, then their complaints: joining the window's complaints (and
    # the page's related rows) before keeping the best read 2,000 of each.
    best_in_window = window.c.score.desc() if high_first else window.c.score.asc()
    chosen = (select(window.c.id, window.c.score).order_by(best_in_window, window.c.id.desc())
              .limit(limit).subquery())
    best = chosen.c.score.desc() if high_first else chosen.c.score.asc()
    statement = (select(Complaint).join(chosen, Complaint.id == chosen.c.id).where(visible)
                 .order_by(best, Complaint.id.desc()).options(*options))
    return list(session.scalars(statement).unique())


def _newest_ids(session, newest, ids) -> list[int]:
    """PostgreSQL: the ids of the RANK_WINDOW newest matches, looked for among the
    RECENT_IDS newest complaints first. The GIN index gives every match unordered, each
    then read in the table for its id (19,000 matches of two words: 55 ms); limited to
    recent ids, PostgreSQL intersects the index with the key's range and reads a tenth of
    them. When the recent ones hold fewer than RANK_WINDOW matches, the newest may be
    older: all are read. The documents are scored afterwards, by key: sorting them along
    with their ids (500 bytes each) spilled to disk."""
    last = session.scalar(select(func.max(Complaint.id))) or 0
    if last > RECENT_IDS:
        found = session.scalars(newest.where(ids > last - RECENT_IDS)).all()
        if len(found) == RANK_WINDOW:
            return found
    return session.scalars(newest).all()


def matching_clients(session, text: str, limit: int = 50) -> list:
    """Clients whose name, customer number or email hold every word, by name."""
    if _is_postgresql(session):
        query = fulltext.tsquery(text, typing=True)
        document = func.client_search_document(Client.name, Client.customer_number,
                                               Client.email)
        condition = query and document.op("@@")(func.to_tsquery(
            literal_column("'simple'::regconfig"), func.search_fold(query)))
    else:
        query = fulltext.fts5_query(text, typing=True)
        condition = query and Client.id.in_(select(_client_fts.c.rowid).where(
            literal_column("client_fts").op("MATCH")(query)))
    if condition is None:
        return []
    return list(session.scalars(select(Client).where(condition).order_by(Client.name)
                                .limit(limit)))
