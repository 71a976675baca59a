"""Signing out is a POST carrying the CSRF token: a GET (a link or an image on another
site, a bookmark) signs nobody out, and the menu's "Logout" is a small form."""

import re

import pytest

from tests.integration.test_csrf import TOKEN, signed_in, token_of

LOGOUT_FORM = re.compile(r'<form class="rec-logout-form" method="post" action="/logout/">'
                         r'\s*<input type="hidden" name="csrf_token" value="[^"]+">')


@pytest.fixture(scope="module")
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True, SECRET_KEY="logout-tests-" + "x" * 32)


def is_signed_in(client) -> bool:
    return client.get("/complaints/list/").status_code == 200


def test_a_get_signs_nobody_out_and_asks_instead(csrf_app):
    client = signed_in(csrf_app, "agent")

    page = client.get("/logout/?_l_=en")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Sign out of Réclamations?" in html
    assert 'id="logout-confirm"' in html and TOKEN.search(html)
    assert is_signed_in(client)


def test_a_post_without_the_csrf_token_signs_nobody_out(csrf_app):
    client = signed_in(csrf_app, "agent")

    response = client.post("/logout/?_l_=en")

    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert is_signed_in(client)


def test_the_menus_form_signs_out(csrf_app):
    client = signed_in(csrf_app, "agent")
    page = client.get("/complaints/list/")
    html = page.get_data(as_text=True)
    assert LOGOUT_FORM.search(html)
    assert 'href="/logout/"' not in html  # no link left to follow

    response = client.post("/logout/", data={"csrf_token": token_of(page)})

    assert response.status_code == 302
    assert not is_signed_in(client)


def test_the_confirmation_page_signs_out_in_french(csrf_app):
    client = signed_in(csrf_app, "agent")
    page = client.get("/logout/")
    assert "Se déconnecter de Réclamations\u00a0?" in page.get_data(as_text=True)

    client.post("/logout/", data={"csrf_token": token_of(page)})

    assert not is_signed_in(client)
    assert "Vous n'êtes pas connecté." in client.get("/logout/").get_data(as_text=True)
