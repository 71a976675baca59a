"""The scheduler: its jobs, `scheduler run-once`, and the scheduler embedded in the single
process that `make run` starts (a real gunicorn delivering to a real SMTP server)."""

import os
import subprocess
import sys
import time
from datetime import datetime

import pytest

from app import scheduler
from app.jobs import JOBS
from app.services import outbox
from config import ROOT
from tests.integration.conftest import free_port


def queue(session, recipient):
    email = outbox.queue_email(session, recipient, "Votre réclamation – accusé de réception",
                               "Bonjour,\nvotre réclamation est enregistrée.")
    # First in line: other tests may have left more due emails than one pass takes.
    email.next_attempt_at = datetime(2000, 1, 1)
    session.commit()


def test_scheduler_has_every_job_at_its_interval(app):
    built = scheduler.build(app, blocking=False)
    jobs = {job.id: job for job in built.get_jobs()}
    assert set(jobs) == set(JOBS)
    assert jobs["outbox"].trigger.interval.total_seconds() == app.config[
        "SCHEDULER_OUTBOX_SECONDS"]


def test_never_started_under_testing(app):
    with pytest.raises(RuntimeError):
        scheduler.start_embedded(app)


def test_run_once_delivers_the_outbox(app, session, smtp_server, monkeypatch):
    queue(session, "run-once@example.org")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server.port)
    result = app.test_cli_runner().invoke(args=["scheduler", "run-once"])
    assert result.exit_code == 0, result.output
    assert "outbox:" in result.output
    mine = [e for e in smtp_server.handler.envelopes if e.rcpt_tos == ["run-once@example.org"]]
    assert len(mine) == 1
    again = app.test_cli_runner().invoke(args=["scheduler", "run-once"])
    assert "'sent': 0" in again.output


def test_embedded_scheduler_of_make_run_delivers(app, session, smtp_server, database_url,
                                                 tmp_path):
    queue(session, "embedded@example.org")
    session.remove()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
           "EMBEDDED_SCHEDULER": "1", "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(smtp_server.port), "SCHEDULER_OUTBOX_SECONDS": "2",
           "APP_ENV": "development"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "run:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    def delivered():  # other tests may have left due emails in the shared database
        return [e for e in smtp_server.handler.envelopes
                if e.rcpt_tos == ["embedded@example.org"]]

    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not delivered():
            assert server.poll() is None, server.stderr.read().decode()[-2000:]
            time.sleep(0.3)
        time.sleep(2.5)  # one more scheduler pass: still delivered once
        assert len(delivered()) == 1
    finally:
        server.terminate()
        server.wait(timeout=15)
