"""The satisfaction survey end to end: staff close a complaint in the browser → the survey
email arrives on a real SMTP server → the complainant clicks "not satisfied" → the page
records it by itself (its own POST) → they add a rating and a comment → staff read the
answer on the complaint page."""

import re
import time

import pytest

from tests.e2e.support import SKIP_REASON

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from tests.e2e import support  # noqa: E402
from tests.e2e.test_portal import mailbox, open_page, portal_server  # noqa: E402, F401

pytestmark = pytest.mark.e2e


def test_the_complainant_answers_the_survey_in_one_click(open_page, mailbox):  # noqa: F811
    email = f"paul.{int(time.time() * 1000)}@example.org"
    page = open_page()
    page.goto("/public/complaint")
    page.fill("#f-name", "Paul Durand")
    page.fill("#f-email", email)
    page.fill("#f-description", "Coupure d'eau depuis hier.")
    page.check("#f-consent")
    page.click("#submit-complaint")
    number = page.locator("#tracking-number").inner_text().strip()

    admin = open_page()
    support.login(admin, *support.ADMIN)
    admin.goto("/complaints/list/")
    admin.locator("tr", has_text=number).locator("a[href*='/complaints/show/']").first.click()
    for code in ("in_progress", "answered", "closed"):
        admin.click(f"button.rec-transition[data-state='{code}']")
        expect(admin.locator("#complaint-state")).not_to_have_text("")
    expect(admin.locator("#satisfaction")).to_contain_text("Enquête envoyée")

    mail = mailbox.wait_for(email, "satisfait")
    text = mail.get_body(("plain",)).get_content()
    link = re.search(r"(http://\S+/public/survey/\S+\?answer=no)", text).group(1)
    reader = open_page()
    reader.goto(link)
    expect(reader.locator("#survey-saved")).to_be_visible()  # posted by the page itself
    expect(reader.locator("#answer-no")).to_be_checked()
    reader.check("#rating-2")
    reader.fill("#f-comment", "Trop d'attente au téléphone.")
    reader.click("#survey-send")
    expect(reader.locator("#survey-saved")).to_be_visible()
    expect(reader.locator("#rating-2")).to_be_checked()

    admin.reload()
    expect(admin.locator("#satisfaction-value")).to_have_text("Non satisfait")
    expect(admin.locator("#satisfaction")).to_contain_text("2/5")
    expect(admin.locator("#satisfaction")).to_contain_text("Trop d'attente au téléphone.")
