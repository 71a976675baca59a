"""A NUL character (which PostgreSQL cannot store in text, and no person types) is
refused with a 400 and a message wherever it comes: a form, an address, a JSON body."""

from sqlalchemy import select

from app.models import Client
from tests import factories as f
from tests.integration.test_api import Api, jwt


def test_a_form_with_a_nul_is_refused_and_changes_nothing(admin_client, dbs):
    name = f.unique("Client ")
    response = admin_client.post("/clients/add?_l_=fr", data={
        "customer_number": f.unique("C"), "name": name + "\x00", "kind": "person"})
    assert response.status_code == 400
    assert "caractère qui n'est pas permis" in response.get_data(as_text=True).replace(
        "&#39;", "'")
    with dbs() as s:
        assert s.scalars(select(Client).where(Client.name.startswith(name))).first() is None


def test_a_list_address_with_a_nul_is_refused(admin_client):
    assert admin_client.get("/complaints/list/?_flt_2_subject=a%00b").status_code == 400


def test_the_api_answers_json(app):
    api = Api(app, jwt(app, "admin"))
    response = api.post("/client/", json={"customer_number": "C\x00", "name": "Nul",
                                          "kind": "person"})
    assert response.status_code == 400 and "NUL" in response.json["message"]
    nested = api.post("/client/", json={"name": ["ok", {"deep": "x\x00"}]})
    assert nested.status_code == 400
