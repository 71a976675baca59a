"""Navigation that follows the work: a saved complaint opens its page, a saved client
its page, a deleted complaint returns to the list the user came from (never another
site, never the page that is gone), each with a message naming the record."""

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from app.models import Client, Complaint
from tests import factories as f


@pytest.fixture
def ids(dbs):
    with dbs() as s:
        client = f.make_client(s, name=f.unique("Navigation "))
        return SimpleNamespace(client=client.id, complexity=f.complexity(s).id,
                               new=f.state(s, "new").id)


def add_form(ids, **changes):
    data = {"client": ids.client, "received_at": "2026-07-01 10:00",
            "complexity": ids.complexity, "state": ids.new, "subject": f.unique("Nav "),
            "satisfaction": "unknown"}
    data.update(changes)
    return data


def saved(dbs, subject):
    with dbs() as s:
        complaint = s.scalars(select(Complaint).where(Complaint.subject == subject)).one()
        return complaint.id, complaint.tracking_number


def make(dbs):
    with dbs() as s:
        complaint = f.make_complaint(s, actor=f.user(s, "admin"))
        return complaint.id, complaint.tracking_number, complaint.client_id


def location(response) -> str:
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


# --- after an add ------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "message"), [
    ("fr", "Réclamation {} enregistrée"), ("en", "Complaint {} saved.")])
def test_a_new_complaint_opens_its_page_with_its_number(admin_client, dbs, ids, language,
                                                        message):
    admin_client.get("/complaints/list/")
    data = add_form(ids)
    response = admin_client.post(f"/complaints/add?_l_={language}", data=data)
    pk, tracking = saved(dbs, data["subject"])
    assert location(response) == f"/complaints/show/{pk}"
    page = admin_client.get(location(response))
    assert message.format(tracking) in " ".join(f.messages(page))


def test_a_complaint_added_from_a_clients_tab_opens_its_page(admin_client, dbs, ids):
    admin_client.get(f"/clients/show/{ids.client}")
    admin_client.get(f"/complaints/add?client_id={ids.client}")
    data = add_form(ids)
    response = admin_client.post(f"/complaints/add?client_id={ids.client}", data=data)
    pk, tracking = saved(dbs, data["subject"])
    assert location(response) == f"/complaints/show/{pk}"
    page = admin_client.get(location(response))
    assert f"Réclamation {tracking} enregistrée" in " ".join(f.messages(page))
    # Its "back to the list" is the client's page it was added from.
    assert f'id="back-to-list" href="/clients/show/{ids.client}"' in page.text


def test_a_complaint_the_author_may_not_see_returns_to_the_list(app, dbs, ids):
    from tests.conftest import login

    agent = login(app.test_client(), "agent")
    with dbs() as s:
        ids.client = f.make_client(s, portfolio_owner=f.user(s, "agent")).id
    agent.get("/complaints/list/")
    data = add_form(ids, confidential="y")
    response = agent.post("/complaints/add", data=data)
    assert location(response) == "/complaints/list/"


def test_an_edited_complaint_opens_its_page_not_the_last_list(admin_client, dbs, ids):
    """FAB's history sent an edit back to whatever page came before the form."""
    data = add_form(ids)
    admin_client.post("/complaints/add", data=data)
    pk, _tracking = saved(dbs, data["subject"])
    admin_client.get("/complaints/list/?_flt_0_subject=Nav")
    admin_client.get(f"/complaints/edit/{pk}")
    response = admin_client.post(f"/complaints/edit/{pk}",
                                 data={**data, "subject": data["subject"] + " edited"})
    assert location(response) == f"/complaints/show/{pk}"
    with dbs() as s:
        assert s.get(Complaint, pk).subject == data["subject"] + " edited"


def test_a_refused_complaint_stays_on_its_form(admin_client, dbs, ids):
    data = add_form(ids, state="")
    response = admin_client.post("/complaints/add", data=data)
    assert response.status_code == 200 and 'id="model_form"' in response.text


@pytest.mark.parametrize("action", ["add", "edit"])
def test_a_saved_client_opens_its_page(admin_client, dbs, action):
    number = f.unique("NAV")
    if action == "add":
        response = admin_client.post("/clients/add", data={
            "customer_number": number, "name": "Client navigation", "kind": "person"})
    else:
        with dbs() as s:
            client_id = f.make_client(s, customer_number=number).id
        response = admin_client.post(f"/clients/edit/{client_id}", data={
            "customer_number": number, "name": "Renamed client", "kind": "company"})
    with dbs() as s:
        pk = s.scalars(select(Client.id).where(Client.customer_number == number)).one()
    assert location(response) == f"/clients/show/{pk}"
    assert admin_client.get(location(response)).status_code == 200


# --- after a deletion --------------------------------------------------------------------

@pytest.mark.parametrize(("language", "message"), [
    ("fr", "Réclamation {} supprimée"), ("en", "Complaint {} deleted.")])
def test_a_deletion_returns_to_the_filtered_list_it_came_from(supervisor_client, dbs,
                                                               language, message):
    pk, tracking, _ = make(dbs)
    the_list = "/complaints/list/?_flt_0_state=1&psize_ComplaintView=25"
    supervisor_client.get(the_list)
    show = supervisor_client.get(f"/complaints/show/{pk}",
                                 headers={"Referer": f"http://localhost{the_list}"})
    assert f'name="next" value="{the_list.replace("&", "&amp;")}"' in show.text
    response = supervisor_client.post(f"/complaints/delete/{pk}?_l_={language}",
                                      data={"next": the_list})
    assert location(response) == the_list
    page = supervisor_client.get(the_list)
    assert page.status_code == 200
    assert message.format(tracking) in " ".join(f.messages(page))


def test_a_deletion_from_a_clients_tab_returns_to_the_client(app, supervisor_client, dbs):
    with dbs() as s:
        client = f.make_client(s)
        complaint = f.make_complaint(s, actor=f.user(s, "admin"), client=client)
        pk, client_id = complaint.id, client.id
    supervisor_client.get(f"/clients/show/{client_id}")
    supervisor_client.get(f"/complaints/show/{pk}")  # opened from there, no Referer
    response = supervisor_client.post(f"/complaints/delete/{pk}")
    assert location(response) == f"/clients/show/{client_id}"
    assert supervisor_client.get(location(response)).status_code == 200


def test_a_deletion_posted_from_the_complaint_page_never_returns_to_it(supervisor_client,
                                                                       dbs):
    pk, tracking, _ = make(dbs)
    response = supervisor_client.post(
        f"/complaints/delete/{pk}", data={"next": f"/complaints/show/{pk}"},
        headers={"Referer": f"http://localhost/complaints/show/{pk}"})
    assert location(response) == "/complaints/list/"
    page = supervisor_client.get(location(response))
    assert page.status_code == 200 and "Not Found" not in page.text
    assert f"Réclamation {tracking} supprimée" in " ".join(f.messages(page))


@pytest.mark.parametrize("target", [
    "https://evil.example/phish", "//evil.example/phish", "/\\evil.example",
    "javascript:alert(1)", "http://localhost.evil.example/x"])
def test_the_return_address_is_a_path_of_this_site(supervisor_client, dbs, target):
    pk, _, _ = make(dbs)
    response = supervisor_client.post(f"/complaints/delete/{pk}", data={"next": target},
                                      headers={"Referer": target})
    assert location(response).startswith("/")
    assert "evil" not in location(response) and "javascript" not in location(response)


def test_a_full_address_of_this_site_is_taken_as_its_path(supervisor_client, dbs):
    pk, _, _ = make(dbs)
    response = supervisor_client.post(f"/complaints/delete/{pk}",
                                      data={"next": "http://localhost/dashboard/"})
    assert location(response) == "/dashboard/"


def test_a_refused_deletion_returns_to_the_complaint_page(supervisor_client, dbs,
                                                          monkeypatch):
    from app.domain.deletion import SENT_EMAILS
    from app.services import deletion

    monkeypatch.setitem(deletion.TRACE_COUNTERS, SENT_EMAILS, lambda session, c: 1)
    pk, _, _ = make(dbs)
    response = supervisor_client.post(
        f"/complaints/delete/{pk}", data={"next": "/complaints/list/"},
        headers={"Referer": f"http://localhost/complaints/show/{pk}"})
    assert location(response) == f"/complaints/show/{pk}"


@pytest.mark.parametrize("target", ["/complaints/add?client_id=1", "/complaints/edit/1",
                                    "/complaints/1/notes"])
def test_a_form_or_a_complaints_action_is_no_list_to_return_to(supervisor_client, dbs,
                                                               target):
    pk, _, _ = make(dbs)
    response = supervisor_client.post(f"/complaints/delete/{pk}", data={"next": target})
    assert location(response) == "/complaints/list/"


def test_a_deletion_from_the_lists_own_button_returns_to_that_list(supervisor_client, dbs):
    pk, tracking, _ = make(dbs)
    the_list = "/complaints/list/?page_ComplaintView=0&_oc_ComplaintView=due_at"
    response = supervisor_client.post(f"/complaints/delete/{pk}",
                                      headers={"Referer": f"http://localhost{the_list}"})
    assert location(response) == the_list
    page = supervisor_client.get(the_list)
    assert f"Réclamation {tracking} supprimée" in " ".join(f.messages(page))
