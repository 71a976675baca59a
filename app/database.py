"""Connection settings that make SQLite safe for a multi-user web application, and
PostgreSQL plan each statement for its own values.

SQLite: foreign keys on, WAL so that readers never block the writer, a busy timeout, and
every transaction started with ``BEGIN IMMEDIATE``: a deferred transaction that reads and
then writes fails at once when another process wrote in between, whatever the busy
timeout.
"""

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 30000


def _sqlite_on_connect(dbapi_connection, _record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event below issue BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _postgresql_on_connect(dbapi_connection, _record):
    # psycopg prepares a statement on the server once a connection has run it five times,
    # and PostgreSQL may then plan it once for any values: a full-text condition took the
    # plan of an average word (a bitmap of the GIN index: for a word in one complaint in
    # five, 13 -> 65 ms). Unprepared, each statement is planned for its values.
    if hasattr(dbapi_connection, "prepare_threshold"):  # a psycopg 3 connection
        dbapi_connection.prepare_threshold = None


def _sqlite_begin_immediate(connection):
    if connection.dialect.name == "sqlite":
        # A long read (an export) on a connection marked read_only takes no write lock:
        # WAL gives it a consistent snapshot while others keep writing.
        deferred = connection.get_execution_options().get("read_only")
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def register_listeners() -> None:
    """Listen on every engine: the connection settings above, and BEGIN IMMEDIATE (a
    deferred BEGIN on a read_only connection) on SQLite. Registering again does nothing."""
    for name, listener in (("connect", _sqlite_on_connect),
                           ("connect", _postgresql_on_connect),
                           ("begin", _sqlite_begin_immediate)):
        if not event.contains(Engine, name, listener):
            event.listen(Engine, name, listener)


def is_sqlite(session_or_engine) -> bool:
    bind = session_or_engine.get_bind() if hasattr(session_or_engine, "get_bind") else (
        session_or_engine)
    return bind.dialect.name == "sqlite"
