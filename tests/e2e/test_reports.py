"""Done-when of issue [06] in a real browser: from the menu, last quarter's on-time rate
by agency as a table, a chart and an Excel workbook that opens with its typed cells."""

import pytest

from tests.e2e.support import SKIP_REASON

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from openpyxl import load_workbook  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests.e2e.support import ADMIN, login  # noqa: E402

pytestmark = pytest.mark.e2e


def test_last_quarter_by_agency_in_a_few_clicks(page, tmp_path):
    login(page, *ADMIN)
    page.click(".navbar-nav a:has(i.fa-chart-bar)")
    expect(page.locator("h1")).to_have_text("Rapports")
    page.click("#preset-quarter-previous")  # "Le trimestre dernier", by agency by default
    expect(page.locator("#period")).to_have_value("quarter")
    expect(page.locator("#which")).to_have_value("previous")
    expect(page.locator("#group")).to_have_value("agency")
    expect(page.locator("#report-table th").first).to_have_text("Agence")
    expect(page.locator("#report-table tr.rec-total td").first).to_have_text("Total")
    # The chart script ran under the page's CSP (a wait_for_function would need eval).
    expect(page.locator("#report-chart")).to_have_attribute("data-drawn", "1")

    with page.expect_download() as download_info:
        page.click("#report-export")
    download = download_info.value
    assert download.suggested_filename.startswith("rapport-agency-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:6] == [
        "Agence", "Reçues sur la période", "Répondues sur la période", "Encore ouvertes",
        "Répondues dans les délais", "Taux dans les délais"]
    assert sheet.freeze_panes == "A2"
    period = book.worksheets[1]
    assert period.cell(row=2, column=2).is_date
