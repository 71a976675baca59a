"""Shared fixtures. The application is built once per test session, on a fresh database
migrated by Alembic: a temporary SQLite file, or ``TEST_DATABASE_URL`` (PostgreSQL) when
set. Unit tests request none of these fixtures and never build the app."""

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

PASSWORD = "Secret-pass-123"
USERS = {  # username: role
    "admin": "Admin",
    "supervisor": "Supervisor",
    "agent": "Agent",
    "agent2": "Agent",
    "viewer": "Viewer",
}


def _reset_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _reset_database(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from app import create_app
    from app.extensions import db
    from app.services import setup
    from config import ROOT

    instance = tmp_path_factory.mktemp("instance")
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url,
                             INSTANCE_PATH=str(instance), FILE_STORAGE_PATH=str(instance / "files"))
    with application.app_context():
        from flask_migrate import upgrade

        appbuilder = application.appbuilder

        upgrade(directory=str(ROOT / "migrations"))
        setup.sync_roles_and_permissions(appbuilder)
        labels = setup.Labels(ROOT / "translations")
        setup.seed_reference_data(db.session, labels)
        setup.seed_workflow(db.session, labels)
        setup.seed_deadline_rules(db.session)
        setup.seed_document_templates(db.session)
        sm = appbuilder.sm
        for username, role in USERS.items():
            if sm.find_user(username=username) is None:
                sm.add_user(username=username, first_name=username.capitalize(),
                            last_name="Test", email=f"{username}@example.org",
                            role=sm.find_role(role), password=PASSWORD)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def dbs(app):
    """``with dbs() as s:`` a session of its own, closed at the end of the block.

    A test must not keep a transaction open while the client makes a request: on SQLite
    every transaction is BEGIN IMMEDIATE and would make the request wait for the lock.
    """
    from app.extensions import db

    @contextmanager
    def scope():
        with app.app_context():
            yield db.session

    return scope


@pytest.fixture
def session(app_ctx):
    from app.extensions import db

    yield db.session
    db.session.rollback()
    db.session.remove()


@contextmanager
def recording_sql(app):
    """The (statement, parameters) the application's engine runs meanwhile."""
    from sqlalchemy import event

    from app.extensions import db

    with app.app_context():
        engine = db.engine
    run = []

    def keep(_conn, _cursor, statement, parameters, *args):
        run.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield run
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def get_recording_sql(app, client, path):
    """``(statements, response)``: ``GET path``, answered 200, and the SQL it ran."""
    with recording_sql(app) as run:
        response = client.get(path)
    assert response.status_code == 200
    return [statement for statement, _ in run], response


def login(client, username, password=PASSWORD):
    response = client.post("/login/", data={"username": username, "password": password})
    assert response.status_code == 302, f"login of {username} failed"
    return client


@pytest.fixture
def admin_client(app):
    return login(app.test_client(), "admin")


@pytest.fixture
def agent_client(app):
    return login(app.test_client(), "agent")


@pytest.fixture
def supervisor_client(app):
    return login(app.test_client(), "supervisor")


@pytest.fixture
def viewer_client(app):
    return login(app.test_client(), "viewer")


@pytest.fixture
def scratch_dir():
    path = Path(tempfile.mkdtemp(prefix="rec-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)
