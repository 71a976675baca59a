"""Security headers on every response (pages, /health, errors, static files), the CSP
nonce on every <script> tag, and Swagger's relaxation scoped to its own path."""

import re

import pytest

from app.security_headers import content_security_policy

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def nonce_of(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return re.search(r"'nonce-([\w-]+)'", policy).group(1)


def assert_secured(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    assert "camera=()" in response.headers["Permissions-Policy"]
    policy = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "style-src 'self' 'unsafe-inline'",
                      "img-src 'self' data:", "font-src 'self' data:", "connect-src 'self'",
                      "frame-ancestors 'none'", "form-action 'self'", "base-uri 'self'",
                      "object-src 'none'"):
        assert directive in policy
    assert re.search(r"script-src 'self' 'nonce-[\w-]{16,}'(;|$)", policy)
    assert "unsafe-eval" not in policy


@pytest.mark.parametrize("url", ["/complaints/list/", "/dashboard/", "/health",
                                 "/no-such-page", "/complaints/show/99999999",
                                 "/static/reclamations.css"])
def test_headers_on_every_response(admin_client, url):
    assert_secured(admin_client.get(url))


def test_headers_on_anonymous_pages_and_redirects(app):
    client = app.test_client()

    assert_secured(client.get("/login/"))
    assert_secured(client.get("/complaints/list/"))  # 302 to the login page


def test_every_script_carries_this_requests_nonce(admin_client):
    response = admin_client.get("/dashboard/")
    html = response.get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)

    assert len(scripts) >= 8  # FAB's, ours and the dashboard's chart
    nonce = nonce_of(response)
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    assert nonce != nonce_of(admin_client.get("/dashboard/"))  # one per request


def test_no_inline_event_handler_in_our_pages(admin_client, dbs_complaint):
    for url in ("/dashboard/", "/complaints/list/", "/complaints/add",
                f"/complaints/show/{dbs_complaint}", "/clients/add", "/users/list/"):
        html = admin_client.get(url).get_data(as_text=True)
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert "javascript:" not in html, url


def test_swagger_ui_gets_the_same_policy(admin_client):
    swagger = admin_client.get("/swagger/v1")

    assert swagger.status_code == 200
    assert_secured(swagger)
    assert swagger.headers["Content-Security-Policy"] == content_security_policy(
        nonce_of(swagger))


def test_hsts_only_where_configured(app, admin_client):
    assert "Strict-Transport-Security" not in admin_client.get("/health").headers
    app.config["HSTS_SECONDS"] = 600
    try:
        assert admin_client.get("/health").headers["Strict-Transport-Security"] == "max-age=600"
    finally:
        app.config["HSTS_SECONDS"] = 0


@pytest.fixture
def dbs_complaint(app):
    from app.extensions import db
    from tests import factories as f

    with app.app_context():
        return f.make_complaint(db.session, actor=f.user(db.session, "admin")).id
