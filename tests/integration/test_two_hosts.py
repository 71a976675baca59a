"""Two application hosts on one PostgreSQL and one Redis, no shared disk: two gunicorn
processes with instance folders of their own (FILE_STORAGE=database), the login-limit
counters in Redis, and two schedulers. Both hosts are driven at once; nothing is lost,
duplicated or bound to the host that wrote it.

Skips, with the reason, where PostgreSQL (TEST_DATABASE_URL) or Redis does not answer.
"""

import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, select, text

from tests.e2e.support import (
    ADMIN,
    BIN,
    ROOT,
    create_postgres_database,
    run_cli,
    server_environment,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("TWO_HOSTS_REDIS_URL", "redis://127.0.0.1:6379/5")
# Two ports of their own (TWO_HOSTS_PORTS="5210,5211"), or free ones.
PORTS = [int(p) for p in os.environ.get("TWO_HOSTS_PORTS", "0,0").split(",")]
LOGIN_LIMIT = 12  # per minute and client address, counted across both hosts
PER_HOST = 10  # complaints created on each host at once
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _skip_reason():
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return "two hosts need PostgreSQL: set TEST_DATABASE_URL (CI's PostgreSQL run does)"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except ImportError:
        return "two hosts need the redis package (pip install -e '.[test]')"
    except Exception as exc:  # noqa: BLE001 - any failure to answer is the reason
        return f"two hosts need Redis at {REDIS_URL}: {exc}"
    return None


@pytest.fixture(scope="module")
def hosts(tmp_path_factory):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    url, drop = create_postgres_database(os.environ["TEST_DATABASE_URL"], "twohosts")
    servers, schedulers = [], []
    try:
        envs = []
        for name in ("a", "b"):
            env = server_environment(url, tmp_path_factory.mktemp(f"host_{name}") / "instance")
            env.update(FILE_STORAGE="database", RATELIMIT_STORAGE_URI=REDIS_URL,
                       AUTH_RATE_LIMIT=f"{LOGIN_LIMIT} per minute", LOGIN_LOCK_AFTER="0",
                       EXPORT_BACKGROUND_ROWS="0", SCHEDULER_EXPORTS_SECONDS="1",
                       SCHEDULER_INTAKE_SECONDS="2")
            envs.append(env)
        run_cli(["setup"], envs[0])
        for env, port in zip(envs, PORTS, strict=True):
            workdir = tmp_path_factory.mktemp("server")
            servers.append(start_server(env, workdir, port=port or None))
            log = open(workdir / "scheduler.log", "w")  # noqa: SIM115 - the child keeps it
            schedulers.append(subprocess.Popen(
                [str(BIN / "flask"), "--app", "run", "scheduler", "run"], cwd=ROOT, env=env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        engine = create_engine(url)
        yield servers, engine
        engine.dispose()
        for server in servers:
            assert server.tracebacks() == [], server.log_tail()
    finally:
        for process in schedulers:
            process.terminate()
            process.wait(timeout=15)
        for server in servers:
            stop_server(server)
        drop()


def browser(server):
    import requests

    session = requests.Session()
    page = session.get(f"{server.url}/login/", timeout=30)
    response = session.post(f"{server.url}/login/", timeout=30, allow_redirects=False, data={
        "username": ADMIN[0], "password": ADMIN[1],
        "csrf_token": CSRF.search(page.text).group(1)})
    assert response.status_code == 302, response.text[:500]
    session.base = server.url
    return session


def csrf_of(session, path):
    return CSRF.search(session.get(session.base + path, timeout=30).text).group(1)


def api_token(server):
    import requests

    response = requests.post(f"{server.url}/api/v1/security/login", timeout=30, json={
        "username": ADMIN[0], "password": ADMIN[1], "provider": "db"})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def create_complaint(server, token, n):
    import requests

    response = requests.post(f"{server.url}/api/v1/complaint/", timeout=60,
                             headers={"Authorization": f"Bearer {token}"},
                             json={"subject": f"Deux hôtes {server.url[-5:]} n°{n}",
                                   "complexity_id": 1})
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def wait_for(condition, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError("not done in time")


def test_two_hosts_share_everything(hosts):
    (a, b), engine = hosts
    tokens = {a.url: api_token(a), b.url: api_token(b)}

    # Both hosts create complaints at once: every one is there once, numbers unique.
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(lambda job: create_complaint(job[0], tokens[job[0].url], job[1]),
                            [(server, n) for n in range(PER_HOST) for server in (a, b)]))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, tracking_number FROM complaint")).all()
    assert sorted(ids) == sorted(r.id for r in rows)
    assert len({r.tracking_number for r in rows}) == len(rows) == 2 * PER_HOST

    # A file uploaded on each host is served by the other one.
    on_a, on_b = browser(a), browser(b)
    uploads = {}
    for session, pk in ((on_a, ids[0]), (on_b, ids[1])):
        data = f"pièce envoyée à {session.base} pour {pk}\n".encode() * 20
        response = session.post(f"{session.base}/complaints/{pk}/attachments", timeout=60,
                                data={"csrf_token": csrf_of(session, f"/complaints/show/{pk}")},
                                files={"files": ("piece.txt", data, "text/plain")})
        assert response.status_code == 200
        uploads[pk] = data
    with engine.connect() as conn:
        attached = dict(conn.execute(text(
            "SELECT complaint_id, id FROM attachment WHERE storage = 'database'")).all())
    assert set(attached) == set(uploads)
    for session, pk in ((on_b, ids[0]), (on_a, ids[1])):  # the other host
        got = session.get(f"{session.base}/complaints/{pk}/attachments/{attached[pk]}",
                          timeout=30)
        assert got.status_code == 200 and got.content == uploads[pk]

    # A background export asked on A, written by one of the schedulers, downloaded on B.
    response = on_a.post(f"{a.url}/complaints/export", timeout=60,
                         data={"csrf_token": csrf_of(on_a, "/complaints/list/")})
    assert response.status_code == 200
    job = wait_for(lambda: engine.connect().execute(text(
        "SELECT id, status, storage, total_rows FROM export_job")).all())
    assert len(job) == 1
    job_id = job[0].id
    done = wait_for(lambda: engine.connect().execute(text(
        "SELECT status, storage, rows_done FROM export_job WHERE id = :i AND status "
        "IN ('done', 'failed')"), {"i": job_id}).first())
    assert (done.status, done.storage, done.rows_done) == ("done", "database", 2 * PER_HOST)
    workbook = on_b.get(f"{b.url}/exports/{job_id}/download", timeout=60)
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"

    # Both schedulers ran, and what they did happened once.
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(text("export_job"))) == 1
        jobs = {r.name for r in conn.execute(text("SELECT name FROM job_run"))}
    assert {"exports", "outbox", "submissions"} <= jobs

    # The login limit counts across both hosts (Redis): alternate wrong passwords.
    import requests

    allowed = 0
    for attempt in range(2 * LOGIN_LIMIT + 2):
        server = (a, b)[attempt % 2]
        session = requests.Session()
        page = session.get(f"{server.url}/login/", timeout=30)
        response = session.post(f"{server.url}/login/", timeout=30, allow_redirects=False,
                                data={"username": "nobody", "password": "wrong",
                                      "csrf_token": CSRF.search(page.text).group(1)})
        if response.status_code == 429:
            break
        allowed += 1
    # The two browser sign-ins above count too: one limit for both hosts, not one each.
    assert allowed + 2 == LOGIN_LIMIT
