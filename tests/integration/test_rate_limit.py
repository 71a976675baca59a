"""Login throttling: FAB's AUTH_RATE_LIMITED with Flask-Limiter, on the login form and on
the REST login, answered with a translated page (or JSON) and HTTP 429. The testing
configuration keeps the limiter off; these tests build an application with it on."""

import pytest

LIMIT = 3


@pytest.fixture
def limited_app(make_app):
    """A fresh application per test: its own in-memory counters."""
    return make_app(AUTH_RATE_LIMITED=True, RATELIMIT_ENABLED=True,
                    AUTH_RATE_LIMIT=f"{LIMIT} per 1 minute",
                    SECRET_KEY="rate-limit-tests-" + "x" * 32)


def wrong_login(client, path="/login/"):
    return client.post(path, data={"username": "admin", "password": "wrong-password"})


def test_login_form_is_throttled_with_a_translated_page(limited_app):
    client = limited_app.test_client()

    allowed = [wrong_login(client).status_code for _ in range(LIMIT)]
    throttled = wrong_login(client)

    assert allowed == [302] * LIMIT  # back to the form with "invalid login"
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    html = throttled.get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert "Trop de tentatives de connexion. Patientez un instant puis réessayez." in html
    assert 'class="navbar' in html  # the usual page, with its menu

    english = wrong_login(client, "/login/?_l_=en")
    assert english.status_code == 429
    assert ("Too many login attempts. Please wait a moment and try again."
            in english.get_data(as_text=True))


def test_throttling_counts_login_posts_only(limited_app):
    client = limited_app.test_client()
    for _ in range(LIMIT + 1):
        wrong_login(client)

    assert client.get("/login/").status_code == 200
    assert client.get("/health").status_code == 200
    assert client.post("/language", data={"language": "en"}).status_code == 302


def test_a_right_password_is_throttled_too(limited_app):
    from tests.conftest import PASSWORD

    client = limited_app.test_client()
    for _ in range(LIMIT):
        wrong_login(client)

    response = client.post("/login/", data={"username": "admin", "password": PASSWORD})

    assert response.status_code == 429
    assert client.get("/complaints/list/").status_code == 302  # not signed in


def test_rest_login_is_throttled_with_json(limited_app):
    client = limited_app.test_client()
    body = {"username": "admin", "password": "wrong-password", "provider": "db"}

    allowed = [client.post("/api/v1/security/login", json=body).status_code
               for _ in range(LIMIT)]
    throttled = client.post("/api/v1/security/login?_l_=en", json=body)

    assert allowed == [401] * LIMIT
    assert throttled.status_code == 429
    assert throttled.get_json() == {
        "message": "Too many login attempts. Please wait a moment and try again."}


def test_the_limit_is_per_client_address(limited_app):
    first, second = limited_app.test_client(), limited_app.test_client()
    for _ in range(LIMIT + 1):
        wrong_login(first)

    other = second.post("/login/", data={"username": "admin", "password": "wrong"},
                        environ_base={"REMOTE_ADDR": "192.0.2.10"})

    assert other.status_code == 302


def test_configuration_defaults():
    from config import Config, ProductionConfig, TestingConfig

    assert Config.AUTH_RATE_LIMITED is True and ProductionConfig.AUTH_RATE_LIMITED is True
    assert Config.AUTH_RATE_LIMIT == "10 per 20 second"
    assert Config.RATELIMIT_STORAGE_URI == "memory://"
    assert TestingConfig.AUTH_RATE_LIMITED is False and TestingConfig.RATELIMIT_ENABLED is False


def test_behind_a_trusted_proxy_the_limit_is_per_forwarded_address(make_app):
    app = make_app(AUTH_RATE_LIMITED=True, RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1,
                   AUTH_RATE_LIMIT=f"{LIMIT} per 1 minute", SECRET_KEY="proxy-tests-" + "x" * 32)
    client = app.test_client()

    def from_(address):
        return client.post("/login/", data={"username": "admin", "password": "wrong"},
                           headers={"X-Forwarded-For": address})

    first = [from_("198.51.100.1").status_code for _ in range(LIMIT + 1)]

    assert first[-1] == 429
    assert from_("198.51.100.2").status_code == 302
