"""The ``Server`` header names no software: neither the application's answers nor
gunicorn's (run with the project's gunicorn.conf.py, as `make run` does); and
security.txt says where to report a vulnerability."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from config import ROOT
from tests.integration.conftest import free_port


def test_the_application_sets_no_server_header(app):
    response = app.test_client().get("/login/")

    assert "Server" not in response.headers


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status, answer.headers.get_all("Server")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_all("Server")


def test_gunicorn_does_not_name_itself(app, database_url, tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
           "APP_ENV": "development", "EMBEDDED_SCHEDULER": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "run:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline, answer = time.monotonic() + 30, None
        while answer is None and time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read().decode()[-2000:]
            try:
                answer = _get(f"http://127.0.0.1:{port}/health")
            except OSError:
                time.sleep(0.3)
        status, servers = answer
        assert status == 200
        assert servers == ["web"]
        assert all("gunicorn" not in value.lower() for value in servers)
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_security_txt_says_where_to_report_a_vulnerability(make_app):
    app = make_app(SECURITY_CONTACT="securite@acme.example")

    response = app.test_client().get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "Contact: mailto:securite@acme.example" in lines
    assert any(line.startswith("Expires: 20") for line in lines)
