"""Accessibility, measured: axe-core (the npm package of package.json, installed by
``make install-test``) runs in Debian's Chromium over the public portal at a phone's width
and over the main back-office pages at an office laptop's, in French and in English, and
finds no serious or critical violation (none at all on the back-office pages). The portal
also works at 375 px without horizontal scrolling, ties every field to a visible label and
its error, summarises the errors at the top, and can be completed with the keyboard alone.

The server is one of this module's own, with demo data (clients, complaints, their
histories) so that every page shows what staff really see.
"""

import re

import pytest

from tests.e2e.support import AXE_SKIP_REASON, SKIP_REASON

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)
if AXE_SKIP_REASON:
    pytest.skip(AXE_SKIP_REASON, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from tests.e2e import support  # noqa: E402
from tests.e2e.conftest import pages_on  # noqa: E402

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
LANGUAGES = ("fr", "en")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e-a11y")
    env = support.demo_environment(workdir)
    support.run_cli(["setup"], env)
    support.run_cli(["demo", "load", "--clients", "12", "--complaints", "40"], env)
    links = support.portal_links(env)
    server = support.start_server(env, workdir)
    server.links = links
    yield server
    support.stop_server(server)


@pytest.fixture
def open_page(browser, demo_server, request):
    """``open_page(viewport)``: a page of a fresh context (:func:`pages_on`)."""
    with pages_on(browser, demo_server, request) as make:
        yield lambda viewport=LAPTOP: make(viewport, phone=viewport == PHONE)


def assert_accessible(page, what: str, impacts=support.AXE_SERIOUS) -> None:
    violations = support.axe_violations(page, impacts)
    language = page.locator("html").get_attribute("lang")
    assert not violations, (f"{what} ({page.url}, lang={language}):\n"
                            + support.describe_violations(violations))


def assert_fits_the_width(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways at {widths[1]} px: {widths}"


def portal_language(page, code: str) -> None:
    if page.locator("html").get_attribute("lang") != code:
        page.click(f"#switch-{code}")
    expect(page.locator("html")).to_have_attribute("lang", code)


def submit_minimal_complaint(page) -> None:
    page.goto("/public/complaint")
    page.fill("#f-name", "Inès Lefèvre")
    page.fill("#f-email", "ines.lefevre@example.org")
    page.fill("#f-description", "Mon compteur affiche une consommation impossible.")
    page.check("#f-consent")
    page.click("#submit-complaint")
    expect(page.locator("#tracking-number")).to_have_text(support.TRACKING_RE)


# --- the public portal, on a phone ---------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_portal_pages_have_no_serious_violation_and_fit_a_phone(open_page, demo_server,
                                                                  language):
    links = demo_server.links
    page = open_page(PHONE)
    page.goto("/public/complaint")
    portal_language(page, language)
    checked = []

    def check(what):
        page.wait_for_load_state()
        assert_accessible(page, what)
        assert_fits_the_width(page)
        checked.append(what)

    check("the complaint form")
    page.click("#submit-complaint")
    expect(page.locator("#form-problem")).to_be_visible()
    check("the complaint form with its errors")
    submit_minimal_complaint(page)
    check("the confirmation")
    page.goto("/public/track")
    check("the tracking form")
    page.fill("#f-tracking_number", "REC-1999-000001")
    page.fill("#f-email", "nobody@example.org")
    page.locator("#track-form [type=submit]").click()
    expect(page.locator("#track-problem")).to_be_visible()
    check("the tracking form refused")
    page.goto(links["track"])
    check("the tracking page and its replies")
    page.click("#send-reply")  # an empty message: refused with the reason
    expect(page.locator("#reply-problem")).to_be_visible()
    check("the tracking page with a refused reply")
    page.goto("/public/requests")
    check("the 'my requests' form")
    page.goto(links["requests"])
    expect(page.locator("#my-requests")).to_contain_text(links["number"])
    check("the list of my requests")
    page.goto(links["survey"])
    check("the satisfaction survey")
    page.click("#survey-send")  # no choice: refused with the reason
    expect(page.locator("#survey-problem")).to_be_visible()
    check("the satisfaction survey refused")
    assert len(checked) == 11


def test_every_portal_field_has_a_visible_label_tied_to_it(open_page, demo_server):
    page = open_page(PHONE)
    for path in ("/public/complaint", "/public/track", "/public/requests",
                 demo_server.links["track"], demo_server.links["survey"]):
        page.goto(path)
        fields = page.locator("main input:not([type=hidden]), main select, main textarea")
        assert fields.count() > 0
        for n in range(fields.count()):
            field = fields.nth(n)
            if field.get_attribute("tabindex") == "-1":  # the honeypot, hidden from people
                expect(field.locator("xpath=ancestor::*[@aria-hidden='true']")).to_have_count(1)
                continue
            field_id = field.get_attribute("id")
            kind = field.get_attribute("type")
            if kind in ("radio", "checkbox"):
                label = field.locator("xpath=ancestor::label")
            else:
                label = page.locator(f"label[for='{field_id}']")
            expect(label).to_have_count(1)
            expect(label).to_be_visible()
            assert label.inner_text().strip(), f"{path}: #{field_id} has an empty label"


def test_portal_errors_are_announced_next_to_their_field_and_summarised(open_page):
    page = open_page(PHONE)
    page.goto("/public/complaint")
    page.fill("#f-email", "not an address")
    page.click("#submit-complaint")
    summary = page.locator("#form-problem")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()  # the keyboard and a screen reader start there
    expect(page).to_have_title(re.compile(r"^Erreur"))
    for name in ("name", "email", "description", "consent"):
        field = page.locator(f"#f-{name}")
        expect(field).to_have_attribute("aria-invalid", "true")
        error = page.locator(f"#f-{name}-error")
        expect(error).to_be_visible()
        assert f"f-{name}-error" in field.get_attribute("aria-describedby").split()
        link = summary.locator(f"a[href='#f-{name}']")
        expect(link).to_contain_text(error.inner_text().strip())
    expect(page.locator("#f-email-error")).to_contain_text("n'est pas valide")
    expect(page.locator("#f-phone")).not_to_have_attribute("aria-invalid", "true")
    # Help texts stay tied to their field, after the error.
    expect(page.locator("#f-customer_number")).to_have_attribute("aria-describedby",
                                                                 "f-customer_number-help")
    # A link of the summary takes the focus to its field.
    summary.locator("a[href='#f-description']").click()
    expect(page.locator("#f-description")).to_be_focused()


def test_the_portal_form_is_completed_with_the_keyboard_alone(open_page):
    page = open_page(PHONE)
    page.goto("/public/complaint")
    keys = page.keyboard

    def tab_to(selector, limit=40):
        for _ in range(limit):
            keys.press("Tab")
            if page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    # The first Tab reaches the link that skips the menu.
    keys.press("Tab")
    expect(page.locator(".rec-skip")).to_be_focused()
    expect(page.locator(".rec-skip")).to_be_visible()
    tab_to("#f-name")
    keys.type("Karim Benali")
    tab_to("#f-description")
    keys.type("Deux prélèvements pour la même facture.")
    tab_to("#submit-complaint")
    keys.press("Enter")  # no address, no consent: refused, the focus on the summary
    expect(page.locator("#form-problem")).to_be_focused()
    tab_to("#form-problem a[href='#f-email']")
    keys.press("Enter")
    expect(page.locator("#f-email")).to_be_focused()
    keys.type("karim.benali@example.org")
    tab_to("#f-category")
    keys.press("ArrowDown")  # the first category
    tab_to("#f-consent")
    keys.press("Space")
    expect(page.locator("#f-consent")).to_be_checked()
    tab_to("#submit-complaint")
    keys.press("Enter")
    expect(page.locator("#tracking-number")).to_have_text(support.TRACKING_RE)
    tab_to("#follow-link")
    keys.press("Enter")
    expect(page.locator("#public-state")).to_be_visible()
    tab_to("#f-body")
    keys.type("Voici ma facture.")
    tab_to("#send-reply")
    keys.press("Enter")
    expect(page.locator("#reply-sent")).to_be_visible()
    expect(page.locator("[data-direction=in] .rec-body").last).to_have_text("Voici ma facture.")


# --- the back-office, on an office laptop -------------------------------------------------

BACK_OFFICE = (
    ("the dashboard", "/dashboard/"),
    ("the complaint list", "/complaints/list/"),
    ("a complaint's page", "complaint"),
    ("a client's page", "client"),
    ("the reports", "/reports/"),
    ("the complaint add form", "/complaints/add"),
    ("the deadline rules", "/config/deadline-rules/list/"),
    ("the roles, with their checkboxes", "/roles/list/"),
    ("a role's form, a multiple choice", "/roles/edit/1"),
    ("the outbox", "/outbox/list/"),
    ("the search results", "/search/?q=facture"),
)
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


@pytest.mark.parametrize("language", LANGUAGES)
def test_back_office_pages_have_no_violation_at_all(open_page, language):
    """Not even a moderate or minor one: each page has its <h1> and headings in order,
    no empty column header, every checkbox named."""
    page = open_page(LAPTOP)
    support.login(page, *support.ADMIN)
    support.set_language(page, language)
    page.goto("/complaints/list/")
    complaint = page.locator("table a[href*='/complaints/show/']").first.get_attribute("href")
    page.goto("/clients/list/")
    client = page.locator("table a[href*='/clients/show/']").first.get_attribute("href")
    page.goto("/dashboard/")
    # The navbar holds on one line of an office laptop, its Security menu last.
    assert page.locator(".navbar").bounding_box()["height"] < 60
    expect(page.locator(".navbar-nav").first.locator(":scope > li").last).to_contain_text(
        {"fr": "Sécurité", "en": "Security"}[language])
    for what, path in BACK_OFFICE:
        page.goto({"complaint": complaint, "client": client}.get(path, path))
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.wait_for_load_state("networkidle")
        assert_accessible(page, what, EVERY_IMPACT)
        if path == "/complaints/list/":  # its search panel, opened
            page.locator("a[data-toggle=collapse][href$='_href']").first.click()
            expect(page.locator(".panel-collapse.in")).to_have_count(1)
            assert_accessible(page, "the complaint list's search panel", EVERY_IMPACT)


def test_select2_boxes_carry_the_name_of_their_label(open_page):
    page = open_page(LAPTOP)
    support.login(page, *support.ADMIN)
    page.goto("/complaints/add")
    support.set_language(page, "fr")
    boxes = page.locator("select.select2-hidden-accessible")
    assert boxes.count() >= 4
    named = 0
    for n in range(boxes.count()):
        select = boxes.nth(n)
        field_id = select.get_attribute("id")
        label = page.locator(f"label[for='{field_id}']")
        combobox = page.locator(f"#{field_id} + .select2-container .select2-selection")
        expect(combobox).to_have_attribute("role", "combobox")
        label_id = label.get_attribute("id")
        assert combobox.get_attribute("aria-labelledby").split()[0] == label_id, field_id
        if combobox.is_visible():  # a folded section's boxes have no name until shown
            name = " ".join(label.inner_text().replace("*", "").split())
            expect(combobox).to_have_accessible_name(re.compile("^" + re.escape(name)))
            named += 1
    assert named >= 4
    # The name stays once a value is chosen: the label, then the value.
    chosen = support.select_option(page, "request_type", re.compile(r"^Question$"))
    expect(page.locator("#request_type + .select2-container .select2-selection")
           ).to_have_accessible_name(re.compile(re.escape(chosen) + r"\s*$"))
