"""The REST API (issue [08]): tokens only, the UI's permissions and services, JSON errors
that are never a 500, and the same history as the complaint page."""

import re

import pytest
from sqlalchemy import func, select

from app.models import Complaint, Event, Note, Reminder
from tests import factories as f
from tests.conftest import PASSWORD, login

API = "/api/v1"


def jwt(app, username):
    response = app.test_client().post(f"{API}/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db", "refresh": True})
    assert response.status_code == 200, response.json
    return response.json["access_token"]


class Api:
    """A test client that sends a bearer token (JWT or API key) with every request."""

    def __init__(self, app, token=None, header="Authorization"):
        self.client = app.test_client()
        if header == "Authorization":
            self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        else:
            self.headers = {header: token}

    def __getattr__(self, method):
        def call(url, headers=None, **kwargs):
            return getattr(self.client, method)(f"{API}{url}",
                                                headers={**self.headers, **(headers or {})},
                                                **kwargs)
        return call


@pytest.fixture(scope="module")
def api(app):
    return {name: Api(app, jwt(app, name))
            for name in ("admin", "supervisor", "agent", "viewer")}


@pytest.fixture
def complaint_id(app, dbs):
    with dbs() as s:
        agent = f.user(s, "agent")
        return f.make_complaint(s, client=f.make_client(s, portfolio_owner_id=agent.id)).id


def ids_of(dbs, model, field, value):
    with dbs() as s:
        return s.scalars(select(model.id).where(getattr(model, field) == value)).all()


# --- authentication -------------------------------------------------------------------------

def test_without_a_token_the_api_answers_401_in_json(app):
    response = app.test_client().get(f"{API}/complaint/")
    assert response.status_code == 401
    assert response.json["message"]


def test_a_cookie_session_can_neither_read_nor_write(app, complaint_id, dbs):
    browser = login(app.test_client(), "admin")
    assert browser.get("/complaints/list/").status_code == 200  # signed in for the UI
    assert browser.get(f"{API}/complaint/").status_code == 401
    for url, body in ((f"{API}/complaint/", {"subject": "x", "complexity_id": 1}),
                      (f"{API}/note/", {"complaint_id": complaint_id, "body": "x"}),
                      (f"{API}/complaint/{complaint_id}/transition", {"state": "ack"}),
                      (f"{API}/security/api_keys/", {"name": "from a browser"})):
        response = browser.post(url, json=body)
        assert response.status_code == 401, url
    assert ids_of(dbs, Note, "complaint_id", complaint_id) == []


def test_a_csrf_protected_app_takes_tokens_and_refuses_cookies(make_app, dbs, complaint_id):
    strict = make_app(WTF_CSRF_ENABLED=True, SECRET_KEY="api-tests-" + "y" * 32)
    by_token = Api(strict, jwt(strict, "agent"))
    response = by_token.post("/note/", json={"complaint_id": complaint_id, "body": "ok"})
    assert response.status_code == 201, response.json
    browser = strict.test_client()
    browser.post("/login/", data={"username": "agent", "password": PASSWORD})  # no token
    assert browser.post(f"{API}/note/", json={"complaint_id": complaint_id,
                                              "body": "cross-site"}).status_code == 401
    # A signed-in browser that sends a token (Swagger's "Try it out"): the token decides.
    swagger = strict.test_client()
    form = swagger.get("/login/").get_data(as_text=True)
    csrf_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    swagger.post("/login/", data={"username": "agent", "password": PASSWORD,
                                  "csrf_token": csrf_token})
    assert swagger.get("/swagger/v1").status_code == 200
    tried = swagger.post(f"{API}/note/", json={"complaint_id": complaint_id, "body": "try"},
                         headers={"Authorization": f"Bearer {jwt(strict, 'agent')}"})
    assert tried.status_code == 201, tried.json
    assert len(ids_of(dbs, Note, "complaint_id", complaint_id)) == 2


@pytest.mark.parametrize("header", ["Authorization", "X-API-Key"])
def test_an_api_key_acts_as_its_owner_until_revoked(app, api, dbs, header, complaint_id):
    created = api["agent"].post("/security/api_keys/", json={"name": f"script {header}"})
    assert created.status_code == 201, created.json
    key, uuid = created.json["result"]["key"], created.json["result"]["uuid"]
    assert key.startswith("sst_")
    script = Api(app, key, header=header)
    # The agent's scope (their portfolio's complaint) and the agent's permissions.
    assert script.get(f"/complaint/{complaint_id}").status_code == 200
    with dbs() as s:
        elsewhere = f.make_complaint(s).id
    assert script.get(f"/complaint/{elsewhere}").status_code == 404
    assert script.post(f"/complaint/{complaint_id}/assign", json={}).status_code == 403
    noted = script.post("/note/", json={"complaint_id": complaint_id, "body": "by key"})
    assert noted.status_code == 201
    with dbs() as s:
        assert s.get(Note, int(noted.json["id"])).author.username == "agent"
    assert api["agent"].delete(f"/security/api_keys/{uuid}").status_code == 200
    assert script.get(f"/complaint/{complaint_id}").status_code == 401


def test_a_wrong_api_key_or_jwt_is_401(app):
    assert Api(app, "sst_nonsense").get("/complaint/").status_code == 401
    assert Api(app, "not.a.jwt").get("/complaint/").status_code == 401
    assert Api(app, "sst_nonsense", header="X-API-Key").get("/complaint/").status_code == 401


# --- permissions: the UI's ------------------------------------------------------------------

def test_a_viewer_reads_but_cannot_write(api, complaint_id):
    assert api["viewer"].get(f"/complaint/{complaint_id}").status_code == 200
    assert api["viewer"].post("/complaint/", json={"subject": "x",
                                                  "complexity_id": 1}).status_code == 403
    assert api["viewer"].post("/note/", json={"complaint_id": complaint_id,
                                             "body": "x"}).status_code == 403
    assert api["viewer"].post(f"/complaint/{complaint_id}/transition",
                              json={"state": "ack"}).status_code == 403


def test_only_those_who_may_assign_assign(api, complaint_id, dbs):
    with dbs() as s:
        agent_id = f.user(s, "agent").id
    refused = api["agent"].post(f"/complaint/{complaint_id}/assign",
                                json={"assignee_id": agent_id})
    assert refused.status_code == 403
    done = api["supervisor"].post(f"/complaint/{complaint_id}/assign",
                                  json={"assignee_id": agent_id})
    assert done.status_code == 200, done.json
    assert done.json["result"]["assignee_id"] == agent_id


def test_an_agent_cannot_delete_and_a_supervisor_can(api, dbs, complaint_id):
    assert api["agent"].delete(f"/complaint/{complaint_id}").status_code == 403
    assert api["supervisor"].delete(f"/complaint/{complaint_id}").status_code == 200
    with dbs() as s:
        assert s.get(Complaint, complaint_id) is None


def test_state_and_assignment_are_not_fields_of_an_edit(api, complaint_id):
    response = api["agent"].put(f"/complaint/{complaint_id}", json={"state_id": 6})
    assert response.status_code == 400
    assert "state_id" in response.json["message"]


# --- errors ---------------------------------------------------------------------------------

BAD_BODIES = [
    ("not json at all", {"content_type": "application/json"}),
    ("[1, 2]", {"content_type": "application/json"}),
    ('{"subject": 12, "complexity_id": "one"}', {"content_type": "application/json"}),
    ('{"subject": "x", "complexity_id": 99999999999999999999}',
     {"content_type": "application/json"}),
    ('{"subject": "x", "complexity_id": 1, "hacked": true}',
     {"content_type": "application/json"}),
    ('{"subject": "x", "complexity_id": 999999}', {"content_type": "application/json"}),
    ('{"subject": "x", "complexity_id": 1, "received_at": "yesterday"}',
     {"content_type": "application/json"}),
    ('{"subject": "x", "complexity_id": 1, "received_at": "9999-12-31T23:59:59"}',
     {"content_type": "application/json"}),
    ('{"subject": "x", "complexity_id": 1}', {"content_type": "text/plain"}),
]


@pytest.mark.parametrize(("body", "options"), BAD_BODIES)
def test_bad_input_is_a_400_with_a_message_and_changes_nothing(api, dbs, body, options):
    with dbs() as s:
        before = s.scalar(select(func.count(Complaint.id)))
    response = api["agent"].post("/complaint/", data=body, **options)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert isinstance(response.json["message"], str) and response.json["message"]
    with dbs() as s:
        assert s.scalar(select(func.count(Complaint.id))) == before


@pytest.mark.parametrize("url", [
    "/complaint/0", "/complaint/abc", "/complaint/99999999999999999999",
    "/complaint/-1", "/complaint/2147483647", "/nothing-here/", "/note/12345678",
    "/client/-865417", "/state/x",
])
def test_bad_ids_and_addresses_are_404_in_json(api, url):
    response = api["admin"].get(url)
    assert response.status_code == 404
    assert response.json["message"]


@pytest.mark.parametrize("query", [
    "q=(((", "q=!!!", "q=(page:-1)", "q=(page_size:1000000000)", "q=(page:abc)",
    "q=(filters:!((col:received_at,opr:gt,value:notadate)))",
    "q=(filters:!((col:nope,opr:eq,value:1)))", "q=(order_column:nope)",
    "q=(filters:!((col:due_at,opr:eq,value:99999999999999999999)))",
    "q=(page_size:'x')", "q=1",
])
def test_bad_query_arguments_are_never_a_500(api, query):
    response = api["admin"].get(f"/complaint/?{query}")
    assert response.status_code in (200, 400), (query, response.status_code)
    if response.status_code == 200:
        assert len(response.json["result"]) <= 100
    else:
        assert response.json["message"]


def test_a_wrong_method_is_405_in_json(api):
    response = api["admin"].patch("/complaint/")
    assert response.status_code == 405
    assert response.json["message"]


def test_messages_follow_accept_language(api, complaint_id):
    url = f"/complaint/{complaint_id}/transition"
    french = api["agent"].post(url, json={"state": "closed"},
                               headers={"Accept-Language": "fr"})
    english = api["agent"].post(url, json={"state": "closed"},
                                headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert french.status_code == english.status_code == 400
    assert "ne peut pas passer" in french.json["message"]
    assert "cannot move" in english.json["message"]


# --- a script's whole journey, and the same history as the UI -------------------------------

def api_journey(api, reference_ids, agent_id):
    """Create, qualify, assign, note, move and close a complaint through the API."""
    created = api["agent"].post("/complaint/", json={
        "subject": "Compteur bloqué", "complexity_id": reference_ids["complexity"],
        "received_at": "2026-11-02T09:30:00+01:00", "complainant_email": "a@example.org"})
    assert created.status_code == 201, created.json
    pk = int(created.json["id"])
    steps = [
        # Out of the agent's scope until it is theirs (no client, no team).
        api["supervisor"].post(f"/complaint/{pk}/assign", json={"assignee_id": agent_id}),
        api["agent"].put(f"/complaint/{pk}", json={"category_id": reference_ids["category"],
                                                   "severity_id": reference_ids["severity"]}),
        api["agent"].post("/note/", json={"complaint_id": pk, "body": "Appelé le client"}),
        api["agent"].post(f"/complaint/{pk}/transition", json={"state": "acknowledged"}),
        api["agent"].post(f"/complaint/{pk}/transition", json={"state": "in_progress"}),
        api["agent"].post(f"/complaint/{pk}/transition", json={"state": "answered"}),
        api["agent"].post(f"/complaint/{pk}/transition", json={"state": "closed",
                                                               "comment": "Réglé"}),
    ]
    for step in steps:
        assert step.status_code in (200, 201), step.json
    return pk


def ui_journey(app, dbs, reference_ids, agent_id, state_ids):
    agent, supervisor = login(app.test_client(), "agent"), login(app.test_client(),
                                                                  "supervisor")
    token = f.unique("UI journey ")
    form = {"received_at": "2026-11-02 09:30", "subject": token,
            "complexity": reference_ids["complexity"], "state": state_ids["new"],
            "complainant_email": "a@example.org", "satisfaction": "unknown"}
    assert agent.post("/complaints/add", data=form).status_code == 302
    pk = ids_of(dbs, Complaint, "subject", token)[0]
    supervisor.post(f"/complaints/{pk}/assign", data={"assignee_id": agent_id})
    edit = {**form, "category": reference_ids["category"],
            "severity": reference_ids["severity"], "assignee": agent_id}  # the form's value
    assert agent.post(f"/complaints/edit/{pk}", data=edit).status_code == 302
    agent.post(f"/complaints/{pk}/notes", data={"body": "Appelé le client"})
    for code in ("acknowledged", "in_progress", "answered", "closed"):
        agent.post(f"/complaints/{pk}/state", data={"state_id": state_ids[code]})
    return pk


def history(dbs, pk):
    with dbs() as s:
        rows = s.execute(select(Event.kind, Event.field, Event.new_value, Event.user_id)
                         .where(Event.complaint_id == pk, Event.kind != "consulted")
                         .order_by(Event.id)).all()
    return [(kind, field, value if kind in ("state_changed", "assigned") else None, user)
            for kind, field, value, user in rows]


def test_a_script_and_a_person_leave_the_same_history(app, api, dbs):
    with dbs() as s:
        from app.models import Category, Complexity, Severity, State

        reference_ids = {"complexity": f.complexity(s).id,
                         "category": s.scalars(select(Category.id)).first(),
                         "severity": s.scalars(select(Severity.id)).first()}
        assert s.get(Complexity, reference_ids["complexity"]) is not None
        state_ids = {st.code: st.id for st in s.scalars(select(State))}
        agent_id = f.user(s, "agent").id
    by_api = api_journey(api, reference_ids, agent_id)
    by_ui = ui_journey(app, dbs, reference_ids, agent_id, state_ids)
    assert history(dbs, by_api) == history(dbs, by_ui)
    kinds = [kind for kind, *_ in history(dbs, by_api)]
    assert kinds.count("state_changed") == 4 and "note_added" in kinds
    with dbs() as s:
        closed = s.get(Complaint, by_api)
        assert closed.state.code == "closed" and closed.closed_at is not None
        assert closed.tracking_number.startswith("REC-2026-")
    listed = api["agent"].get(f"/complaint/{by_api}/history")
    assert [e["kind"] for e in reversed(listed.json["result"])] == kinds


def test_reminders_through_the_api(api, dbs, complaint_id):
    with dbs() as s:
        agent_id = f.user(s, "agent").id
    created = api["agent"].post("/reminder/", json={
        "complaint_id": complaint_id, "user_id": agent_id,
        "remind_at": "2026-12-01T08:00:00Z", "note": "Rappeler"})
    assert created.status_code == 201, created.json
    pk = int(created.json["id"])
    done = api["agent"].post(f"/reminder/{pk}/done")
    assert done.status_code == 200 and done.json["result"]["done_at"]
    with dbs() as s:
        assert s.get(Reminder, pk).done_at is not None
        kinds = s.scalars(select(Event.kind).where(Event.complaint_id == complaint_id)).all()
    assert {"reminder_set", "reminder_done"} <= set(kinds)


def test_messages_to_the_complainant_through_the_api(api, dbs, complaint_id):
    from app.models import OutboundEmail

    created = api["agent"].post("/message/", json={
        "complaint_id": complaint_id, "body": "Nous avons relancé le fournisseur."})
    assert created.status_code == 201, created.json
    thread = api["agent"].get(f"/message/?q=(filters:!((col:complaint_id,opr:eq,"
                              f"value:{complaint_id})))")
    assert thread.status_code == 200
    assert [(m["direction"], m["body"]) for m in thread.json["result"]] == [
        ("out", "Nous avons relancé le fournisseur.")]
    with dbs() as s:
        kinds = s.scalars(select(Event.kind).where(Event.complaint_id == complaint_id)).all()
        emails = s.scalars(select(OutboundEmail.body_text).where(
            OutboundEmail.complaint_id == complaint_id)).all()
    assert "message_out" in kinds
    assert any("Nous avons relancé le fournisseur." in body for body in emails)
    # Another scope's complaint: as if it did not exist; a viewer may not write.
    with dbs() as s:
        hidden = f.make_complaint(s).id
    assert api["agent"].post("/message/", json={
        "complaint_id": hidden, "body": "Bonjour"}).status_code == 404
    assert api["viewer"].post("/message/", json={
        "complaint_id": complaint_id, "body": "Bonjour"}).status_code == 403
    assert api["agent"].post("/message/", json={
        "complaint_id": complaint_id, "body": ""}).status_code == 400


def test_clients_and_contracts(api):
    number = f.unique("API")
    created = api["agent"].post("/client/", json={"customer_number": number, "name": "ACME"})
    assert created.status_code == 201, created.json
    again = api["agent"].post("/client/", json={"customer_number": number, "name": "Other"})
    assert again.status_code == 409 and number in again.json["message"]
    client_id = int(created.json["id"])
    contract = api["agent"].post("/contract/", json={"client_id": client_id,
                                                      "number": f.unique("K")})
    assert contract.status_code == 201, contract.json
    listed = api["agent"].get(f"/contract/?q=(filters:!((col:client_id,opr:eq,value:{client_id})))")
    assert listed.status_code == 200 and listed.json["count"] == 1


def test_a_contract_of_another_client_is_refused(api, dbs):
    with dbs() as s:
        mine, other = f.make_client(s), f.make_client(s)
        contract = f.make_contract(s, other)
        ids = (mine.id, contract.id, f.complexity(s).id)
    response = api["agent"].post("/complaint/", json={
        "subject": "x", "client_id": ids[0], "contract_id": ids[1], "complexity_id": ids[2]})
    assert response.status_code == 400
    assert response.json["message"]


def test_reference_lists_are_read_only(api):
    states = api["agent"].get("/state/?q=(page_size:100)")
    assert states.status_code == 200
    assert {"new", "closed"} <= {row["code"] for row in states.json["result"]}
    assert api["admin"].post("/state/", json={"code": "x"}).status_code == 405


def test_the_readme_list_query(api, dbs):
    with dbs() as s:
        f.make_complaint(s, subject="Compteur du README", actor=f.user(s, "admin"))
    q = ("(filters:!((col:subject,opr:sw,value:Compteur)),order_column:received_at,"
         "order_direction:desc)")
    response = api["admin"].get(f"/complaint/?q={q}")
    assert response.status_code == 200, response.json
    assert all(row["subject"].startswith("Compteur") for row in response.json["result"])
    assert response.json["count"] >= 1


@pytest.mark.parametrize("who", ["supervisor", "agent", "viewer"])
def test_every_staff_member_reads_the_api_document(app, api, who):
    document = api[who].get("/_openapi")
    assert document.status_code == 200
    paths = document.json["paths"]
    assert "/api/v1/complaint/{pk}/transition" in paths
    assert {"400", "401", "403", "404"} <= set(
        map(str, paths["/api/v1/complaint/{pk}/transition"]["post"]["responses"]))
    assert login(app.test_client(), who).get("/swagger/v1").status_code == 200


@pytest.mark.parametrize(("expires_on", "status"), [
    ("2099-01-01T00:00:00Z", 200), ("2001-06-01T12:00:00+02:00", 401)])
def test_an_api_key_with_an_expiry(app, api, expires_on, status):
    created = api["agent"].post("/security/api_keys/", json={"name": "expiring",
                                                            "expires_on": expires_on})
    assert created.status_code == 201, created.json
    assert created.json["result"]["expires_on"][:4] == expires_on[:4]
    assert Api(app, created.json["result"]["key"]).get("/state/").status_code == status


def test_the_login_and_key_errors_are_plain_messages(app, api):
    login_error = app.test_client().post(f"{API}/security/login", json={})
    assert login_error.status_code == 400 and isinstance(login_error.json["message"], str)
    key_error = api["agent"].post("/security/api_keys/", json={"nom": "x"})
    assert key_error.status_code == 400 and "name" in key_error.json["message"]


def test_fab_admin_apis_answer_bad_input_with_a_400(api):
    huge = api["admin"].post("/security/groups/", json={
        "name": f.unique("group"), "users": [-18544954249929527296]})
    assert huge.status_code == 400 and isinstance(huge.json["message"], str)
    missing = api["admin"].post("/security/permissions-resources/", json={})
    assert missing.status_code == 400
    for body in ({"permission_id": [1], "view_menu_id": 1},
                 {"permission_id": 1, "view_menu_id": {"id": 1}},
                 {"permission_id": True, "view_menu_id": 1}):
        refused = api["admin"].post("/security/permissions-resources/", json=body)
        assert refused.status_code == 400 and isinstance(refused.json["message"], str)
    document = api["admin"].get("/_openapi").json["paths"]
    assert "403" in map(str, document["/api/v1/security/users/"]["get"]["responses"])
