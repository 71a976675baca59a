"""Shared pieces of the browser tests: why they would be skipped, the live server, and
small page helpers. Nothing here imports Playwright at module level, so the e2e directory
can be collected (and visibly skipped) on a machine without it."""

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # Without these Chromium keeps calling home, which floods a closed network.
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
RESULTS = ROOT / "test-results"
# axe-core, the accessibility engine injected into pages: package.json, `npm ci`.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_SERIOUS = ("serious", "critical")

ADMIN = ("admin", "Admin-e2e-pass-123")
AGENT = ("agent", "Agent-e2e-pass-123")

HEALTH_TIMEOUT_S = 30
TRACKING_RE = re.compile(r"^[A-Z]+-\d{4}-\d{6}$")


def skip_reason() -> str | None:
    """Why the e2e tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"e2e: {CHROMIUM} is missing (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "e2e: the playwright Python package is missing (pip install -e '.[test]')"
    for tool in ("flask", "gunicorn"):
        if not (BIN / tool).exists():
            return f"e2e: {BIN / tool} is missing (make install)"
    return None


SKIP_REASON = skip_reason()
AXE_SKIP_REASON = (None if AXE.exists() else
                   f"e2e: axe-core is missing ({AXE.relative_to(ROOT)}): run `npm ci` "
                   "(make install-test does when npm is installed)")


def stale_catalogs() -> list[str]:
    """Compiled catalogs older than their sources: the server would show stale text."""
    stale = []
    for po in sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(str(mo.relative_to(ROOT)))
    return stale


# --- the live server ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_cli(args: list[str], env: dict, timeout: int = 120) -> str:
    """Run ``flask --app run …`` and return its output; fail loudly with it on error."""
    result = subprocess.run([str(BIN / "flask"), "--app", "run", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"`flask {' '.join(args[:2])}` failed ({result.returncode}):\n"
                           f"{result.stdout}\n{result.stderr}")
    return result.stdout


@dataclass
class LiveServer:
    url: str
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def tracebacks(self) -> list[str]:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return [block for block in text.split("Traceback (most recent call last):")[1:]]


def start_server(env: dict, workdir: Path, config: str | None = None,
                 port: int | None = None) -> LiveServer:
    """gunicorn on ``port`` (default: a free one); with ``config`` (``gunicorn.conf.py``),
    the settings `make run` uses (its request-line limit, its Server header)."""
    port = port or free_port()
    log_path = workdir / "gunicorn.log"
    settings = ["--config", str(ROOT / config)] if config else []
    with open(log_path, "w") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), *settings, "--bind", f"127.0.0.1:{port}", "--workers",
             "1", "--threads", "4", "--timeout", "60", "--access-logfile", "-", "run:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = LiveServer(f"http://127.0.0.1:{port}", log_path, process)
    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/health", timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop_server(server)
            raise RuntimeError(f"/health did not answer 200 within {HEALTH_TIMEOUT_S} s:\n"
                               f"{server.log_tail()}")
        time.sleep(0.2)


def stop_server(server: LiveServer) -> None:
    process = server.process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --- databases ---------------------------------------------------------------------------


def _sqlalchemy_url(url: str) -> str:
    for bare in ("postgres://", "postgresql://"):
        if url.startswith(bare):
            return "postgresql+psycopg://" + url[len(bare):]
    return url


def create_postgres_database(test_url: str, suffix: str = "e2e") -> tuple[str, object]:
    """A fresh ``<db>_<suffix>`` database next to TEST_DATABASE_URL's (which the
    integration tests of the same session own). Returns its URL and a function that
    drops it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(_sqlalchemy_url(test_url))
    e2e = base.set(database=f"{base.database}_{suffix}")
    engine = create_engine(base, isolation_level="AUTOCOMMIT")

    def recreate(create: bool) -> None:
        with engine.connect() as conn:
            name = conn.dialect.identifier_preparer.quote(e2e.database)
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            if create:
                conn.execute(text(f"CREATE DATABASE {name}"))

    recreate(create=True)

    def drop() -> None:
        try:
            recreate(create=False)
        finally:
            engine.dispose()

    return e2e.render_as_string(hide_password=False), drop


@contextmanager
def own_server(workdir: Path, suffix: str, prepare, config: str | None = None):
    """A live server on a database of its own (SQLite in ``workdir``, or a ``<db>_<suffix>``
    PostgreSQL database beside TEST_DATABASE_URL's), after ``prepare(env)`` has run the
    release step and whatever the tests need; stopped and dropped at the end."""
    drop_database = None
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if test_url.startswith("postgres"):
        database_url, drop_database = create_postgres_database(test_url, suffix)
    else:
        database_url = f"sqlite:///{workdir / f'{suffix}.db'}"
    env = server_environment(database_url, workdir / "instance")
    server = None
    try:
        prepare(env)
        server = start_server(env, workdir, config=config)
        yield server
    finally:
        if server is not None:
            stop_server(server)
        if drop_database is not None:
            drop_database()


def server_environment(database_url: str, instance: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DEMO", "TRACKING_PREFIX", "ADMIN_USERNAME", "ADMIN_EMAIL",
                        "SESSION_COOKIE_SECURE", "FILE_STORAGE", "MAIL_SERVER"}}
    env.update(
        APP_ENV="development",  # plain HTTP cookies; production wants HTTPS
        DATABASE_URL=database_url,
        INSTANCE_PATH=str(instance),
        ADMIN_USERNAME=ADMIN[0],
        ADMIN_PASSWORD=ADMIN[1],
        SECRET_KEY="e2e-secret-key-not-for-production",
        PYTHONUNBUFFERED="1",
    )
    return env


def demo_environment(workdir: Path) -> dict:
    """A server of its own on a SQLite file in ``workdir``: the portal's rate limit raised
    (a test, or the screenshots, post more than ten forms a minute)."""
    env = server_environment(f"sqlite:///{workdir / 'demo.db'}", workdir / "instance")
    env["PUBLIC_RATE_LIMIT"] = "1000 per minute"
    return env


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# --- page helpers (take a Playwright Page) -----------------------------------------------


def login(page, username: str, password: str) -> None:
    page.goto("/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form[name=login] [type=submit]")
    page.wait_for_url(lambda url: "/login/" not in url)


def set_language(page, code: str) -> None:
    """Switch with the navbar link, as a user would (no-op if already current)."""
    from playwright.sync_api import expect

    if page.locator("html").get_attribute("lang") != code:
        page.click(f"#lang-{code}")
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator(f"#lang-{'en' if code == 'fr' else 'fr'}")).to_be_visible()
    page.wait_for_load_state()


def either(*labels: str) -> re.Pattern:
    """A whole-text match of any of ``labels`` (English, or French once translated)."""
    return re.compile(r"^\s*(" + "|".join(re.escape(label) for label in labels) + r")\s*$")


def select_option(page, field_id: str, label: re.Pattern) -> str:
    """Pick an option of a FAB Select2 field through its underlying <select>, which
    Select2 mirrors; returns the option's text."""
    from playwright.sync_api import expect

    option = page.locator(f"select#{field_id} option").filter(has_text=label).first
    text = option.inner_text().strip()
    page.select_option(f"select#{field_id}", value=option.get_attribute("value"))
    expect(page.locator(f"#select2-{field_id}-container")).to_contain_text(text)
    return text


def select2_choose(page, field_id: str, label: re.Pattern) -> str:
    """Pick an option by driving Select2's own UI: open the dropdown, click the option."""
    from playwright.sync_api import expect

    page.click(f"select#{field_id} + .select2-container .select2-selection__arrow")
    option = page.locator(".select2-container--open .select2-results__option").filter(
        has_text=label).first
    text = option.inner_text().strip()
    option.click()
    expect(page.locator(".select2-container--open")).to_have_count(0)
    expect(page.locator(f"#select2-{field_id}-container")).to_contain_text(text)
    return text


def open_menu(page, icon: str) -> None:
    """Open the navbar dropdown whose toggle shows ``icon`` (labels depend on language)."""
    page.click(f".navbar-nav > li.dropdown > a.dropdown-toggle:has(i.{icon})")


def menu_toggle(page, icon: str):
    return page.locator(f".navbar-nav > li.dropdown > a.dropdown-toggle:has(i.{icon})")


# --- signed portal links, for the pages only an email reaches ---------------------------

_PORTAL_LINKS = """
import json
from sqlalchemy import select
from app.domain import satisfaction as rules
from app.extensions import db
from app.models import Complaint, SatisfactionSurvey
from app.services import links
from app.services.clock import utcnow
from run import app

with app.app_context():
    session = db.session
    complaint = session.scalars(select(Complaint).where(
        Complaint.complainant_email.is_not(None), Complaint.merged_into_id.is_(None),
        Complaint.anonymised_at.is_(None), Complaint.confidential.is_(False))
        .order_by(Complaint.id)).first()
    now = utcnow().replace(microsecond=0)
    token, digest = rules.new_token()
    session.add(SatisfactionSurvey(complaint_id=complaint.id, closed_at=now,
                                   token_hash=digest, sent_at=now,
                                   expires_at=rules.expires_at(now, 30)))
    session.commit()
    secret = app.config["SECRET_KEY"]
    print(json.dumps({
        "number": complaint.tracking_number,
        "email": complaint.complainant_email,
        "track": "/public/track/" + links.track_token(secret, complaint),
        "requests": "/public/requests/" + links.requests_token(
            secret, complaint.complainant_email),
        "survey": "/public/survey/" + token,
    }))
"""


def portal_links(env: dict) -> dict:
    """Signed paths to the tracking page, the "my requests" list and a satisfaction survey
    of the first complaint with an address (a survey is made for it), as the emails give
    them. The database must hold such a complaint (``flask demo load``)."""
    import json

    result = subprocess.run([str(BIN / "python"), "-c", _PORTAL_LINKS], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"portal links failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- axe-core ----------------------------------------------------------------------------


def axe_violations(page, impacts=AXE_SERIOUS) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules and best practices) over the page as it
    stands; its violations of the given impacts. The script is evaluated through the
    DevTools protocol, so the page's Content-Security-Policy stays as it is."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    violations = page.evaluate("""async () => {
        const results = await axe.run(document, {resultTypes: ["violations"]});
        return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(" "),
                                      summary: n.failureSummary}))}));
    }""")
    return [v for v in violations if v["impact"] in impacts]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} element(s))")
        for node in v["nodes"][:5]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary[:240]}")
    return "\n".join(lines)
