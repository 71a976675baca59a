"""``GET /.well-known/security.txt`` (RFC 9116): where to report a vulnerability.

The address is the operator's (SECURITY_CONTACT); SECURITY.md says what to send.
"""

from datetime import UTC, datetime, timedelta

from flask import Blueprint, current_app

bp = Blueprint("security_txt", __name__)

VALID_DAYS = 365  # RFC 9116 asks for an expiry; the file is made at each request


@bp.get("/.well-known/security.txt")
def security_txt():
    contact = current_app.config.get("SECURITY_CONTACT") or "mailto:security@example.org"
    if "@" in contact and not contact.startswith(("mailto:", "https://")):
        contact = f"mailto:{contact}"
    expires = (datetime.now(UTC) + timedelta(days=VALID_DAYS)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = (f"Contact: {contact}\nExpires: {expires}\n"
            "Preferred-Languages: fr, en\n")
    return body, 200, {"Content-Type": "text/plain; charset=utf-8"}
