"""The production configuration: it refuses to start with a missing, default or short
SECRET_KEY, and its cookies are Secure, HttpOnly and SameSite=Lax."""

import secrets

import pytest

from config import DEFAULT_SECRET, ProductionConfig


@pytest.mark.parametrize("secret", [None, "", "   ", DEFAULT_SECRET, "short-secret",
                                    "x" * 31])
def test_production_refuses_a_weak_secret(secret):
    from app import create_app

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY=secret)


def test_other_configurations_accept_the_development_secret(make_app):
    assert make_app("testing", SECRET_KEY=DEFAULT_SECRET).config["SECRET_KEY"] == DEFAULT_SECRET


def test_production_cookie_settings():
    assert ProductionConfig.PRODUCTION is True
    assert ProductionConfig.SESSION_COOKIE_SECURE is True  # SESSION_COOKIE_SECURE unset
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY is True
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_HTTPONLY is True
    assert ProductionConfig.HSTS_SECONDS >= 31536000


def test_production_starts_with_a_long_random_secret(make_app):
    app = make_app("production", SECRET_KEY=secrets.token_urlsafe(48))
    client = app.test_client()

    login_page = client.get("/login/", base_url="https://localhost")

    assert login_page.status_code == 200
    cookie = login_page.headers["Set-Cookie"]  # the session holds the CSRF token
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert login_page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert 'name="csrf_token"' in login_page.get_data(as_text=True)
    assert client.post("/login/", base_url="https://localhost",
                       data={"username": "admin", "password": "x"}).status_code == 400
