"""Duplicates in the browser: a second complaint with the same complainant email is
flagged after the add form, its page lists the first one, and "Merge into this one"
(confirmed in the browser's dialog) closes it and moves its note to the first."""

import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.support import SKIP_REASON

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from tests.e2e.support import ADMIN, login, select_option  # noqa: E402

pytestmark = pytest.mark.e2e


def add_complaint(page, subject: str, email: str) -> None:
    page.goto("/complaints/add")
    received = datetime.now(ZoneInfo("Europe/Paris")).replace(second=0, microsecond=0)
    page.fill("#received_at", received.strftime("%Y-%m-%d %H:%M"))
    select_option(page, "complexity", re.compile(r"Standard", re.I))
    select_option(page, "state", re.compile(r"^\s*(New|Nouve)", re.I))
    page.fill("#complainant_email", email)
    page.fill("#subject", subject)
    page.click("#model_form [type=submit]")
    page.wait_for_url(re.compile(r"/complaints/show/\d+$"))  # the new complaint's page


def test_a_duplicate_is_flagged_and_merged(page):
    token = str(time.time_ns())[-9:]
    email = f"double{token}@example.org"
    login(page, *ADMIN)
    add_complaint(page, f"Premier {token}", email)
    expect(page.locator("#duplicates-link")).to_have_count(0)
    add_complaint(page, f"Second {token}", email)

    page.click("#duplicates-link")  # the warning names the new complaint, linked
    page.wait_for_url(re.compile(r"/complaints/show/\d+#duplicates$"))
    duplicate_url = page.url.split("#")[0]
    panel = page.locator("#duplicates")
    expect(panel).to_be_visible()
    expect(panel.locator("tbody tr")).to_have_count(1)
    page.click("#tab-notes")
    page.fill("#note-body", f"Note du doublon {token}")
    page.click("#notes button[type=submit]")
    page.wait_for_url(re.compile(r"/complaints/show/\d+"))

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#duplicates .rec-merge")
    page.wait_for_url(lambda url: url.split("#")[0] != duplicate_url)
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".page-header h1")).to_contain_text(f"Premier {token}")
    page.click("#tab-notes")
    expect(page.locator("#notes")).to_contain_text(f"Note du doublon {token}")

    page.goto(duplicate_url)
    expect(page.locator("#merged-into")).to_be_visible()
    expect(page.locator("#duplicates")).to_have_count(0)
    expect(page.locator("#complaint-state")).to_contain_text(re.compile(r"Clôtur|Closed"))


def test_cancelling_the_dialog_merges_nothing(page):
    token = str(time.time_ns())[-9:]
    email = f"annule{token}@example.org"
    login(page, *ADMIN)
    add_complaint(page, f"Un {token}", email)
    add_complaint(page, f"Deux {token}", email)
    page.click("#duplicates-link")
    page.wait_for_url(re.compile(r"/complaints/show/\d+#duplicates$"))
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#duplicates .rec-merge")
    expect(page.locator("#duplicates")).to_be_visible()
    expect(page.locator("#merged-into")).to_have_count(0)
