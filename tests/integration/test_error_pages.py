"""Error pages: each status in the product's layout (its menu), in the reader's language,
with a way back; the REST API keeps answering JSON; a complaint out of the reader's scope
answers the very page of a missing one."""

import re

import pytest

from tests import factories as f
from tests.conftest import login

MIB = 1024 * 1024
# (status, French title, English title) of app/errors.py's pages.
TITLES = {
    400: ("Requête incomprise", "Request not understood"),
    403: ("Accès refusé", "Access denied"),
    404: ("Page introuvable", "Page not found"),
    405: ("Action non permise", "Action not allowed"),
    413: ("Requête trop volumineuse", "Request too large"),
    429: ("Trop de tentatives", "Too many attempts"),
    500: ("Une erreur est survenue", "Something went wrong"),
    "csrf": ("Formulaire refusé", "Form not accepted"),
}


def assert_error_page(response, status, language, title_key=None):
    assert response.status_code == status
    html = response.get_data(as_text=True)
    title = TITLES[title_key or status][0 if language == "fr" else 1]
    assert f'<html lang="{language}"' in html
    assert 'class="navbar' in html, "the page is drawn in the product's layout"
    assert title in html and 'id="error-message"' in html
    assert 'id="error-home"' in html, "a way back to the dashboard"
    other = TITLES[title_key or status][1 if language == "fr" else 0]
    assert other not in html, "the other language's title"
    return html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_403_is_a_page_in_the_layout(agent_client, language):
    response = agent_client.get(f"/audit/deleted-complaints/list/?_l_={language}")
    assert_error_page(response, 403, language)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("path", ["/complaints/show/987654", "/no/such/page"])
def test_404_is_a_page_in_the_layout(admin_client, language, path):
    html = assert_error_page(admin_client.get(f"{path}?_l_={language}"), 404, language)
    assert "Not Found" not in html


@pytest.mark.parametrize("language", ["fr", "en"])
def test_405_is_a_page_in_the_layout(admin_client, language):
    response = admin_client.put(f"/dashboard/?_l_={language}")
    assert_error_page(response, 405, language)
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_400_is_a_page_in_the_layout(admin_client, language):
    response = admin_client.post(f"/language?_l_={language}", data={"language": "xx"})
    assert_error_page(response, 400, language)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_413_is_a_page_in_the_layout(agent_client, language):
    response = agent_client.post(f"/language?_l_={language}",
                                 data={"language": language, "pad": "x" * (2 * MIB)})
    assert_error_page(response, 413, language)


@pytest.fixture
def failing_dashboard(app, monkeypatch):
    """The dashboard raises an error nothing expects, as a bug would."""
    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.view_functions, "DashboardView.index", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_500_is_a_page_in_the_layout(admin_client, failing_dashboard, language):
    html = assert_error_page(admin_client.get(f"/dashboard/?_l_={language}"), 500, language)
    assert "a bug" not in html and "Traceback" not in html


def test_500_under_the_api_is_json(app, admin_client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.view_functions, "ComplaintApi.get_list", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = admin_client.get("/api/v1/complaint/", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert response.get_json() == {"message": "An unexpected error occurred and the request "
                                   "could not be completed. Try again in a moment; if it "
                                   "happens again, tell your administrator."}


def test_the_api_keeps_answering_json(admin_client):
    missing = admin_client.get("/api/v1/no-such-resource/")
    wrong_method = admin_client.put("/api/v1/_openapi")
    assert missing.status_code == 404 and missing.is_json
    assert wrong_method.status_code == 405 and wrong_method.is_json
    assert set(missing.get_json()) == {"message"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_expired_form_is_a_page_in_the_layout(make_app, language):
    csrf_app = make_app(WTF_CSRF_ENABLED=True, SECRET_KEY="error-pages-" + "x" * 32)
    client = csrf_app.test_client()
    response = client.post(f"/login/?_l_={language}",
                           data={"username": "admin", "password": "x"})
    assert_error_page(response, 400, language, "csrf")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_429_is_a_page_in_the_layout(make_app, language):
    limited = make_app(AUTH_RATE_LIMITED=True, RATELIMIT_ENABLED=True,
                       AUTH_RATE_LIMIT="1 per 1 minute", SECRET_KEY="error-429-" + "x" * 32)
    client = limited.test_client()
    for _ in range(2):
        response = client.post(f"/login/?_l_={language}",
                               data={"username": "admin", "password": "wrong"})
    assert_error_page(response, 429, language)


def test_the_way_back_is_the_previous_page_of_this_site_only(admin_client):
    here = admin_client.get("/complaints/show/987654",
                            headers={"Referer": "http://localhost/complaints/list/?x=1"})
    elsewhere = admin_client.get("/complaints/show/987654",
                                 headers={"Referer": "https://evil.example/complaints/list/"})
    assert 'id="error-back" href="/complaints/list/?x=1"' in here.get_data(as_text=True)
    assert 'id="error-back"' not in elsewhere.get_data(as_text=True)


def _page_of(response, path) -> str:
    """The page without what differs on every request (the CSP nonce, the CSRF token) and
    its own address (the language switch returns to it)."""
    html = response.get_data(as_text=True).replace(path, "/complaints/show/N")
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', html)


def test_a_complaint_out_of_scope_answers_the_page_of_a_missing_one(app, dbs):
    with dbs() as s:
        hidden = f.make_complaint(s, actor=f.user(s, "admin"), assignee=None, team=None)
        hidden_id, tracking = hidden.id, hidden.tracking_number
    agent = login(app.test_client(), "agent")
    hidden_path, missing_path = f"/complaints/show/{hidden_id}", "/complaints/show/987654"
    out_of_scope, missing = agent.get(hidden_path), agent.get(missing_path)
    assert out_of_scope.status_code == missing.status_code == 404
    assert _page_of(out_of_scope, hidden_path) == _page_of(missing, missing_path)
    assert "Page introuvable" in out_of_scope.get_data(as_text=True)
    assert tracking not in out_of_scope.get_data(as_text=True)


def test_a_missing_page_before_signing_in_is_the_same_page(app):
    response = app.test_client().get("/no/such/page?_l_=en")
    html = assert_error_page(response, 404, "en")
    assert 'href="/login/"' in html  # the menu offers to sign in
