"""Lists that lead to the work: the tracking number links to the complaint, its date and
state cells never wrap; a client's complaints tab unfolds each complaint in place with
its documents and actions (seed 000), with no inline script."""

import re

from app.services import deletion
from tests import factories as f


def make(dbs, **fields):
    with dbs() as s:
        owner = fields.pop("owner", None)
        client = f.make_client(s, portfolio_owner=f.user(s, owner) if owner else None)
        complaint = f.make_complaint(s, actor=f.user(s, "admin"), client=client, **fields)
        return complaint.id, complaint.tracking_number, client.id


def test_the_tracking_number_links_to_the_complaint(admin_client, dbs):
    pk, tracking, _ = make(dbs)
    page = admin_client.get(f"/complaints/list/?_flt_0_tracking_number={tracking}").text
    assert re.search(rf'<a class="rec-nowrap rec-row-link" href="/complaints/show/{pk}">'
                     rf"{tracking}</a>", page)
    [row] = [r for r in page.split("<tr>") if f"rec-row-link\" href=\"/complaints/show/{pk}\"" in r]
    # The received date, the deadline and the state each stay on one line.
    assert row.count('<span class="rec-nowrap">') >= 3


def test_a_clients_row_unfolds_its_details_and_actions(supervisor_client, dbs):
    pk, tracking, client_id = make(dbs, description="Compteur bloqué depuis lundi")
    page = supervisor_client.get(f"/clients/show/{client_id}?_l_=en").text
    assert f'<tr class="rec-unfold" data-details="details-{pk}">' in page
    details = re.search(rf'<tr class="rec-details" id="details-{pk}" hidden>(.*?)</tr>',
                        page, re.S).group(1)
    assert "Compteur bloqué depuis lundi" in details
    assert f'href="/complaints/show/{pk}#documents"' in details  # documents and emails
    assert f'href="/complaints/edit/{pk}"' in details
    assert f'action="/complaints/delete/{pk}"' in details
    assert f'name="next" value="/clients/show/{client_id}"' in details
    assert f'action="/complaints/{pk}/letters"' in details
    assert f'aria-controls="details-{pk}"' in page  # the keyboard's way to unfold it
    assert f'<a href="/complaints/show/{pk}">{tracking}</a>' in page


def test_an_unfolded_row_says_why_a_deletion_is_blocked(supervisor_client, dbs,
                                                        monkeypatch):
    from app.domain.deletion import SENT_EMAILS

    monkeypatch.setitem(deletion.TRACE_COUNTERS, SENT_EMAILS, lambda session, c: 2)
    pk, _, client_id = make(dbs)
    page = supervisor_client.get(f"/clients/show/{client_id}?_l_=en").text
    assert f'id="delete-blocked-{pk}"' in page
    assert "2 email(s) were sent about it" in page
    assert f'action="/complaints/delete/{pk}"' not in page


def test_an_agent_unfolds_a_row_without_a_delete_button(agent_client, dbs):
    pk, _, client_id = make(dbs, owner="agent")
    page = agent_client.get(f"/clients/show/{client_id}").text
    assert f'id="details-{pk}"' in page and f'href="/complaints/edit/{pk}"' in page
    assert f'action="/complaints/delete/{pk}"' not in page


def test_the_client_page_runs_no_inline_script(supervisor_client, dbs):
    _, _, client_id = make(dbs)
    page = supervisor_client.get(f"/clients/show/{client_id}").text
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts and all("src=" in tag for tag in scripts)


def test_the_back_office_uses_the_screens_width(admin_client):
    page = admin_client.get("/complaints/list/").text
    assert '<div class="container-fluid">' in page
    assert '<div class="container">' not in page
