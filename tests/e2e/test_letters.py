"""An agent answers a complaint with a French letter from the complaint page: the
downloaded DOCX opens with python-docx and every field is filled in. On the way, the
agent attaches a file on the same tab."""

import re
from datetime import datetime

import pytest

from tests.e2e.support import SKIP_REASON

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from babel.dates import format_date  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests.e2e.support import ADMIN, AGENT, login, set_language  # noqa: E402
from tests.e2e.test_journeys import (  # noqa: E402
    PARIS,
    _unique,
    fill_complaint_form,
    open_complaint_list,
)
from tests.factories import docx_text  # noqa: E402

pytestmark = pytest.mark.e2e

ORGANISATION = "Régie des Eaux & Fils <SAS>"



def set_organisation(page) -> None:
    page.goto("/config/settings/list/")  # FAB returns here after the add form
    page.click("a[href^='/config/settings/add']")
    page.wait_for_url(re.compile(r"/config/settings/add"))
    page.fill("#key", "organisation_name")
    page.fill("#value", ORGANISATION)
    page.click("#model_form [type=submit]")
    page.wait_for_url(re.compile(r"/config/settings/list/"))
    expect(page.get_by_role("cell", name=ORGANISATION)).to_be_visible()


def test_agent_generates_a_french_answer_letter(new_page, tmp_path):
    token = _unique()
    subject = f"Compteur « bloqué » & facture <erronée> {token}"
    resolution = f"Un avoir de 42,50 € a été émis ({token})."

    admin = new_page()
    login(admin, *ADMIN)
    set_language(admin, "fr")
    set_organisation(admin)
    admin.goto("/complaints/add")
    admin.fill("#complainant_address", "3 allée des Érables\n69003 Lyon")
    admin.click("a.accordion-toggle[href='#4_href']")  # the Resolution fieldset
    admin.fill("#resolution", resolution)
    fill_complaint_form(admin, subject, datetime.now(PARIS).replace(second=0, microsecond=0),
                        assignee="Agent Test")
    admin.wait_for_url(re.compile(r"/complaints/show/\d+$"))
    expect(admin.locator(".alert-success")).to_be_visible()

    agent = new_page()
    login(agent, *AGENT)
    set_language(agent, "fr")
    open_complaint_list(agent)
    agent.locator("table tbody tr", has_text=token).get_by_text(subject).click()
    agent.wait_for_url(re.compile(r"/complaints/show/\d+$"))
    complaint_url = agent.url
    tracking = agent.locator(".page-header h1").inner_text().split()[0]

    # --- an attachment, on the Documents & emails tab -------------------------------------
    agent.click("#tab-documents")
    proof = tmp_path / "relevé compteur.txt"
    proof.write_text("Index relevé : 01234 m³\n", encoding="utf-8")
    agent.set_input_files("#attachment-files", str(proof))
    agent.click("#add-attachments [type=submit]")
    agent.wait_for_url(complaint_url + "#documents")
    expect(agent.locator(".alert-success")).to_contain_text("1 fichier(s) joint(s).")
    expect(agent.locator(".rec-attachments tbody")).to_contain_text("relevé compteur.txt")

    # --- the French answer letter -------------------------------------------------------------
    agent.click("#tab-documents")
    option = agent.locator("#letter-template option", has_text="Lettre de réponse")
    agent.select_option("#letter-template", value=option.get_attribute("value"))
    with agent.expect_download() as download_info:
        agent.click("#generate-docx")
    download = download_info.value
    assert download.suggested_filename == f"{tracking}-answer-fr.docx"
    download.save_as(tmp_path / "letter.docx")
    text = docx_text((tmp_path / "letter.docx").read_bytes())  # opens with python-docx
    today = format_date(datetime.now(PARIS).date(), format="long", locale="fr")
    for expected in (ORGANISATION, tracking, "Jeanne Dupont", "3 allée des Érables",
                     "69003 Lyon", subject, resolution, f"Le {today}", "Agent Test"):
        assert expected in text, f"{expected!r} missing from the letter:\n{text}"
    assert "{{" not in text and "{%" not in text and "&amp;" not in text

    # The letter is listed on the complaint and written in its history.
    agent.goto(complaint_url)
    agent.click("#tab-documents")
    expect(agent.locator(".rec-letters tbody")).to_contain_text(f"{tracking}-answer-fr.docx")
    agent.click("#tab-history")
    expect(agent.locator("#history tr[data-kind=document_generated]")).to_have_count(1)
    expect(agent.locator("#history tr[data-kind=attachment_added]")).to_have_count(1)
