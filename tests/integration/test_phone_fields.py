"""Phone numbers typed anywhere (portal, JSON intake, back-office form, REST API, a user's
account) come out in E.164 or are refused with a translated message, nothing changed."""

from sqlalchemy import select

from app.models import AppUser, Complaint
from tests import factories as f
from tests.conftest import PASSWORD, login
from tests.integration.test_portal import form

REFUSED_FR = "Ce numéro de téléphone n’est pas valide"
REFUSED_EN = "This is not a valid phone number"


def count(dbs):
    with dbs() as s:
        return s.query(Complaint).count()


def test_portal_normalises_or_refuses_the_phone(app, dbs):
    client = app.test_client()
    before = count(dbs)
    refused = client.post("/public/complaint", data=form(phone="06 12"))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and 'data-field="phone"' in html
    assert REFUSED_FR in html
    assert count(dbs) == before
    values = form(phone="06 12 34 56 78")
    assert client.post("/public/complaint", data=values).status_code == 302
    with dbs() as s:
        stored = s.scalars(select(Complaint.complainant_phone).where(
            Complaint.complainant_email == values["email"])).one()
    assert stored == "+33612345678"


def test_public_json_intake_refuses_a_bad_phone_in_english(app):
    bad = app.test_client().post("/api/v1/public/complaints",
                                 json={**form(phone="call me"), "language": "en"},
                                 headers={"Accept-Language": "en"})
    assert bad.status_code == 400
    assert "phone" in bad.get_json()["errors"]


def test_back_office_form_normalises_or_refuses(app, dbs):
    agent = login(app.test_client(), "agent")
    with dbs() as s:
        base = {"received_at": "2026-11-02 09:30", "complexity": f.complexity(s).id,
                "state": f.state(s, "new").id, "satisfaction": "unknown"}
    subject = f.unique("Phone ")
    refused = agent.post("/complaints/add", data={**base, "subject": subject,
                                                  "complainant_phone": "+33 1"})
    assert refused.status_code == 200 and REFUSED_FR in refused.get_data(as_text=True)
    with dbs() as s:
        assert s.scalars(select(Complaint).where(Complaint.subject == subject)).all() == []
    assert agent.post("/complaints/add", data={**base, "subject": subject,
                                               "complainant_phone": "06.12.34.56.78"}
                      ).status_code == 302
    with dbs() as s:
        phone = s.scalars(select(Complaint.complainant_phone).where(
            Complaint.subject == subject)).one()
    assert phone == "+33612345678"


def test_rest_api_refuses_a_bad_phone_and_changes_nothing(app, dbs):
    token = app.test_client().post("/api/v1/security/login", json={
        "username": "admin", "password": PASSWORD, "provider": "db"}).json["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    with dbs() as s:
        complaint = f.make_complaint(s, complainant_phone="+33612345678")
        pk = complaint.id
    api = app.test_client()
    bad = api.put(f"/api/v1/complaint/{pk}", json={"complainant_phone": "123"},
                  headers=headers)
    assert bad.status_code == 400 and REFUSED_EN in str(bad.get_json())
    good = api.put(f"/api/v1/complaint/{pk}", json={"complainant_phone": "0611223344"},
                   headers=headers)
    assert good.status_code == 200, good.get_json()
    with dbs() as s:
        assert s.get(Complaint, pk).complainant_phone == "+33611223344"


def test_account_page_takes_a_mobile_and_refuses_a_landline(app, dbs):
    with dbs():
        user = f.make_user(app.appbuilder, "Agent", PASSWORD)
        user_id, username = user.id, user.username
    client = login(app.test_client(), username)
    page = client.get("/userinfoeditview/form")
    assert page.status_code == 200 and 'name="mobile_phone"' in page.get_data(as_text=True)
    names = {"first_name": "Ana", "last_name": "Test"}
    landline = client.post("/userinfoeditview/form", data={**names,
                                                           "mobile_phone": "01 23 45 67 89"})
    assert "Ce numéro est un fixe" in landline.get_data(as_text=True)
    bad = client.post("/userinfoeditview/form", data={**names, "mobile_phone": "0"})
    assert REFUSED_FR in bad.get_data(as_text=True)
    with dbs() as s:
        assert s.get(AppUser, user_id).mobile_phone is None
    client.post("/userinfoeditview/form", data={**names, "mobile_phone": "06 98 76 54 32"})
    with dbs() as s:
        assert s.get(AppUser, user_id).mobile_phone == "+33698765432"
    assert "+33698765432" in client.get("/users/userinfo/").get_data(as_text=True)


def test_admin_user_form_has_the_mobile(admin_client, app, dbs):
    with dbs():
        user_id = f.make_user(app.appbuilder, "Agent", PASSWORD).id
    page = admin_client.get(f"/users/edit/{user_id}")
    assert 'name="mobile_phone"' in page.get_data(as_text=True)
