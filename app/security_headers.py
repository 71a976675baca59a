"""Security headers on every response, and the per-request nonce that lets our <script>
tags and FAB's run under the Content-Security-Policy.

FAB's templates already write ``nonce="{{ baselib.get_nonce() }}"`` on every script, and
``get_nonce()`` calls a ``csp_nonce()`` template global when one exists: registering it
is what makes FAB's pages work under a policy without 'unsafe-inline' scripts.
"""

import secrets

from flask import current_app, g

# FAB's widgets and Bootstrap 3 write inline style attributes: styles stay 'unsafe-inline'
# (a style cannot run code); scripts need the nonce or to come from this site.
POLICY = (
    ("default-src", "'self'"),
    ("script-src", "'self' 'nonce-{nonce}'"),
    ("style-src", "'self' 'unsafe-inline'"),
    ("img-src", "'self' data:"),
    ("font-src", "'self' data:"),
    ("connect-src", "'self'"),
    ("frame-ancestors", "'none'"),
    ("form-action", "'self'"),
    ("base-uri", "'self'"),
    ("object-src", "'none'"),
)

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


def csp_nonce() -> str:
    """This request's nonce, made on first use and the same for every script of the page."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    # One policy for every page, Swagger UI included: its bundle runs under it (checked in
    # a browser by tests/e2e/test_csp.py), so nothing needs 'unsafe-eval'.
    return "; ".join(f"{name} {value.format(nonce=nonce)}" for name, value in POLICY)


def add_security_headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
    for name, value in HEADERS.items():
        headers.setdefault(name, value)
    hsts = current_app.config.get("HSTS_SECONDS") or 0
    if hsts:
        headers.setdefault("Strict-Transport-Security", f"max-age={int(hsts)}")
    return response


def register_security_headers(app):
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(add_security_headers)
