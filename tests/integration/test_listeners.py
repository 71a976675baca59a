"""The SQLAlchemy listeners are registered by create_app, not by importing a module
(docs/architecture.md, "Listeners")."""

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app import database, read_only
from app.listeners import register_listeners
from app.services import day_stats, reference_version, storage

LISTENERS = [
    (Engine, "connect", database._sqlite_on_connect),
    (Engine, "connect", database._postgresql_on_connect),
    (Engine, "begin", database._sqlite_begin_immediate),
    (Engine, "before_cursor_execute", read_only._refuse_writes),
    (Session, "before_flush", day_stats._before_flush),
    (Session, "after_flush", reference_version._after_flush),
    (Session, "do_orm_execute", reference_version._bulk_write),
    (Session, "after_commit", storage._after_commit),
    (Session, "after_soft_rollback", storage._after_rollback),
]


def test_create_app_registers_every_listener_once(app):
    for target, name, listener in LISTENERS:
        assert event.contains(target, name, listener), (name, listener.__name__)
    register_listeners()  # again: nothing more is registered
    for target, name, listener in LISTENERS:
        event.remove(target, name, listener)
        assert not event.contains(target, name, listener), (name, listener.__name__)
    register_listeners()
    assert all(event.contains(t, n, fn) for t, n, fn in LISTENERS)
