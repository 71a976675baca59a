"""Fixtures of the integration tests that need an application of their own."""

import os

import pytest


@pytest.fixture(scope="session")
def make_app(app, database_url, tmp_path_factory):
    """``make_app(config_name="testing", **overrides)``: another application on the
    session's migrated and seeded database, e.g. with CSRF or the login limit switched on
    (each create_app() builds its own AppBuilder, so several live in one process)."""
    made = []

    def make(config_name="testing", **overrides):
        made.append(_application(database_url, tmp_path_factory.mktemp("instance"),
                                 config_name, **overrides))
        return made[-1]

    yield make
    _dispose(made)


def _application(url, folder, config_name="testing", **config):
    """An application on ``url`` with its own instance and file folder."""
    from app import create_app

    return create_app(config_name, SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(folder),
                      FILE_STORAGE_PATH=str(folder / "files"), **config)


def _dispose(applications) -> None:
    from app.extensions import db

    for application in applications:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def instance(tmp_path):
    """``instance(name, **config)``: an application on an empty database (SQLite in
    tmp_path, or ``<db>_inst_<name>`` beside TEST_DATABASE_URL's) and a folder of its own;
    nothing migrated."""
    from tests.e2e.support import create_postgres_database

    made, drops = [], []
    test_url = os.environ.get("TEST_DATABASE_URL", "")

    def make(name, **config):
        if test_url.startswith("postgres"):
            url, drop = create_postgres_database(test_url, f"inst_{name}")
            drops.append(drop)
        else:
            url = f"sqlite:///{tmp_path / f'{name}.db'}"
        made.append(_application(url, tmp_path / name, **config))
        return made[-1]

    yield make
    _dispose(made)
    for drop in drops:
        drop()


# --- a real SMTP server on loopback (aiosmtpd) ---------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CollectingHandler:
    """Keeps every message it accepts; answers 550 to the addresses in ``refuse``."""

    def __init__(self):
        self.envelopes = []
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """An SMTP server on 127.0.0.1: ``.port``, ``.handler.envelopes``, ``.handler.refuse``;
    ``.start()``/``.stop()`` to simulate an outage."""
    from aiosmtpd.controller import Controller

    handler = CollectingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    if controller._thread is not None:
        controller.stop()


def run_concurrently(app, job, workers: int, timeout: float = 60) -> None:
    """Run ``job(session)`` in ``workers`` threads at once, each with its own application
    context and session, started together; re-raise the first error any of them met."""
    import threading

    from app.extensions import db

    start, errors = threading.Barrier(workers), []

    def worker():
        try:
            with app.app_context():
                start.wait(10)
                job(db.session)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - re-raised below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if errors:
        raise errors[0]


# --- a real IMAP server on loopback (Dovecot) ----------------------------------------------

@pytest.fixture
def dovecot():
    """Dovecot on 127.0.0.1 with an empty mailbox: ``.port``, ``.deliver(raw)``,
    ``.uids(folder, criteria)``, ``.stop()`` to simulate an outage."""
    import shutil

    from tests.integration.imap_server import start_dovecot

    server = start_dovecot(pytest.skip)
    yield server
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def dovecot_tls():
    """Dovecot as ``dovecot``, also speaking TLS (``.tls_port``) and STARTTLS with a
    self-signed certificate for localhost (``.ca_file``)."""
    import shutil

    from tests.integration.imap_server import start_dovecot

    server = start_dovecot(pytest.skip, tls=True)
    yield server
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)
