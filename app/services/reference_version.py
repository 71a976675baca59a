"""The version of the reference lists that the list filters offer, shared by every process.

A list's search form offers every category, state, team, user… as a select. Rendered
from the database, that is two dozen small queries and the rendering of each option on
every page, for lists that change a few times a year. Each process keeps them rendered
(app/views/search_widget.py) with the version they were rendered at, and reads this one
number once a page. Any write to a watched model, through a flush or an ORM ``UPDATE`` /
``DELETE`` / ``INSERT``, increases the number in the same transaction: the change shows on
the very next page of every process, and a rolled-back change changes nothing.
"""

from itertools import chain

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from app.models import ReferenceVersion

ROW_ID = 1
_watched: set[type] = set()


def watch(models) -> None:
    """Count the writes to these models as changes of the reference lists."""
    _watched.update(models)


def current(session) -> int:
    """The number, read in the caller's transaction (0 when the row is missing)."""
    return session.scalar(select(ReferenceVersion.version)
                          .where(ReferenceVersion.id == ROW_ID)) or 0


def bump(connection) -> None:
    """One more change (``connection``: a session's or a Core connection)."""
    table = ReferenceVersion.__table__
    result = connection.execute(update(table).where(table.c.id == ROW_ID)
                                .values(version=table.c.version + 1))
    if result.rowcount == 0:  # a database whose row was removed: start over, above 0
        connection.execute(insert(table).values(id=ROW_ID, version=2))


def _is_watched(obj) -> bool:
    return isinstance(obj, tuple(_watched))


def _after_flush(session, _context):
    # After the flush the lists still hold what it wrote (SQLAlchemy documents this).
    if not _watched:
        return
    changed = any(_is_watched(o) for o in chain(session.new, session.deleted)) or any(
        _is_watched(o) and session.is_modified(o, include_collections=False)
        for o in session.dirty)
    if changed:
        bump(session.connection())


def _bulk_write(state):
    if not _watched or not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, tuple(_watched)):
        bump(state.session.connection())


def register_listeners() -> None:
    """Bump the version on every write to a watched reference table, by the ORM or in
    bulk. Registering again does nothing."""
    for name, listener in (("after_flush", _after_flush), ("do_orm_execute", _bulk_write)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
