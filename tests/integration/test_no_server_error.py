"""Issue [11]: the requests that answered 500 answer a 4xx with a translated message and
change nothing: a value already used (409 / a form error), a ``q`` that is not an object,
a date outside what the product can store, a report period out of range, and whatever
database error escapes (the last-resort handlers)."""

import pytest
from sqlalchemy import delete, func, select

from app.models import Client, Complaint, Contract, Holiday
from tests import factories as f
from tests.integration.test_api import Api, jwt


@pytest.fixture(scope="module")
def api(app):
    return {name: Api(app, jwt(app, name)) for name in ("admin", "agent")}


def numbers(dbs, model, column):
    with dbs() as s:
        return sorted(s.scalars(select(column)).all())


# --- a value already used: 409 on the API ---------------------------------------------------

def test_a_client_put_with_another_clients_number_is_409(api, dbs):
    with dbs() as s:
        mine, other = f.make_client(s), f.make_client(s)
        pk, mine_number, taken = mine.id, mine.customer_number, other.customer_number
    response = api["agent"].put(f"/client/{pk}", json={"customer_number": taken},
                                headers={"Accept-Language": "en"})
    assert response.status_code == 409, response.get_data(as_text=True)
    assert response.json["message"] == f"“{taken}” is already used."
    with dbs() as s:
        assert s.get(Client, pk).customer_number == mine_number


def test_a_client_post_with_a_used_number_is_409_in_french(api, dbs):
    with dbs() as s:
        taken = f.make_client(s).customer_number
        before = s.scalar(select(func.count(Client.id)))
    response = api["agent"].post("/client/", json={"customer_number": taken, "name": "X"},
                                 headers={"Accept-Language": "fr"})
    assert response.status_code == 409, response.get_data(as_text=True)
    assert response.json["message"] == f"«\u00a0{taken}\u00a0» est déjà utilisé."
    with dbs() as s:
        assert s.scalar(select(func.count(Client.id))) == before


@pytest.mark.parametrize("method", ["post", "put"])
def test_a_contract_with_another_contracts_number_is_409(api, dbs, method):
    with dbs() as s:
        client = f.make_client(s)
        mine, other = f.make_contract(s, client), f.make_contract(s, client)
        pk, client_id, mine_number, taken = mine.id, client.id, mine.number, other.number
        before = s.scalar(select(func.count(Contract.id)))
    if method == "post":
        response = api["agent"].post("/contract/", json={"client_id": client_id,
                                                         "number": taken})
    else:
        response = api["agent"].put(f"/contract/{pk}", json={"number": taken})
    assert response.status_code == 409, response.get_data(as_text=True)
    assert taken in response.json["message"]
    with dbs() as s:
        assert s.scalar(select(func.count(Contract.id))) == before
        assert s.get(Contract, pk).number == mine_number


def test_every_write_operation_documents_409(app, api):
    document = api["admin"].get("/_openapi").json
    for path in ("/client/", "/client/{pk}", "/contract/", "/contract/{pk}"):
        for method in ("post", "put"):
            operation = document["paths"].get(f"/api/v1{path}", {}).get(method)
            if operation is not None:
                assert "409" in operation["responses"], (path, method)
    writes = [(path, method) for path, item in document["paths"].items()
              for method, operation in item.items()
              if method in ("post", "put") and path.startswith("/api/v1/")
              and not path.startswith("/api/v1/security/")]
    assert writes
    for path, method in writes:
        assert "409" in document["paths"][path][method]["responses"], (path, method)


def test_a_unique_violation_met_at_commit_is_409(api, dbs, monkeypatch):
    """The race: another request saved the number between the check and the commit."""
    from app.services import uniqueness

    with dbs() as s:
        taken = f.make_client(s).customer_number
    monkeypatch.setattr(uniqueness, "find_clash", lambda session, row: None)
    response = api["agent"].post("/client/", json={"customer_number": taken, "name": "X"},
                                 headers={"Accept-Language": "en"})
    assert response.status_code == 409, response.get_data(as_text=True)
    assert "already used" in response.json["message"]
    assert len([n for n in numbers(dbs, Client, Client.customer_number) if n == taken]) == 1


# --- a value already used: a form error on the web ------------------------------------------

def test_editing_a_client_to_another_clients_number_is_a_form_error(agent_client, dbs):
    with dbs() as s:
        mine, other = f.make_client(s), f.make_client(s)
        pk, mine_number, taken = mine.id, mine.customer_number, other.customer_number
    response = agent_client.post(f"/clients/edit/{pk}?_l_=en", data={
        "customer_number": taken, "name": "Renamed", "kind": "person"})
    assert response.status_code == 200
    assert f"“{taken}” is already used." in f.messages(response)
    with dbs() as s:
        assert (s.get(Client, pk).customer_number, s.get(Client, pk).name) == (
            mine_number, mine.name)


@pytest.mark.parametrize("edit", [False, True])
def test_a_used_contract_number_is_a_form_error(admin_client, dbs, edit):
    with dbs() as s:
        client = f.make_client(s)
        mine, other = f.make_contract(s, client), f.make_contract(s, client)
        pk, client_id, mine_number, taken = mine.id, client.id, mine.number, other.number
        before = s.scalar(select(func.count(Contract.id)))
    url = f"/contracts/edit/{pk}?_l_=en" if edit else "/contracts/add?_l_=en"
    response = admin_client.post(url, data={"client": client_id, "number": taken,
                                            "label": "x"})
    assert response.status_code == 200
    assert f"“{taken}” is already used." in f.messages(response)
    with dbs() as s:
        assert s.scalar(select(func.count(Contract.id))) == before
        assert s.get(Contract, pk).number == mine_number


def test_a_holiday_on_a_used_date_follows_the_general_rule(admin_client, dbs):
    with dbs() as s:
        s.add(Holiday(day=__import__("datetime").date(2031, 7, 14), label="x"))
        s.commit()
    response = admin_client.post("/config/holidays/add?_l_=en", data={
        "day": "2031-07-14", "label": "again"})
    assert response.status_code == 200
    assert "“2031-07-14” is already used." in f.messages(response)


def test_a_transition_already_allowed_is_refused_with_the_general_message(admin_client, dbs):
    from app.models import StateTransition

    with dbs() as s:
        existing = s.scalars(select(StateTransition)).first()
        source, target = existing.source_id, existing.target_id
        before = s.scalar(select(func.count(StateTransition.id)))
    response = admin_client.post("/config/transitions/add?_l_=en", data={
        "source": source, "target": target}, follow_redirects=True)
    assert response.status_code == 200
    assert "These values are already used by another record." in f.messages(response)
    with dbs() as s:
        assert s.scalar(select(func.count(StateTransition.id))) == before


@pytest.mark.parametrize("state_code", [None, "new"])
def test_a_second_deadline_rule_for_one_scope_is_refused(admin_client, dbs, state_code):
    """The unique index counts an empty state or complexity ("any") as 0: the general rule
    reads it so, where the view had a check of its own."""
    from app.models import Complexity, DeadlineRule

    with dbs() as s:  # a complexity of its own: the other tests' deadlines stay as they are
        complexity = Complexity(code=f.unique("cx").lower(), label_fr="X", label_en="X")
        s.add(complexity)
        s.flush()
        state = f.state(s, state_code).id if state_code else None
        s.add(DeadlineRule(state_id=state, complexity_id=complexity.id, days=10,
                           business_days=True, warning_days=2))
        s.commit()
        complexity_id = complexity.id
        before = s.scalar(select(func.count(DeadlineRule.id)))
    try:
        response = admin_client.post("/config/deadline-rules/add?_l_=en", data={
            "state": state or "", "complexity": complexity_id, "days": "5",
            "warning_days": "1"}, follow_redirects=True)
        assert response.status_code == 200
        assert "These values are already used by another record." in f.messages(response)
        with dbs() as s:
            assert s.scalar(select(func.count(DeadlineRule.id))) == before
    finally:
        with dbs() as s:
            s.execute(delete(DeadlineRule).where(DeadlineRule.complexity_id == complexity_id))
            s.execute(delete(Complexity).where(Complexity.id == complexity_id))
            s.commit()


@pytest.mark.parametrize("edit", [False, True])
def test_a_unique_violation_met_at_commit_is_a_form_error(admin_client, dbs, monkeypatch,
                                                          edit):
    """The race: every check before the write saw the number free."""
    from flask_appbuilder.validators import Unique

    from app.services import uniqueness

    with dbs() as s:
        mine, other = f.make_client(s), f.make_client(s)
        pk, mine_number, taken = mine.id, mine.customer_number, other.customer_number
    monkeypatch.setattr(uniqueness, "find_value", lambda *a, **k: False)
    monkeypatch.setattr(uniqueness, "find_clash", lambda session, row: None)
    monkeypatch.setattr(Unique, "__call__", lambda self, form, field: None)
    url = f"/clients/edit/{pk}?_l_=en" if edit else "/clients/add?_l_=en"
    response = admin_client.post(url, data={
        "customer_number": taken, "name": "Race", "kind": "person"}, follow_redirects=True)
    assert response.status_code == 200
    assert "These values are already used by another record." in f.messages(response)
    assert numbers(dbs, Client, Client.customer_number).count(taken) == 1
    with dbs() as s:
        assert s.get(Client, pk).customer_number == mine_number


# --- ?q= that is valid rison but not an object ----------------------------------------------

@pytest.mark.parametrize("url", ["/contract/1", "/contract/", "/client/1", "/complaint/",
                                 "/state/"])
@pytest.mark.parametrize("q", ["-4.4e+16", "1", "'text'", "!(1,2)", "!t"])
def test_a_q_that_is_not_an_object_is_400(api, url, q):
    response = api["admin"].get(f"{url}?q={q}", headers={"Accept-Language": "en"})
    assert response.status_code == 400, (url, q, response.get_data(as_text=True))
    assert response.json["message"] == "The query argument q is not valid."


# --- dates outside what the product stores ----------------------------------------------------

@pytest.mark.parametrize("received_at", [
    "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00",
    "1989-12-31T23:59:59Z", "2101-01-01T00:00:00Z"])
def test_a_complaint_dated_out_of_range_is_refused(api, dbs, received_at):
    with dbs() as s:
        before = s.scalar(select(func.count(Complaint.id)))
    response = api["agent"].post("/complaint/", json={
        "subject": "x", "complexity_id": 1, "received_at": received_at},
        headers={"Accept-Language": "en"})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "between 1990 and 2100" in response.json["message"]
    with dbs() as s:
        assert s.scalar(select(func.count(Complaint.id))) == before


def test_the_limits_themselves_are_accepted(app_ctx):
    """Checked on the request schema: complaints dated 2100 would sit at the top of every
    other test's lists."""
    from datetime import datetime

    from app.api.schemas import ComplaintPostSchema

    for received_at, stored in (("1990-01-01T00:00:00Z", datetime(1990, 1, 1)),
                                ("2100-12-31T12:00:00+02:00", datetime(2100, 12, 31, 10))):
        loaded = ComplaintPostSchema().load({"subject": "x", "complexity_id": 1,
                                             "received_at": received_at})
        assert loaded["received_at"] == stored


def test_a_contract_date_out_of_range_is_refused(api, dbs):
    with dbs() as s:
        client_id = f.make_client(s).id
    response = api["agent"].post("/contract/", json={
        "client_id": client_id, "number": f.unique("K"), "start_date": "0001-01-01"},
        headers={"Accept-Language": "en"})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "between 1990 and 2100" in response.json["message"]


@pytest.mark.parametrize("expires_on", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-12:00",
                                        "1900-01-01T00:00:00"])
def test_an_api_key_expiry_out_of_range_is_refused(api, expires_on):
    response = api["agent"].post("/security/api_keys/", json={
        "name": "far", "expires_on": expires_on})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "1990" in response.json["message"]  # FAB's API: in the user's language


def test_a_web_form_date_out_of_range_is_a_form_error(admin_client, dbs):
    with dbs() as s:
        client_id = f.make_client(s).id
        before = s.scalar(select(func.count(Contract.id)))
    response = admin_client.post("/contracts/add?_l_=en", data={
        "client": client_id, "number": f.unique("K"), "start_date": "0001-01-01"})
    assert response.status_code == 200
    assert any("between 1990 and 2100" in m for m in f.messages(response))
    with dbs() as s:
        assert s.scalar(select(func.count(Contract.id))) == before


# --- report, dashboard and export periods ----------------------------------------------------

@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "9999-12-31"),
                                            ("1900-01-01", "2020-01-01"),
                                            ("2020-01-01", "9999-12-31")])
def test_a_report_period_out_of_range_is_a_translated_error(admin_client, start, end):
    response = admin_client.get(
        f"/reports/?period=custom&from={start}&to={end}&_l_=en")
    assert response.status_code in (200, 400)
    assert "between 1990 and 2100" in response.get_data(as_text=True)
    export = admin_client.get(f"/reports/export?period=custom&from={start}&to={end}")
    assert export.status_code in (302, 400)


def test_a_dashboard_period_out_of_range_is_a_translated_error(admin_client):
    response = admin_client.get(
        "/dashboard/?period=custom&start=0001-01-01&end=9999-12-31&_l_=en")
    assert response.status_code in (200, 400)
    assert "between 1990 and 2100" in response.get_data(as_text=True)


def test_the_complaint_service_refuses_a_date_out_of_range(session):
    from datetime import datetime

    from app.services.complaints import open_complaint
    from app.services.exceptions import DateRefused

    before = session.scalar(select(func.count(Complaint.id)))
    complaint = Complaint(subject="x", received_at=datetime(1, 1, 1),
                          complexity=f.complexity(session))
    with pytest.raises(DateRefused):
        open_complaint(session, complaint)
    session.rollback()
    assert session.scalar(select(func.count(Complaint.id))) == before


def test_a_reminder_dated_out_of_range_is_refused_on_the_web(admin_client, dbs):
    from app.models import Reminder

    with dbs() as s:
        complaint = f.make_complaint(s)
        pk, user_id = complaint.id, f.user(s, "admin").id
    response = admin_client.post(f"/complaints/{pk}/reminders?_l_=en", data={
        "user_id": user_id, "remind_at": "1900-01-01T00:00", "note": "x"},
        follow_redirects=True)
    assert response.status_code == 200
    with dbs() as s:
        assert s.scalars(select(Reminder).where(Reminder.complaint_id == pk)).all() == []


# --- the last resort: a database error no code answered ---------------------------------------

def _database_errors():
    from sqlalchemy.exc import DataError, IntegrityError

    return {
        "conflict": (IntegrityError("INSERT …", {}, Exception("FOREIGN KEY constraint failed")),
                     409, "This change conflicts with other records and was not saved."),
        "unique": (IntegrityError("INSERT …", {}, Exception(
            "UNIQUE constraint failed: client.customer_number")),
                   409, "These values are already used by another record."),
        "data": (DataError("SELECT …", {}, Exception("value out of range")),
                 400, "A value is outside what this application accepts; nothing was changed."),
        "overflow": (OverflowError("date value out of range"),
                     400, "A value is outside what this application accepts; nothing was changed."),
    }


@pytest.mark.parametrize("kind", ["conflict", "unique", "data", "overflow"])
def test_an_escaped_database_error_is_a_4xx_in_json_on_the_api(api, monkeypatch, kind):
    from app.api import clients

    error, status, message = _database_errors()[kind]

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(clients, "save_client", fail)
    response = api["agent"].post("/client/", json={"customer_number": f.unique("X"),
                                                   "name": "X"},
                                 headers={"Accept-Language": "en"})
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["message"] == message
    assert api["agent"].get("/client/").status_code == 200  # the session was rolled back


@pytest.mark.parametrize("kind", ["conflict", "unique", "data", "overflow"])
def test_an_escaped_database_error_is_a_4xx_page_on_the_web(admin_client, monkeypatch, kind):
    from app.views import reports as report_views

    error, status, message = _database_errors()[kind]

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(report_views.reports, "build_report", fail)
    response = admin_client.get("/reports/?period=month&_l_=en")
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert message in html and 'id="error-message"' in html
    monkeypatch.undo()
    assert admin_client.get("/reports/?period=month").status_code == 200
