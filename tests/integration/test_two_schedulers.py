"""Two scheduler *processes* on one database (SQLite, or PostgreSQL with
TEST_DATABASE_URL) for several passes: every alert reaches its mailbox exactly once.

They run on a database of their own, set up by the release step (`flask setup`), so
that what they alert and deliver is only what this test made.
"""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.models.base import utcnow
from config import ROOT

SCHEDULER_PASSES_SECONDS = 1


@pytest.fixture
def own_database(database_url, tmp_path):
    """A URL to an empty database next to the session's one."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'schedulers.db'}"
        return
    name = "test_two_schedulers"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    server.dispose()


def flask(args, env, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "run", *args],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, **kwargs)


def make_register(url, tmp_path, now):
    """Staff, an overdue complaint of a team, a due reminder: what the schedulers alert."""
    from app import create_app
    from app.extensions import db
    from app.models import Complaint, Reminder
    from app.services import complaints, settings
    from tests import factories as f

    application = create_app("testing", SQLALCHEMY_DATABASE_URI=url,
                             INSTANCE_PATH=str(tmp_path / "maker"))
    with application.app_context():
        sm = application.appbuilder.sm
        agent = sm.add_user(username="agent", first_name="Alice", last_name="Agent",
                            email="alice@example.org", role=sm.find_role("Agent"),
                            password="Pass-word-123")
        boss = sm.add_user(username="boss", first_name="Bob", last_name="Boss",
                           email="bob@example.org", role=sm.find_role("Supervisor"),
                           password="Pass-word-123")
        session = db.session
        settings.set_setting(session, "digest_hour", "0")
        team = f.make_team(session, manager_id=boss.id)
        complaint = complaints.open_complaint(session, Complaint(
            received_at=now - timedelta(days=40), subject="Compteur bloqué",
            complexity=f.complexity(session), state=f.state(session, "new"),
            assignee_id=agent.id, team_id=team.id))
        session.add(Reminder(complaint=complaint, user_id=agent.id, note="Rappeler demain",
                             remind_at=now - timedelta(minutes=1)))
        session.commit()
        number = complaint.tracking_number
        db.session.remove()
        db.engine.dispose()
    return number


def test_two_scheduler_processes_alert_once(own_database, smtp_server, tmp_path):
    env = {**os.environ, "DATABASE_URL": own_database, "INSTANCE_PATH": str(tmp_path),
           "APP_ENV": "development", "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(smtp_server.port), "MAIL_DEFAULT_SENDER": "rec@example.org",
           **{f"SCHEDULER_{job}_SECONDS": str(SCHEDULER_PASSES_SECONDS)
              for job in ("OUTBOX", "REMINDERS", "RULES", "DIGEST")}}
    release = flask(["setup", "--no-admin"], env)
    assert release.wait(timeout=120) == 0, release.stderr.read().decode()[-2000:]
    number = make_register(own_database, tmp_path, utcnow())

    expected = {  # (recipient, subject): once each
        ("alice@example.org", f"[{number}] Échéance dépassée"),
        ("bob@example.org", f"[{number}] Échéance dépassée"),
        ("alice@example.org", f"[{number}] Rappel échu"),
    }

    def mailbox():
        from email import message_from_bytes, policy

        return [(envelope.rcpt_tos[0], str(message_from_bytes(
            envelope.original_content, policy=policy.default)["subject"]))
            for envelope in smtp_server.handler.envelopes]

    schedulers = [flask(["scheduler", "run"], env) for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not expected <= set(mailbox()):
            for process in schedulers:
                assert process.poll() is None, process.stderr.read().decode()[-3000:]
            time.sleep(0.5)
        time.sleep(4 * SCHEDULER_PASSES_SECONDS)  # more passes of both: nothing more
    finally:
        for process in schedulers:
            process.terminate()
        for process in schedulers:
            process.wait(timeout=20)

    received = mailbox()
    for message in expected:
        assert received.count(message) == 1, (message, received)
    digests = [m for m in received if m[0] == "bob@example.org" and "Synthèse du jour" in m[1]]
    assert len(digests) == 1, received
