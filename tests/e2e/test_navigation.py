"""Navigation that follows the work, in a real browser: a new complaint opens its page
with its number, a deletion returns to the list it came from, a row opens its complaint,
and at 1366×768 a list of 25 complaints keeps each tracking number, date and state on
one line."""

import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.support import SKIP_REASON

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from tests.e2e.support import ADMIN, TRACKING_RE, login, set_language  # noqa: E402
from tests.e2e.test_journeys import fill_complaint_form  # noqa: E402

pytestmark = pytest.mark.e2e

PARIS = ZoneInfo("Europe/Paris")
SHOW = re.compile(r"/complaints/show/\d+$")


def _token() -> str:
    return str(time.time_ns())[-9:]


def _add_complaint(page, subject: str) -> str:
    """Through the add form; the browser lands on the new complaint: its tracking number."""
    page.goto("/complaints/add")
    fill_complaint_form(page, subject, datetime.now(PARIS).replace(second=0, microsecond=0))
    page.wait_for_url(SHOW)
    tracking = page.locator(".page-header h1").inner_text().split()[0]
    assert TRACKING_RE.match(tracking), tracking
    return tracking


def test_a_new_complaint_opens_its_page_and_a_deletion_returns_to_the_list(page):
    token = _token()
    login(page, *ADMIN)
    set_language(page, "fr")
    subject = f"Navigation {token}"
    tracking = _add_complaint(page, subject)
    expect(page.locator(".alert-success")).to_contain_text(
        f"Réclamation {tracking} enregistrée")
    expect(page.locator(".page-header h1")).to_contain_text(subject)

    # From a filtered list, a click on the row (not on a link) opens the complaint.
    the_list = f"/complaints/list/?_flt_0_tracking_number={tracking}"
    page.goto(the_list)
    row = page.locator("table tbody tr", has_text=tracking)
    expect(row).to_have_count(1)
    expect(row.locator(f"a.rec-row-link:text-is('{tracking}')")).to_have_count(1)
    row.get_by_text(subject).click()
    page.wait_for_url(SHOW)
    expect(page.locator(".page-header h1")).to_contain_text(tracking)

    # Deleted: back on that very list, with the complaint's number.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#delete-complaint")
    page.wait_for_url(re.compile(re.escape(the_list) + "$"))
    expect(page.locator(".alert-success")).to_contain_text(f"Réclamation {tracking} supprimée")
    expect(page.locator("body")).not_to_contain_text("Not Found")
    expect(page.locator("table tbody tr", has_text=subject)).to_have_count(0)


def test_the_tracking_number_link_opens_the_complaint_with_the_keyboard(page):
    token = _token()
    login(page, *ADMIN)
    tracking = _add_complaint(page, f"Clavier {token}")
    page.goto(f"/complaints/list/?_flt_0_tracking_number={tracking}")
    link = page.locator("a.rec-row-link", has_text=tracking)
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(SHOW)
    expect(page.locator(".page-header h1")).to_contain_text(tracking)


def _api_token(page) -> str:
    response = page.request.post("/api/v1/security/login", data={
        "username": ADMIN[0], "password": ADMIN[1], "provider": "db"})
    assert response.ok, response.text()
    return response.json()["access_token"]


def _make_complaints(page, count: int, token: str) -> None:
    """``count`` complaints through the REST API, received in 2024, with long subjects
    that compete for the list's width."""
    page.goto("/complaints/add")
    complexity = page.locator("select#complexity option").filter(
        has_text=re.compile("Standard", re.I)).first.get_attribute("value")
    headers = {"Authorization": f"Bearer {_api_token(page)}"}
    for n in range(count):
        response = page.request.post("/api/v1/complaint/", headers=headers, data={
            "complexity_id": int(complexity),
            # Received long ago: the other tests' newest-first lists keep their rows.
            "received_at": f"2024-03-{n + 1:02d}T09:30:00Z",
            "subject": f"Largeur {token} {n} : facture de régularisation contestée par "
                       "le client après relève du compteur d'eau en fin de trimestre"})
        assert response.status == 201, response.text()


def test_a_list_of_25_fits_a_1366x768_screen_without_wrapping(page):
    token = _token()
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, *ADMIN)
    set_language(page, "fr")
    _make_complaints(page, 25, token)
    page.goto("/complaints/list/?psize_ComplaintView=25"
              "&_oc_ComplaintView=received_at&_od_ComplaintView=asc")  # those, oldest first
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(25)
    # Each tracking number, date and state: one line box (an inline element wrapped over
    # several lines has several client rectangles), as high as one line of text.
    heights = page.evaluate("""() => {
        const cells = [...document.querySelectorAll('table tbody tr .rec-nowrap')];
        return cells.map(el => {
            const style = getComputedStyle(el);
            const line = parseFloat(style.lineHeight) || 1.5 * parseFloat(style.fontSize);
            return {text: el.textContent, rects: el.getClientRects().length,
                    height: el.getBoundingClientRect().height, line: line};
        });
    }""")
    assert len(heights) >= 25 * 4  # tracking number, received, state, deadline
    wrapped = [h for h in heights if h["rects"] > 1 or h["height"] > 1.5 * h["line"]]
    assert not wrapped, wrapped[:5]
    # And the list fits the screen's width: no sideways scrolling.
    widths = page.evaluate("""() => ({page: document.documentElement.scrollWidth,
                                      screen: window.innerWidth,
                                      table: document.querySelector('.table-responsive')
                                             .scrollWidth,
                                      box: document.querySelector('.table-responsive')
                                             .clientWidth})""")
    assert widths["page"] <= widths["screen"], widths
    assert widths["table"] <= widths["box"], widths


def test_a_clients_complaint_unfolds_in_place(page):
    token = _token()
    login(page, *ADMIN)
    set_language(page, "fr")
    page.goto("/clients/add")
    page.fill("#customer_number", f"NAV-{token}")
    page.fill("#name", f"Client dépliant {token}")
    page.click("#model_form [type=submit]")
    page.wait_for_url(re.compile(r"/clients/show/\d+$"))  # the new client's page
    client_url = page.url
    page.click("#add-complaint")
    page.wait_for_url(re.compile(r"/complaints/add\?client_id=\d+$"))
    subject = f"Dépliée {token}"
    fill_complaint_form(page, subject, datetime.now(PARIS).replace(second=0, microsecond=0))
    page.wait_for_url(SHOW)
    complaint_id = page.url.rsplit("/", 1)[-1]
    page.click("#back-to-list")  # back to the client's page it was added from
    page.wait_for_url(client_url)

    details = page.locator(f"#details-{complaint_id}")
    expect(details).to_be_hidden()
    page.locator("tr.rec-unfold", has_text=subject).get_by_text(subject).click()
    expect(details).to_be_visible()
    expect(details.locator(f"#edit-{complaint_id}")).to_be_visible()
    expect(details.locator(f"#delete-{complaint_id}")).to_be_visible()
    expect(details.locator(f"#documents-{complaint_id}")).to_be_visible()
    expect(details.locator(f"#letter-template-{complaint_id}")).to_be_visible()
    toggle = page.locator(f"#toggle-{complaint_id}")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.focus()
    page.keyboard.press("Enter")  # folds it again, from the keyboard
    expect(details).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # Deleted from the unfolded row: back on the client's page.
    page.keyboard.press("Enter")
    page.once("dialog", lambda dialog: dialog.accept())
    details.locator(f"#delete-{complaint_id}").click()
    page.wait_for_url(client_url)
    expect(page.locator(".alert-success")).to_contain_text("supprimée")
    expect(page.locator(f"#details-{complaint_id}")).to_have_count(0)
