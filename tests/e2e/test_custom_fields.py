"""Custom fields in a real browser: an admin adds a field in Configuration; at once (the
same running server) an agent finds it on the complaint form, only for its request
type, is told when it is missing, fills it, and reads it on the complaint page."""

import re
import uuid

import pytest

from tests.e2e.support import SKIP_REASON

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from tests.e2e.support import ADMIN, AGENT, login, select_option, set_language  # noqa: E402

pytestmark = pytest.mark.e2e


def test_admin_adds_a_field_and_an_agent_fills_it(new_page):
    key = f"canal_achat_{uuid.uuid4().hex[:6]}"
    admin = new_page()
    login(admin, *ADMIN)
    set_language(admin, "fr")
    admin.goto("/config/custom-fields/add")
    admin.fill("#key", key)
    admin.fill("#label_fr", "Canal d'achat")
    admin.fill("#label_en", "Purchase channel")
    admin.select_option("select#type", "choice")
    admin.fill("#choices", "shop | Magasin | Shop\nweb | Site web | Website")
    admin.check("#required")
    question = admin.locator("select#request_types option", has_text="Question")
    admin.select_option("select#request_types", value=question.get_attribute("value"))
    admin.click("#model_form [type=submit]")
    expect(admin.locator(".alert-success")).to_be_visible()
    admin.goto("/config/custom-fields/list/")
    expect(admin.locator("table tbody tr", has_text=key)).to_contain_text("Liste de choix")

    agent = new_page()
    login(agent, *AGENT)
    set_language(agent, "fr")
    agent.goto("/complaints/add")
    field = agent.locator(f"select#cf_{key}")
    select_option(agent, "request_type", re.compile(r"^\s*Réclamation\s*$"))
    expect(field).to_be_hidden()  # not for this request type
    select_option(agent, "request_type", re.compile(r"^\s*Question\s*$"))
    expect(field).to_be_visible()
    select_option(agent, "complexity", re.compile(r"Standard", re.I))
    select_option(agent, "state", re.compile(r"^\s*Nouve", re.I))
    subject = f"Question sur l'achat {key}"
    agent.fill("#subject", subject)
    agent.click("#model_form [type=submit]")
    expect(agent.locator("#model_form", has_text="Ce champ est obligatoire.")).to_have_count(1)
    agent.select_option(f"select#cf_{key}", "web")
    agent.click("#model_form [type=submit]")
    agent.wait_for_url(re.compile(r"/complaints/list/"))
    expect(agent.locator(".alert-success")).to_be_visible()
    # The agent created it and sees it? It is unassigned: the admin opens it instead.
    admin.goto(f"/complaints/list/?cf_{key}=web")
    admin.locator("table tbody tr", has_text=subject).get_by_text(subject).click()
    admin.wait_for_url(re.compile(r"/complaints/show/\d+$"))
    panel = admin.locator("#custom-fields")
    expect(panel).to_contain_text("Champs personnalisés")
    expect(panel).to_contain_text("Canal d'achat")
    expect(panel).to_contain_text("Site web")
