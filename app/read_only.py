"""Pages that only read: on SQLite their transaction starts deferred, without the write lock.

Every transaction on SQLite begins ``IMMEDIATE`` (app/database.py), which takes the
database's single write lock until the request ends: under gunicorn, three workers serving
list pages would queue for it one behind the other, each page waiting for the others. A
view marked ``@read_only`` begins with a plain ``BEGIN`` instead; in WAL mode a reader
waits neither for the writer nor for other readers.

Such a view must not write: a deferred transaction that reads and then writes fails at
once when another process wrote in between (the reason for ``IMMEDIATE``). A statement
other than a read on a read-only connection is therefore refused, in every environment,
so that a view wrongly marked fails in the tests rather than now and then in production.
"""

from flask import current_app, g, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

READ_STATEMENTS = ("SELECT", "WITH", "BEGIN", "PRAGMA", "EXPLAIN", "VALUES")


class WriteInReadOnlyTransaction(RuntimeError):
    """A view marked ``@read_only`` (or an export's read) tried to write."""


def read_only(view):
    """Mark a GET view that only reads the database (see the module's docstring)."""
    view.read_only = True
    return view


def register_read_only(app):
    # First of the before-request functions: the transaction must not have begun yet.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin_read_only)
    app.teardown_request(_end_read_only)


def _begin_read_only():
    if request.method not in ("GET", "HEAD"):
        return
    view = current_app.view_functions.get(request.endpoint)
    if not getattr(view, "read_only", False):
        return
    from app.extensions import db

    # A session already in a transaction (a request inside a test's application context,
    # which shares its session) keeps it as it is.
    if db.engine.dialect.name == "sqlite" and not db.session().in_transaction():
        db.session.connection(execution_options={"read_only": True})
        g.read_only_transaction = True


def _end_read_only(_exc=None):
    """End the read-only transaction with the request: a session that outlives it (in a
    test's application context) must not carry it into the next, writing, request."""
    if g.pop("read_only_transaction", False):
        from app.extensions import db

        db.session.rollback()


def _refuse_writes(connection, _cursor, statement, _parameters, _context, _many):
    if not connection.get_execution_options().get("read_only"):
        return
    if not statement.lstrip().upper().startswith(READ_STATEMENTS):
        raise WriteInReadOnlyTransaction(
            f"a write in a read-only transaction: {statement.split(None, 1)[0]}")


def register_listeners() -> None:
    """Refuse, on every engine, a write on a connection marked read_only (a read-only
    route's transaction, an export's long read). Registering again does nothing."""
    if not event.contains(Engine, "before_cursor_execute", _refuse_writes):
        event.listen(Engine, "before_cursor_execute", _refuse_writes)
