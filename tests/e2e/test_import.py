"""Done-when of issue 27 in a real browser: an admin imports 50 complaints in French from
an .xlsx and sees them in the list and in last year's report."""

import io
from datetime import date

import pytest

from tests.e2e.support import SKIP_REASON

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from openpyxl import Workbook  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests.e2e.support import ADMIN, login  # noqa: E402

pytestmark = pytest.mark.e2e


def workbook(year: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Date de réception", "Objet", "Catégorie", "État", "Date de réponse",
                  "Date de clôture"])
    for i in range(50):
        month, day = 1 + i % 12, 1 + i % 27
        sheet.append([f"{day:02d}/{month:02d}/{year} 09:30", f"Historique importé {i:02d}",
                      "Facturation" if i % 2 else "Technique", "Clôturé",
                      f"{day:02d}/{month:02d}/{year} 15:00",
                      f"{day:02d}/{month:02d}/{year} 16:00"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_admin_imports_fifty_complaints_and_finds_them(page, tmp_path):
    last_year = date.today().year - 1
    path = tmp_path / "historique.xlsx"
    path.write_bytes(workbook(last_year))
    login(page, *ADMIN)
    page.goto("/config/import/")
    expect(page.locator("h1")).to_have_text("Import")
    page.select_option("#kind", "complaints")
    page.set_input_files("#file", str(path))
    page.click("#import-upload [type=submit]")
    expect(page.locator("#col-0")).to_have_value("received_at")
    expect(page.locator("#col-3")).to_have_value("state")
    page.click("#dry-run")
    expect(page.locator("#import-report")).to_contain_text(
        "50 lignes\u00a0: 50 à créer, 0 à mettre à jour, 0 refusées")
    expect(page.locator("#import-preview tbody tr")).to_have_count(10)
    page.click("#import-run [type=submit]")
    expect(page.locator(".alert")).to_contain_text("Import terminé\u00a0: 50 créées")

    page.goto("/complaints/list/?_flt_0_subject=Historique+importé")
    expect(page.locator("body")).to_contain_text("Historique importé 23")  # the newest

    page.goto("/reports/")
    page.click("#preset-year-previous")
    page.select_option("#group", "category")
    total = page.locator("#report-table tr.rec-total td")
    expect(total.nth(1)).to_have_text("50")
