"""The Content-Security-Policy in a real browser: the pages an admin uses, FAB's security
pages and Swagger UI load with no CSP violation, and their scripts (FAB's inline ones
carry the request's nonce) do run: Select2, FAB's delete confirmation, the chart,
Swagger's rendering. The ``new_page`` fixture also fails the test on any console error,
which is how Chromium reports a violation."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.support import SKIP_REASON

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from tests.e2e.support import ADMIN, login  # noqa: E402
from tests.e2e.test_journeys import _unique, fill_complaint_form  # noqa: E402

pytestmark = pytest.mark.e2e

# Recorded by the page itself: Playwright's init scripts run whatever the policy says.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
    window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                                + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def violations(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__cspViolations")


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    assert page.evaluate("typeof jQuery") == "function", url  # FAB's scripts ran
    assert violations(page) == [], url


def make_complaint(page) -> str:
    """A client and a complaint through the forms; returns the complaint page's path."""
    token = _unique()
    page.goto("/clients/list/")
    page.click("a[href^='/clients/add']")
    page.wait_for_url(re.compile(r"/clients/add"))
    page.fill("#customer_number", f"CSP-{token}")
    page.fill("#name", f"Client CSP {token}")
    page.select_option("#kind", "company")
    page.click("#model_form [type=submit]")
    page.wait_for_url(re.compile(r"/clients/show/\d+$"))  # the new client's page
    page.click("#add-complaint")
    page.wait_for_url(re.compile(r"/complaints/add\?client_id=\d+$"))
    subject = f"Subject CSP {token}"
    fill_complaint_form(page, subject, datetime.now(ZoneInfo("Europe/Paris")).replace(
        second=0, microsecond=0))
    page.wait_for_url(re.compile(r"/complaints/show/\d+$"))  # the new complaint's page
    return re.sub(r"^https?://[^/]+", "", page.url)


def test_login_page_has_no_csp_violation(page):
    page.add_init_script(RECORD_VIOLATIONS)

    visit(page, "/login/")
    page.click("#lang-en")  # the language switch is a POST form
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations(page) == []


def test_admin_pages_have_no_csp_violation(page):
    page.add_init_script(RECORD_VIOLATIONS)
    login(page, *ADMIN)
    complaint = make_complaint(page)
    pk = complaint.rsplit("/", 1)[1]

    for url in ("/dashboard/", "/complaints/list/", "/complaints/add", f"/complaints/edit/{pk}",
                complaint, "/clients/add", "/config/states/list/", "/users/list/",
                "/roles/list/"):
        visit(page, url)

    visit(page, "/dashboard/")
    assert page.evaluate("typeof Chart") == "function"  # the vendored chart library ran

    visit(page, "/complaints/add")  # Select2 turned the selects into its widgets
    expect(page.locator("#category + .select2-container")).to_have_count(1)

    visit(page, "/config/states/list/")  # FAB's inline (nonce) script wires the delete button
    page.locator("a[id^='btn-delete-']").first.click()
    expect(page.locator("#modal-confirm")).to_be_visible()
    page.locator("#modal-confirm [data-dismiss=modal]").first.click()
    expect(page.locator("#modal-confirm")).to_be_hidden()
    assert violations(page) == []


def test_swagger_ui_has_no_csp_violation(page):
    page.add_init_script(RECORD_VIOLATIONS)
    login(page, *ADMIN)

    visit(page, "/swagger/v1")

    expect(page.locator("#swagger-ui .information-container")).to_be_visible()
    page.locator("#swagger-ui .opblock-summary").first.click()  # expand an operation
    expect(page.locator("#swagger-ui .opblock-body").first).to_be_visible()
    assert violations(page) == []
