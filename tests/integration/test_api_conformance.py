"""The API answers as its document says (issue [11], app.api.conformance): what
schemathesis found, each as a plain request."""

import json

import pytest

from tests.integration.test_api import API, Api, jwt
from tests.integration.test_api_fuzz import ON_POSTGRES


@pytest.fixture(scope="module")
def admin(app):
    return Api(app, jwt(app, "admin"))


@pytest.fixture(scope="module")
def document(admin):
    response = admin.get("/_openapi")
    assert response.status_code == 200
    return response.json


@pytest.mark.parametrize("method, path, allowed", [
    ("get", "/security/login", "POST"),
    ("get", "/security/refresh", "POST"),
    ("put", "/security/roles/_info", "GET"),
    ("put", "/security/users/_info", "GET"),
    ("post", "/security/permissions-resources/1", "DELETE, GET, PUT"),
    ("delete", "/client/1", "GET, PUT"),
])
def test_an_undeclared_method_is_a_405_with_what_is_allowed(admin, method, path, allowed):
    response = getattr(admin, method)(path, json={})
    assert response.status_code == 405, response.data
    assert response.headers["Allow"] == allowed
    assert response.json["message"]


def test_options_lists_the_documented_methods_only(admin):
    response = admin.options("/security/roles/_info")
    assert response.status_code == 200
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("method, path", [
    ("post", "/security/api_keys/"), ("post", "/security/groups/"),
    ("post", "/security/users/"), ("put", "/security/users/1"),
    ("put", "/security/roles/1/users"), ("post", "/security/roles/1/permissions"),
])
def test_a_missing_body_is_a_400_not_a_500(admin, method, path):
    response = getattr(admin, method)(path)
    assert response.status_code == 400, response.data
    assert response.json["message"]


def test_editing_a_user_that_does_not_exist_is_a_404(admin):
    response = admin.put("/security/users/999999", json={"first_name": "X"})
    assert response.status_code == 404


@pytest.mark.parametrize("query", [
    {"page_size": True},                                  # a boolean for a number
    {"order_direction": "sideways"},
    {"keys": ["not_a_key"]},
    {"columns": ["password"]},                            # not a listed column
    {"filters": [{"col": "code", "opr": "gt", "value": "a"}]},   # operator not allowed
    {"filters": [{"col": "active", "opr": "eq", "value": "yes"}]},  # not a boolean
    {"columns": ["id"], "select_columns": ["id"]},        # FAB refuses both
    {"page": 0, "extra": 1},
])
def test_a_query_outside_its_schema_is_a_400(admin, query):
    response = admin.get(f"/category/?q={json.dumps(query)}")
    assert response.status_code == 400, response.json
    assert response.json["message"]


def test_a_json_query_reaches_fab_as_sent(admin, dbs):
    """FAB decodes a JSON q twice: "+" and "%" in a value used to change or break it."""
    query = json.dumps({"filters": [{"col": "code", "opr": "eq", "value": "a+b%20c"}]})
    response = admin.get(f"/category/?q={query.replace('+', '%2B').replace('%20', '%2520')}")
    assert response.status_code == 200, response.json
    assert response.json["count"] == 0


def test_the_document_states_the_exact_queries_and_transport_answers(document):
    listing = document["paths"][f"{API}/category/"]["get"]
    q = listing["parameters"][0]["content"]["application/json"]["schema"]
    assert q["additionalProperties"] is False
    assert q["properties"]["order_column"]["enum"] == ["code", "id", "position"]
    assert {"414", "405"} <= set(listing["responses"])
    assert "413" in document["paths"][f"{API}/client/"]["post"]["responses"]
    assert "429" in document["paths"][f"{API}/security/login"]["post"]["responses"]
    group = document["components"]["schemas"]["GroupApi.get_list"]["properties"]
    assert group["roles"]["type"] == "array"


def test_a_revoked_api_key_is_gone(admin):
    created = admin.post("/security/api_keys/", json={"name": "revoked soon"})
    assert created.status_code == 201, created.json
    uuid = created.json["result"]["uuid"]
    assert admin.delete(f"/security/api_keys/{uuid}").status_code == 200
    assert admin.get(f"/security/api_keys/{uuid}").status_code == 404
    assert admin.delete(f"/security/api_keys/{uuid}").status_code == 404
    assert Api(admin.client.application).delete(
        f"/security/api_keys/{uuid}").status_code == 401  # who asks is checked first


@pytest.mark.parametrize("method, path", [
    ("put", "/security/users/1.5"), ("delete", "/security/users/%C2%B3"),
    ("delete", "/security/roles/99999999999"), ("put", "/security/groups/1e3"),
])
def test_an_id_that_is_not_a_whole_number_names_no_row(admin, method, path):
    """ "1.5" reached FAB, which edited ``None``; "³" passed ``str.isdigit`` and broke
    ``int()``: both were 500s."""
    response = getattr(admin, method)(path, json={"first_name": "X", "name": "X"})
    assert response.status_code == 404, response.data
    assert response.json["message"] == "Introuvable."


@pytest.mark.parametrize("path, column, operator", [
    ("/security/users/", "roles", "rel_m_m"),
    ("/security/permissions-resources/", "view_menu", "rel_o_m"),
])
def test_a_filter_value_the_database_cannot_hold_is_a_400(admin, path, column, operator):
    """PostgreSQL refuses 2**63 - 2 for an INTEGER; FAB wraps that refusal in its own
    exception, which was answered 500 "Fatal error"."""
    query = json.dumps({"filters": [{"col": column, "opr": operator, "value": 2**63 - 2}]})
    response = admin.get(path, query_string={"q": query}, headers={"Accept-Language": "en"})
    if ON_POSTGRES:
        assert response.status_code == 400, response.data
        assert response.json["message"] == "The request is not valid."
    else:  # SQLite holds 64-bit integers: no such row, nothing to filter out
        assert response.status_code == 200, response.data


def test_fab_errors_speak_the_readers_language(app, admin):
    assert admin.get("/security/users/999999").json["message"] == "Introuvable."
    assert admin.get("/security/users/999999", headers={"Accept-Language": "en"}
                     ).json["message"] == "Not found."
    anonymous = Api(app)
    response = anonymous.post("/security/login", json={
        "username": "admin", "password": "wrong-Password-1", "provider": "db"})
    assert response.status_code == 401
    assert response.json["message"] == ("Identifiant ou mot de passe incorrect. "
                                        "Veuillez réessayer.")


def test_a_list_takes_at_most_three_many_to_many_filters(admin, document):
    """Each one joins the association table again: ten of them took 19 s on PostgreSQL."""
    def ask(count):
        query = json.dumps({"filters": [{"col": "role", "opr": "rel_m_m", "value": 1}] * count})
        return admin.get("/security/permissions-resources/", query_string={"q": query},
                         headers={"Accept-Language": "en"})

    assert ask(3).status_code == 200
    refused = ask(4)
    assert refused.status_code == 400
    assert refused.json["message"] == ("At most 3 filters on a relation with several items "
                                       "(rel_m_m) in one query.")
    parameters = document["paths"]["/api/v1/security/permissions-resources/"]["get"][
        "parameters"]
    assert "At most 3 filters" in next(p for p in parameters if p["name"] == "q")["description"]
