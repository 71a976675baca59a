"""On SQLite, the pages that only read begin their transaction deferred: a writer holding
the database's write lock (another worker saving a complaint, the scheduler) does not make
them wait, and they never queue behind each other. Pages that write still begin
IMMEDIATE, and a write on a read-only connection is refused."""

import sqlite3
import threading

import pytest
from sqlalchemy import text

from app.read_only import WriteInReadOnlyTransaction
from tests import factories as f

READ_ONLY_PAGES = ["/complaints/list/", "/clients/list/", "/dashboard/", "/search/?q=facture",
                   "/reports/"]


@pytest.fixture
def write_lock(app, database_url):
    """Another connection to the database, which takes its write lock with BEGIN IMMEDIATE."""
    if not database_url.startswith("sqlite:///"):
        pytest.skip("SQLite only: PostgreSQL has no database-wide write lock")
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None,
                             check_same_thread=False)
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def get_within(client, path, seconds=10):
    """The status of ``GET path``, or None if it did not answer within ``seconds``."""
    answer = []
    worker = threading.Thread(target=lambda: answer.append(client.get(path).status_code),
                              daemon=True)
    worker.start()
    worker.join(seconds)
    return answer[0] if answer else None


@pytest.mark.parametrize("path", READ_ONLY_PAGES)
def test_a_read_only_page_does_not_wait_for_the_write_lock(admin_client, write_lock, path):
    write_lock.execute("BEGIN IMMEDIATE")
    assert get_within(admin_client, path) == 200


def test_a_page_that_writes_waits_for_the_write_lock(admin_client, dbs, write_lock):
    with dbs() as s:
        pk = f.make_complaint(s).id
        s.commit()
    write_lock.execute("BEGIN IMMEDIATE")
    answer = []
    worker = threading.Thread(daemon=True, target=lambda: answer.append(admin_client.post(
        f"/complaints/{pk}/notes", data={"body": "Rappelé le client"}).status_code))
    worker.start()
    worker.join(1.5)
    assert answer == []  # BEGIN IMMEDIATE: it waits for the lock, it does not fail later
    write_lock.execute("ROLLBACK")
    worker.join(10)
    assert answer == [302]


def test_a_write_on_a_read_only_connection_is_refused(app):
    from app.extensions import db

    with app.app_context():
        with db.engine.connect() as connection:
            connection = connection.execution_options(read_only=True)
            assert connection.execute(text("SELECT count(*) FROM category")).scalar() > 0
            with pytest.raises(WriteInReadOnlyTransaction):
                connection.execute(text("UPDATE category SET position = position"))
            connection.rollback()


def test_only_get_requests_of_marked_views_are_read_only(app):
    views = app.view_functions
    assert getattr(views["ComplaintView.list"], "read_only", False)
    assert getattr(views["DashboardView.index"], "read_only", False)
    assert not getattr(views["ComplaintView.show"], "read_only", False)  # logs consultations
    assert not getattr(views["ComplaintView.add"], "read_only", False)
