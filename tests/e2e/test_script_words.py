"""What FAB's scripts and Select2 write on screen reads in the reader's language: the
dropdown of a searched select ("Aucun résultat", not "No results found"), FAB's alert
when a list action is run with no row selected ("No row selected"), and the calendar of
FAB's date fields (bootstrap-datepicker knows only English)."""

import re
import uuid
from datetime import date

import pytest

from tests.e2e.support import SKIP_REASON

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from babel.dates import format_date  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests.e2e.support import ADMIN, login, set_language  # noqa: E402

pytestmark = pytest.mark.e2e

WORDS = {
    "fr": ("Aucun résultat", "Sélectionnez d'abord au moins une ligne.", "lu"),
    "en": ("No results", "Select at least one row first.", "Mo"),
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_select2_and_fab_alerts_speak_the_readers_language(new_page, language):
    no_results, no_row, monday = WORDS[language]
    page = new_page()
    login(page, *ADMIN)
    set_language(page, language)

    page.goto("/complaints/add")
    page.click("select#client + .select2-container .select2-selection")
    page.locator(".select2-container--open .select2-search__field").fill(
        f"zz-{uuid.uuid4().hex}")
    message = page.locator(".select2-container--open .select2-results__message")
    expect(message).to_have_text(no_results)
    page.keyboard.press("Escape")

    # FAB's multiple-row action with nothing ticked (the outbox's "retry").
    page.goto("/outbox/list/")
    page.evaluate("new AdminActions().execute_multiple('retry', '')")
    expect(page.locator("#modal-alert .modal-text")).to_have_text(re.compile(re.escape(no_row)))

    # A date field of FAB's (a holiday's day): the calendar's month and week days.
    page.goto("/config/holidays/add")
    page.click("input#day")
    calendar = page.locator(".datepicker-days")
    expect(calendar).to_be_visible()
    month = format_date(date.today(), "LLLL yyyy", locale=language)
    expect(calendar.locator(".datepicker-switch")).to_have_text(month)
    expect(calendar.locator("th.dow").first).to_have_text(monday)
