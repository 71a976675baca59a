"""CSRF protection with the production setting (WTF_CSRF_ENABLED, off for the other tests):
every state-changing request without the form's token is refused with a 400 and changes
nothing; with the token scraped from the rendered form it goes through. Also FAB's
security REST API, which accepts the session cookie: a write it receives from a signed-in
browser needs the token too, a token-authenticated client does not."""

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from app.models import AppUser, Complaint, Note
from tests import factories as f
from tests.conftest import PASSWORD

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="module")
def csrf_app(make_app):
    # A 32-character secret: JWT (the API login) warns about a shorter one.
    return make_app(WTF_CSRF_ENABLED=True, SECRET_KEY="csrf-tests-" + "x" * 32)


@pytest.fixture
def dbs(csrf_app):
    from app.extensions import db

    @contextmanager
    def scope():
        with csrf_app.app_context():
            yield db.session

    return scope


def token_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return TOKEN.search(response.get_data(as_text=True)).group(1)


def signed_in(app, username):
    client = app.test_client()
    token = token_of(client.get("/login/"))
    response = client.post("/login/", data={"username": username, "password": PASSWORD,
                                            "csrf_token": token})
    assert response.status_code == 302, f"login of {username} failed"
    return client


@pytest.fixture
def admin(csrf_app):
    return signed_in(csrf_app, "admin")


@pytest.fixture
def complaint(dbs):
    with dbs() as s:
        c = f.make_complaint(s, actor=f.user(s, "admin"))
        return c.id, c.state_id, f.state(s, "acknowledged").id


# --- forms ---------------------------------------------------------------------------------

def test_login_without_token_is_refused(csrf_app):
    client = csrf_app.test_client()

    response = client.post("/login/", data={"username": "admin", "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/complaints/list/").status_code == 302  # still anonymous


def test_refused_form_page_is_translated(csrf_app):
    client = csrf_app.test_client()

    french = client.post("/login/", data={"username": "admin"}).get_data(as_text=True)
    english = client.post("/login/?_l_=en", data={"username": "admin"}).get_data(as_text=True)

    assert "Formulaire refusé" in french and "Form not accepted" in english
    assert '<html lang="fr"' in french and 'class="navbar' in french


def test_add_complaint(admin, dbs):
    with dbs() as s:
        data = {"client": f.make_client(s).id, "received_at": "2026-07-01 10:00",
                "complexity": f.complexity(s).id, "state": f.state(s, "new").id,
                "subject": f.unique("CSRF "), "satisfaction": "unknown"}

    without = admin.post("/complaints/add", data=data)
    with dbs() as s:
        assert s.scalar(select(func.count()).where(Complaint.subject == data["subject"])) == 0
    token = token_of(admin.get("/complaints/add"))
    with_token = admin.post("/complaints/add", data={**data, "csrf_token": token})

    assert without.status_code == 400
    assert with_token.status_code == 302
    with dbs() as s:
        assert s.scalar(select(func.count()).where(Complaint.subject == data["subject"])) == 1


def test_change_state(admin, dbs, complaint):
    pk, initial, acknowledged = complaint

    without = admin.post(f"/complaints/{pk}/state", data={"state_id": acknowledged})
    with dbs() as s:
        assert s.get(Complaint, pk).state_id == initial
    token = token_of(admin.get(f"/complaints/show/{pk}"))
    with_token = admin.post(f"/complaints/{pk}/state",
                            data={"state_id": acknowledged, "csrf_token": token})

    assert without.status_code == 400
    assert with_token.status_code == 302
    with dbs() as s:
        assert s.get(Complaint, pk).state_id == acknowledged


def test_add_note(admin, dbs, complaint):
    pk = complaint[0]

    def notes():
        with dbs() as s:
            return s.scalars(select(Note.body).where(Note.complaint_id == pk)).all()

    without = admin.post(f"/complaints/{pk}/notes", data={"body": "forged"})
    assert notes() == []
    token = token_of(admin.get(f"/complaints/show/{pk}"))
    with_token = admin.post(f"/complaints/{pk}/notes", data={"body": "real", "csrf_token": token})

    assert without.status_code == 400
    assert with_token.status_code == 302
    assert notes() == ["real"]


def test_switch_language(csrf_app, dbs):
    with dbs():
        username = f.make_user(csrf_app.appbuilder, "Agent", PASSWORD).username
    client = signed_in(csrf_app, username)

    def saved():
        with dbs() as s:
            return s.scalars(select(AppUser.language).where(AppUser.username == username)).one()

    without = client.post("/language", data={"language": "en", "next": "/complaints/list/"})
    assert saved() is None
    assert '<html lang="fr"' in client.get("/complaints/list/").get_data(as_text=True)
    token = token_of(client.get("/complaints/list/"))  # the navbar's language form
    with_token = client.post("/language", data={"language": "en", "next": "/complaints/list/",
                                                "csrf_token": token})

    assert without.status_code == 400
    assert with_token.status_code == 302
    assert saved() == "en"


def test_anonymous_language_switch_needs_the_token_too(csrf_app):
    client = csrf_app.test_client()

    assert client.post("/language", data={"language": "en"}).status_code == 400
    token = token_of(client.get("/login/"))
    assert client.post("/language", data={"language": "en", "csrf_token": token,
                                          "next": "/login/"}).status_code == 302
    assert '<html lang="en"' in client.get("/login/").get_data(as_text=True)


def test_fab_delete_without_token_is_refused(admin, dbs, complaint):
    pk = complaint[0]

    response = admin.post(f"/complaints/delete/{pk}")

    assert response.status_code == 400
    with dbs() as s:
        assert s.get(Complaint, pk) is not None


# --- FAB's security REST API ------------------------------------------------------------------

def roles_named(dbs, name):
    from flask_appbuilder.security.sqla.models import Role

    with dbs() as s:
        return s.scalar(select(func.count()).select_from(Role).where(Role.name == name))


def test_api_write_with_the_browser_session_needs_the_token(admin, dbs):
    name = f.unique("Forged role ")

    without = admin.post("/api/v1/security/roles/", json={"name": name})
    assert roles_named(dbs, name) == 0
    token = token_of(admin.get("/complaints/list/"))
    with_token = admin.post("/api/v1/security/roles/", json={"name": name},
                            headers={"X-CSRFToken": token})

    assert without.status_code == 400
    assert without.get_json()["message"]
    assert with_token.status_code == 201
    assert roles_named(dbs, name) == 1


def test_api_write_with_a_bearer_token_needs_no_csrf_token(csrf_app, dbs):
    client = csrf_app.test_client()
    login = client.post("/api/v1/security/login", json={
        "username": "admin", "password": PASSWORD, "provider": "db"})
    name = f.unique("API role ")

    response = client.post("/api/v1/security/roles/", json={"name": name}, headers={
        "Authorization": f"Bearer {login.get_json()['access_token']}"})

    assert login.status_code == 200
    assert response.status_code == 201
    assert roles_named(dbs, name) == 1
