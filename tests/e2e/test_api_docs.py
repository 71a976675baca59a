"""Swagger UI (/swagger/v1) in a real browser documents the product's REST API: the
resources of issue [08] are listed, with their errors, under the Content-Security-Policy
with no violation or console error."""

import pytest

from tests.e2e.support import SKIP_REASON

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from tests.e2e.support import ADMIN, login  # noqa: E402
from tests.e2e.test_csp import RECORD_VIOLATIONS, violations, visit  # noqa: E402

pytestmark = pytest.mark.e2e


def test_swagger_documents_the_complaint_api(page):
    page.add_init_script(RECORD_VIOLATIONS)
    login(page, *ADMIN)

    visit(page, "/swagger/v1")

    ui = page.locator("#swagger-ui")
    for tag in ("Complaints", "Notes", "Reminders", "Clients", "Contracts",
                "Reference lists"):
        expect(ui.locator(f"#operations-tag-{tag.replace(' ', '_')}")).to_be_visible()
    transition = ui.locator("#operations-Complaints-post_api_v1_complaint__pk__transition")
    expect(transition).to_be_visible()
    transition.locator(".opblock-summary").click()
    responses = transition.locator(".responses-table")
    for code in ("200", "400", "401", "403", "404"):
        expect(responses.locator(f"tr[data-code='{code}']")).to_have_count(1)
    assert violations(page) == []
