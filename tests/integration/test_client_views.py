"""Clients and contracts through the test client: the add form, the client page and its
tabs, adding a contract from it, and the ajax lookups of the complaint form."""

import re

import pytest
from sqlalchemy import select

from app.models import Client, Contract
from tests import factories as f


def clients_numbered(s, number):
    return s.scalars(select(Client).where(Client.customer_number == number)).all()


# --- add ----------------------------------------------------------------------------------

def test_add_client(admin_client, dbs):
    number = f.unique("CN")

    response = admin_client.post("/clients/add", data={
        "customer_number": number, "name": "Société Dupont & Fils", "kind": "company",
        "email": "contact@dupont.example", "phone": "01 02 03 04 05"})

    assert response.status_code == 302
    with dbs() as s:
        [client] = clients_numbered(s, number)
        assert (client.name, client.kind, client.email) == (
            "Société Dupont & Fils", "company", "contact@dupont.example")


def test_duplicate_customer_number_is_refused_once_and_clearly(agent_client, dbs):
    with dbs() as s:
        number = f.make_client(s).customer_number

    response = agent_client.post("/clients/add?_l_=en", data={
        "customer_number": number, "name": "Someone else", "kind": "person"})

    assert response.status_code == 200
    assert f.messages(response) == [f"“{number}” is already used."]
    with dbs() as s:
        assert len(clients_numbered(s, number)) == 1


def test_editing_a_client_keeps_its_own_number(admin_client, dbs):
    with dbs() as s:
        client = f.make_client(s)
        pk, number = client.id, client.customer_number

    response = admin_client.post(f"/clients/edit/{pk}", data={
        "customer_number": number, "name": "Renamed", "kind": "person"})

    assert response.status_code == 302
    with dbs() as s:
        assert s.get(Client, pk).name == "Renamed"


@pytest.mark.parametrize(("form", "message"), [
    ({"customer_number": "", "name": "No number"}, "This field is required."),
    ({"customer_number": "X", "name": ""}, "This field is required."),
    ({"customer_number": "Y", "name": "Bad email", "email": "not-an-email"},
     "Invalid email address."),
])
def test_add_client_invalid_input(admin_client, dbs, form, message):
    form = {**form, "kind": "person"}
    if form["customer_number"]:
        form["customer_number"] = f.unique(form["customer_number"])

    response = admin_client.post("/clients/add?_l_=en", data=form)

    assert response.status_code == 200
    assert message in f.messages(response)
    with dbs() as s:
        assert clients_numbered(s, form["customer_number"]) == []


def test_viewer_cannot_add_a_client(viewer_client):
    assert viewer_client.get("/clients/add").status_code == 403
    assert viewer_client.post("/clients/add", data={"customer_number": f.unique("V"),
                                                    "name": "x"}).status_code == 403


# --- the client page ----------------------------------------------------------------------

@pytest.fixture
def client_with_history(dbs):
    with dbs() as s:
        client = f.make_client(s, name=f.unique("Bernard "))
        contract = f.make_contract(s, client, label="Eau potable")
        first = f.make_complaint(s, client=client, contract=contract)
        second = f.make_complaint(s, client=client, state_code="acknowledged")
        stranger = f.make_complaint(s, client=f.make_client(s))
        return {
            "id": client.id, "name": client.name, "contract": contract.number,
            "complaints": {first.id: first.tracking_number, second.id: second.tracking_number},
            "stranger": (stranger.id, stranger.tracking_number),
        }


def tab(html, name):
    return re.search(rf'(?s)<div class="tab-pane[^"]*" id="{name}">(.*?)</table>', html).group(1)


def test_client_page_tabs(viewer_client, client_with_history):
    data = client_with_history

    response = viewer_client.get(f"/clients/show/{data['id']}?_l_=en")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert data["name"] in html
    complaints, contracts, history = (tab(html, n) for n in ("complaints", "contracts",
                                                             "history"))
    assert set(re.findall(r"/complaints/show/(\d+)", complaints)) == {
        str(pk) for pk in data["complaints"]}
    assert f'/complaints/add?client_id={data["id"]}' in complaints
    assert data["contract"] in contracts and "Eau potable" in contracts
    assert f'/contracts/add?client_id={data["id"]}' in contracts
    for tracking in data["complaints"].values():
        assert tracking in history
    assert history.count("Complaint registered") == 2
    assert data["stranger"][1] not in html


@pytest.mark.parametrize("pk", ["2147483647", "abc", "99999999999999999999"])
def test_unknown_client_page_is_404(admin_client, pk):
    assert admin_client.get(f"/clients/show/{pk}").status_code == 404


def test_add_contract_from_the_client_page(agent_client, dbs):
    with dbs() as s:
        client = f.make_client(s)
        pk, label = client.id, str(client)
    number = f.unique("CTR")

    form = agent_client.get(f"/contracts/add?client_id={pk}")
    response = agent_client.post(f"/contracts/add?client_id={pk}", data={
        "client": pk, "number": number, "label": "Assainissement", "start_date": "2026-01-01"})

    assert form.status_code == 200
    assert f'<option value="{pk}" selected>{label}</option>' in form.get_data(as_text=True)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/clients/show/{pk}#contracts")
    with dbs() as s:
        contract = s.scalars(select(Contract).where(Contract.number == number)).one()
        assert (contract.client_id, contract.label) == (pk, "Assainissement")
    page = agent_client.get(f"/clients/show/{pk}").get_data(as_text=True)
    assert number in tab(page, "contracts")


def test_duplicate_contract_number_is_refused(admin_client, dbs):
    with dbs() as s:
        client = f.make_client(s)
        pk, number = client.id, f.make_contract(s, client).number

    response = admin_client.post("/contracts/add?_l_=en", data={"client": pk,
                                                                "number": number})

    assert response.status_code == 200
    assert f.messages(response) == [f"“{number}” is already used."]


def test_contract_needs_a_client(admin_client, dbs):
    number = f.unique("CTR")

    response = admin_client.post("/contracts/add?_l_=en", data={"client": "",
                                                                "number": number})

    assert response.status_code == 200
    assert "This field is required." in f.messages(response)
    with dbs() as s:
        assert s.scalars(select(Contract).where(Contract.number == number)).all() == []


# --- ajax lookups -------------------------------------------------------------------------

def test_client_lookup_returns_at_most_20(agent_client, dbs):
    prefix = f.unique("Lookup")
    with dbs() as s:
        made = {f.make_client(s, name=f"{prefix} {i:02d}").id for i in range(23)}

    response = agent_client.get("/complaints/lookup/clients", query_string={"q": prefix})

    assert response.status_code == 200
    results = response.get_json()["results"]
    assert len(results) == 20
    assert all(set(r) == {"id", "text"} and r["text"].startswith(prefix) for r in results)
    assert {r["id"] for r in results} <= made


def test_client_lookup_by_customer_number(agent_client, dbs):
    with dbs() as s:
        client = f.make_client(s)
        pk, number = client.id, client.customer_number

    results = agent_client.get(f"/complaints/lookup/clients?q={number}").get_json()["results"]

    assert [r["id"] for r in results] == [pk]


def test_contract_lookup_returns_only_the_clients_contracts(viewer_client, dbs):
    with dbs() as s:
        client, other = f.make_client(s), f.make_client(s)
        mine = {f.make_contract(s, client).id for _ in range(22)}
        f.make_contract(s, other)
        one = f.make_contract(s, client, label="Unique label")
        pk, one_id, one_number = client.id, one.id, one.number
    mine.add(one_id)

    listed = viewer_client.get(f"/complaints/lookup/contracts?client_id={pk}").get_json()
    by_number = viewer_client.get("/complaints/lookup/contracts",
                                  query_string={"client_id": pk, "q": one_number}).get_json()
    by_label = viewer_client.get("/complaints/lookup/contracts",
                                 query_string={"client_id": pk, "q": "unique"}).get_json()

    assert len(listed["results"]) == 20
    assert {r["id"] for r in listed["results"]} <= mine
    assert [r["id"] for r in by_number["results"]] == [one_id]
    assert [r["id"] for r in by_label["results"]] == [one_id]


@pytest.mark.parametrize("args", ["", "client_id=", "client_id=abc", "client_id=²",
                                  "client_id=99999999999999999999", "client_id=3000000000"])
def test_contract_lookup_without_a_valid_client_is_empty(agent_client, args):
    response = agent_client.get(f"/complaints/lookup/contracts?{args}")

    assert response.status_code == 200
    assert response.get_json() == {"results": []}


def test_lookups_need_a_login(app):
    anonymous = app.test_client()

    for url in ("/complaints/lookup/clients?q=a", "/complaints/lookup/contracts?client_id=1"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login/" in response.headers["Location"]


# --- the portfolio owner: an assignment decision (issue 19) -------------------------------

OWNER_FIELD = 'name="portfolio_owner"'
OWNER_REFUSED = ("Only people allowed to assign can set or change a client's portfolio "
                 "owner.")


def test_only_people_allowed_to_assign_are_offered_the_portfolio_owner(
        agent_client, supervisor_client, dbs):
    with dbs() as s:
        pk = f.make_client(s).id
    for url in (f"/clients/edit/{pk}", "/clients/add"):
        assert OWNER_FIELD not in agent_client.get(url).get_data(as_text=True)
        assert OWNER_FIELD in supervisor_client.get(url).get_data(as_text=True)


def test_an_agent_cannot_take_a_client_into_their_portfolio(agent_client, dbs):
    with dbs() as s:
        stranger = f.user(s, "agent2").id
        client = f.make_client(s, portfolio_owner_id=stranger)
        pk, number, agent = client.id, client.customer_number, f.user(s, "agent").id
        name, complaint = client.name, f.make_complaint(s, client=client).id
    form = {"customer_number": number, "name": "Renamed", "kind": "person"}

    response = agent_client.post(f"/clients/edit/{pk}?_l_=en", follow_redirects=True,
                                 data={**form, "portfolio_owner": agent})

    assert OWNER_REFUSED in f.messages(response)
    with dbs() as s:
        row = s.get(Client, pk)
        assert (row.portfolio_owner_id, row.name) == (stranger, name)
    assert agent_client.get(f"/complaints/show/{complaint}").status_code == 404
    # The form they are offered keeps the owner as it is.
    assert agent_client.post(f"/clients/edit/{pk}", data=form).status_code == 302
    with dbs() as s:
        assert (s.get(Client, pk).portfolio_owner_id, s.get(Client, pk).name) == (
            stranger, "Renamed")
    added = f.unique("CN")
    response = agent_client.post("/clients/add?_l_=en", follow_redirects=True, data={
        "customer_number": added, "name": "Mine", "kind": "person", "portfolio_owner": agent})
    assert OWNER_REFUSED in f.messages(response)
    with dbs() as s:
        assert clients_numbered(s, added) == []


def test_a_supervisor_sets_the_portfolio_owner(supervisor_client, dbs):
    with dbs() as s:
        client = f.make_client(s)
        pk, number, agent = client.id, client.customer_number, f.user(s, "agent").id

    response = supervisor_client.post(f"/clients/edit/{pk}", data={
        "customer_number": number, "name": "Supervised", "kind": "person",
        "portfolio_owner": agent})

    assert response.status_code == 302
    with dbs() as s:
        assert s.get(Client, pk).portfolio_owner_id == agent


def test_an_agent_cannot_move_a_contract_to_a_client_of_their_portfolio(agent_client, dbs):
    with dbs() as s:
        contract = f.make_contract(s, f.make_client(s))
        mine = f.make_client(s, portfolio_owner_id=f.user(s, "agent").id).id
        pk, number, owner = contract.id, contract.number, contract.client_id

    response = agent_client.post(f"/contracts/edit/{pk}?_l_=en", follow_redirects=True,
                                 data={"client": mine, "number": number, "label": "x"})

    assert any("client of their own portfolio" in m for m in f.messages(response))
    with dbs() as s:
        assert s.get(Contract, pk).client_id == owner
