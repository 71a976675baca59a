"""Browser tests: a real gunicorn server on its own database, driven by Debian's Chromium
through Playwright's sync API.

The whole directory is skipped, with the reason printed by ``-ra``, when Chromium or the
playwright package is missing (each module calls ``pytest.skip(SKIP_REASON, …)``).

The server runs the release step first (``flask setup``: migrate, roles, seed, admin),
then FAB's ``flask fab create-user`` for an agent, exactly as an operator would. Its
database is a temporary SQLite file, or, when TEST_DATABASE_URL is set, a separate
``<db>_e2e`` PostgreSQL database (the integration tests of the same session own the
TEST_DATABASE_URL one).
"""

import re
from contextlib import contextmanager

import pytest

from tests.e2e import support

# Nothing here is a Playwright object at import time: the modules skip before using them.


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    def prepare(env):
        support.run_cli(["setup"], env)
        support.run_cli(["fab", "create-user", "--role", "Agent", "--username", support.AGENT[0],
                         "--firstname", "Agent", "--lastname", "Test",
                         "--email", "agent@example.org", "--password", support.AGENT[1]], env)

    with support.own_server(tmp_path_factory.mktemp("e2e"), "e2e", prepare) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)  # a loaded machine must not make the suite flaky
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(support.CHROMIUM),
                                             headless=True, args=support.CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


class BrowserErrors:
    """Console errors, uncaught exceptions, failed requests and 5xx answers of one page."""

    def __init__(self):
        self.items: list[str] = []

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.items.append(f"page error: {exc}"))
        page.on("response", self._response)
        page.on("requestfailed", self._request_failed)

    def _console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.items.append(f"console error: {message.text} ({where})")

    def _response(self, response) -> None:
        if response.status >= 500:
            self.items.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def _request_failed(self, request) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" not in failure:  # a navigation that replaced a pending request
            self.items.append(f"request failed: {request.method} {request.url} ({failure})")


LAPTOP = {"width": 1366, "height": 900}


@contextmanager
def pages_on(browser, server, request=None):
    """``make(viewport=LAPTOP, phone=False)`` opens a page of ``server`` in a fresh French
    browser context (its own cookies). On leaving, the test fails on any browser error or
    server traceback, and a failed test (``request``'s) leaves a screenshot of each page
    in test-results/."""
    contexts, pages = [], []
    errors = BrowserErrors()
    tracebacks_before = len(server.tracebacks())

    def make(viewport=None, phone=False):
        context = browser.new_context(base_url=server.url, locale="fr-FR",
                                      timezone_id="Europe/Paris", viewport=viewport or LAPTOP,
                                      is_mobile=phone, has_touch=phone)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        errors.watch(page)
        pages.append(page)
        return page

    yield make
    failed = getattr(request.node, "rep_call", None) if request is not None else None
    if failed is not None and failed.failed:
        from playwright.sync_api import Error as PlaywrightError

        support.RESULTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for n, page in enumerate(pages):
            try:
                page.screenshot(path=str(support.RESULTS / f"FAILED-{name}-{n}.png"),
                                full_page=True)
            except PlaywrightError as exc:  # best effort: the test has failed already
                print(f"no screenshot of the failed page {n}: {exc}")
    for context in contexts:
        context.close()
    new_tracebacks = server.tracebacks()[tracebacks_before:]
    problems = errors.items + [f"server traceback:{tb}" for tb in new_tracebacks]
    if problems:
        pytest.fail("browser or server errors:\n" + "\n".join(map(str, problems)),
                    pytrace=False)


@pytest.fixture
def new_page(browser, live_server, request):
    """``new_page()`` opens a page of the session's server (:func:`pages_on`)."""
    with pages_on(browser, live_server, request) as make:
        yield make


@pytest.fixture
def page(new_page):
    return new_page()


def pytest_terminal_summary(terminalreporter):
    ran_e2e = any("tests/e2e/" in report.nodeid
                  for reports in terminalreporter.stats.values() for report in reports
                  if hasattr(report, "nodeid"))
    stale = support.stale_catalogs()
    if ran_e2e and stale:
        terminalreporter.write_line(
            "e2e: compiled catalogs older than their .po (French text may be stale; run "
            f"`make translations`): {', '.join(stale)}", yellow=True)
