"""Commands print only what they mean to say; logs have one format (plain, or JSON with
LOG_FORMAT=json) and carry the request id on every line of a request."""

import json
import logging
import os
import subprocess
import sys

import pytest

from app.logs import configure_logging
from config import ROOT

logger = logging.getLogger("app.test_logging")


@pytest.fixture
def restore_plain_logs():
    yield
    configure_logging("plain", "INFO")


def test_the_release_step_prints_only_its_own_lines(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOG_", "DATABASE_URL"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'quiet.db'}",
               INSTANCE_PATH=str(tmp_path / "instance"), SECRET_KEY="quiet-test-secret",
               ADMIN_PASSWORD="Quiet-pass-123")
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "run", "setup"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no "Filter type not supported…", no "Initializing AppBuilder"
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Migrated: 0001, 0002, ")  # every revision, listed
    assert lines[1] == "Recounted: monthly and daily complaint counts."
    assert lines[2].startswith("Database ready (")
    assert len(lines) == 3


def log_twice():
    logger.info("first line of the request")
    logger.warning("second line of the request")
    return "ok"


def make_logging_app(make_app, **config):
    application = make_app(**config)
    application.add_url_rule("/_log_twice", "log_twice", log_twice)
    return application


def test_json_lines_carry_the_request_id(make_app, capsys, restore_plain_logs):
    application = make_logging_app(make_app, LOG_FORMAT="json")
    capsys.readouterr()
    response = application.test_client().get("/_log_twice")
    request_id = response.headers["X-Request-ID"]
    logger.info("outside any request")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    ours = [line for line in lines if line["logger"] == "app.test_logging"]
    assert [line["message"] for line in ours] == [
        "first line of the request", "second line of the request", "outside any request"]
    assert [line["request_id"] for line in ours] == [request_id, request_id, None]
    assert ours[1]["level"] == "WARNING"
    assert len(request_id) == 32
    other = application.test_client().get("/_log_twice").headers["X-Request-ID"]
    assert other != request_id


def test_plain_lines_carry_the_request_id(make_app, capsys, restore_plain_logs):
    application = make_logging_app(make_app, LOG_FORMAT="plain")
    capsys.readouterr()
    request_id = application.test_client().get("/_log_twice").headers["X-Request-ID"]
    err = capsys.readouterr().err
    assert f"INFO [app.test_logging] [{request_id}] first line of the request" in err
    assert f"WARNING [app.test_logging] [{request_id}] second line of the request" in err


def test_a_proxy_request_id_is_kept_only_behind_trusted_proxies(make_app):
    given = {"X-Request-ID": "proxy-id-123"}
    direct = make_app().test_client().get("/health", headers=given)
    assert direct.headers["X-Request-ID"] != "proxy-id-123"
    proxied = make_app(TRUSTED_PROXIES=1).test_client().get("/health", headers=given)
    assert proxied.headers["X-Request-ID"] == "proxy-id-123"
    forged = make_app(TRUSTED_PROXIES=1).test_client().get(
        "/health", headers={"X-Request-ID": "x FAKE LOG LINE " + "y" * 80})
    assert len(forged.headers["X-Request-ID"]) == 32
