"""Request-level behaviour: language switching and saving, the health check, and the
guards that turn malformed URLs into a 302/400/404 instead of a server error."""

import json
import subprocess
import sys
import time

import pytest

from tests import factories as f
from tests.conftest import PASSWORD, login


@pytest.fixture
def fresh_user(dbs):
    """A user of its own: switching language is saved on the account."""
    from flask import current_app

    with dbs():
        return f.make_user(current_app.appbuilder, "Agent", PASSWORD).username


def language_of(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def saved_language(dbs, username):
    with dbs() as s:
        return f.user(s, username).language


# --- language -----------------------------------------------------------------------------

def switch_language(client, code, **extra):
    """The navbar's language form (the testing config checks no CSRF token)."""
    return client.post("/language", data={"language": code, **extra})


def test_french_by_default(app, fresh_user):
    client = login(app.test_client(), fresh_user)

    page = client.get("/complaints/list/")

    assert language_of(page) == "fr"
    assert "Toutes les réclamations" in page.get_data(as_text=True)


def test_switching_to_english_is_applied_saved_and_restored_at_next_login(app, dbs,
                                                                          fresh_user):
    client = login(app.test_client(), fresh_user)

    switched = switch_language(client, "en")
    page = client.get("/complaints/list/")

    assert switched.status_code == 302
    assert language_of(page) == "en"
    html = page.get_data(as_text=True)
    assert "All complaints" in html and "Complaints" in html
    assert saved_language(dbs, fresh_user) == "en"

    next_session = login(app.test_client(), fresh_user)
    assert language_of(next_session.get("/complaints/list/")) == "en"

    switch_language(next_session, "fr")
    assert saved_language(dbs, fresh_user) == "fr"
    assert language_of(login(app.test_client(), fresh_user).get("/clients/list/")) == "fr"


def test_the_navbar_switches_language_with_a_post_form(app, fresh_user):
    client = login(app.test_client(), fresh_user)

    html = client.get("/complaints/list/?_flt_0_subject=x").get_data(as_text=True)

    form = html.split('<form class="rec-lang-form"', 1)[1].split("</form>", 1)[0]
    assert 'method="post" action="/language"' in form
    assert 'name="language" value="en"' in form and 'id="lang-en"' in form
    assert 'name="next" value="/complaints/list/?_flt_0_subject=x"' in form
    assert 'name="csrf_token"' in form
    assert "/lang/" not in html  # no GET link that would not save the choice


def test_switching_language_returns_to_the_page(app, dbs, fresh_user):
    with dbs() as s:
        pk = f.make_client(s).id
    client = login(app.test_client(), fresh_user)

    response = switch_language(client, "en", next=f"/clients/show/{pk}")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/clients/show/{pk}")


def test_without_next_the_referer_of_this_site_is_the_way_back(app, fresh_user):
    client = login(app.test_client(), fresh_user)

    back = client.post("/language", data={"language": "en"},
                       headers={"Referer": "http://localhost/clients/list/?page_ClientView=1"})

    assert back.headers["Location"] == "/clients/list/?page_ClientView=1"


@pytest.mark.parametrize(("next_url", "referer"), [
    ("https://evil.example/phish", None), ("//evil.example/x", None),
    ("/\\evil.example", None), ("javascript:alert(1)", None), ("/ok\r\nSet-Cookie:x", None),
    (None, "https://evil.example/clients/list/"),
])
def test_switching_language_never_redirects_off_site(app, fresh_user, next_url, referer):
    client = login(app.test_client(), fresh_user)
    data = {"language": "en"} | ({"next": next_url} if next_url else {})

    response = client.post("/language", data=data,
                           headers={"Referer": referer} if referer else {})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_fab_language_link_switches_the_session_only(app, dbs, fresh_user):
    """FAB's GET /lang/<code> still works (bookmarks), but a GET writes nothing."""
    client = login(app.test_client(), fresh_user)

    assert client.get("/lang/en").status_code == 302
    assert language_of(client.get("/complaints/list/")) == "en"
    assert saved_language(dbs, fresh_user) is None


def test_url_language_does_not_change_the_saved_one(app, dbs, fresh_user):
    client = login(app.test_client(), fresh_user)

    assert language_of(client.get("/complaints/list/?_l_=en")) == "en"
    assert language_of(client.get("/complaints/list/")) == "fr"
    assert saved_language(dbs, fresh_user) is None


def test_anonymous_language_switch_saves_nothing(app):
    client = app.test_client()

    assert switch_language(client, "en", next="/login/").status_code == 302
    assert language_of(client.get("/login/")) == "en"
    assert client.get("/lang/fr").status_code == 302
    assert language_of(client.get("/login/")) == "fr"


def test_unknown_language_is_refused(app, dbs, fresh_user):
    client = login(app.test_client(), fresh_user)

    assert switch_language(client, "xx").status_code == 400
    assert client.post("/language").status_code == 400
    assert client.get("/lang/xx").status_code == 404
    assert saved_language(dbs, fresh_user) is None


def test_language_cannot_be_switched_with_a_get(app):
    assert app.test_client().get("/language?language=en").status_code == 405


# --- health -------------------------------------------------------------------------------

# A second application in this process would take over the shared AppBuilder of the
# session's application (extensions.py builds one AppBuilder at import): build it in a
# child process instead.
HEALTH_PROBE = """
import json, sys
from app import create_app
app = create_app("testing", SQLALCHEMY_DATABASE_URI=sys.argv[1], INSTANCE_PATH=sys.argv[2],
                 FILE_STORAGE_PATH=sys.argv[2])
response = app.test_client().get("/health")
print(json.dumps({"status": response.status_code, "body": response.get_json()}))
"""


def health_of(database_url, tmp_path):
    from config import ROOT

    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", HEALTH_PROBE, database_url, str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), time.monotonic() - started


@pytest.mark.parametrize("database_url", [
    "sqlite:////nonexistent-dir/x.db",
    "postgresql+psycopg://postgres@127.0.0.1:1/x",
])
def test_health_reports_an_unavailable_database(tmp_path, database_url):
    result, elapsed = health_of(database_url, tmp_path)

    assert result["status"] == 503
    body = result["body"]
    assert (body["status"], body["database"]) == ("error", "unavailable")
    assert body["reason"] and len(body["reason"]) <= 200
    assert elapsed < 60


def test_health_answers_without_login(app):
    response = app.test_client().get("/health")

    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["scheduler"] in ("ok", "late", "never")  # test_metrics.py checks which


# --- malformed URLs -----------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "/complaints/show/99999999999999999999", "/complaints/edit/99999999999999999999",
    "/complaints/edit/3000000000", "/clients/show/3000000000",
    "/clients/edit/99999999999999999999", "/contracts/show/99999999999999999999",
    "/config/categories/edit/99999999999999999999", "/config/states/show/3000000000",
    "/complaints/edit/abc", "/contracts/show/abc",
])
def test_out_of_range_or_malformed_ids_are_404(admin_client, url):
    assert admin_client.get(url).status_code == 404


@pytest.mark.parametrize("url", [
    "/complaints/list/?_flt_0_tracking_number=a%00b", "/complaints/lookup/clients?q=%00",
    "/clients/list/?_flt_0_name=%00",
])
def test_nul_bytes_in_the_query_are_a_bad_request(admin_client, url):
    assert admin_client.get(url).status_code == 400


def test_nul_bytes_in_a_form_are_a_bad_request(admin_client, dbs):
    number = f.unique("NUL")

    response = admin_client.post("/clients/add", data={"customer_number": number,
                                                       "name": "a\x00b"})

    assert response.status_code == 400
    with dbs() as s:
        from sqlalchemy import select

        from app.models import Client

        assert s.scalars(select(Client).where(Client.customer_number == number)).all() == []


@pytest.mark.parametrize("url", [
    "/clients/list/?page_ClientView=abc", "/clients/list/?psize_ClientView=-5",
    "/contracts/list/?page_ContractView=%C2%B2", "/reminders/list/?psize_MyReminderView=x",
    "/config/categories/list/?page_CategoryView=1e3",
])
def test_malformed_page_arguments_on_any_list(admin_client, url):
    response = admin_client.get(url)

    assert response.status_code == 302
    assert admin_client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("url", [
    "/clients/list/?psize_ClientView=5000", "/clients/list/?page_ClientView=0",
    "/clients/list/?_oc_ClientView=name&_od_ClientView=desc",
])
def test_valid_list_arguments_are_kept(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_home_sends_staff_to_their_work_and_others_to_login(app, agent_client):
    staff = agent_client.get("/")
    anonymous = app.test_client().get("/")

    assert staff.status_code == 302 and "/login/" not in staff.headers["Location"]
    assert agent_client.get(staff.headers["Location"]).status_code == 200
    assert anonymous.status_code == 302 and "/login/" in anonymous.headers["Location"]
