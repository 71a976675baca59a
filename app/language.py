"""``POST /language``: switch the interface language; a signed-in user also keeps it on
their account, so that their next session starts in it.

FAB's ``GET /lang/<code>`` stays and switches the session only: a GET must never write
to the database, or any link or image on another site could change a user's account.
This route is a POST, so Flask-WTF checks its CSRF token.
"""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_login import current_user

from app.extensions import db
from app.services.preferences import save_language

bp = Blueprint("language", __name__)


@bp.post("/language")
def switch():
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = language  # where FAB's locale selector reads it
    if current_user.is_authenticated:
        save_language(db.session, current_user._get_current_object(), language)
    return redirect(_back_to())


def _back_to() -> str:
    """The page the switch was made on: the form's ``next``, else the Referer, when either
    is a page of this site (never an open redirect); else the home page."""
    target = safe_path(request.form.get("next"))
    if target is None and request.referrer:
        referrer = urlsplit(request.referrer)
        if referrer.scheme in ("http", "https") and referrer.netloc == request.host:
            target = safe_path(referrer._replace(scheme="", netloc="").geturl())
    return target or url_for("HomeView.index")


def safe_path(value: str | None) -> str | None:
    """``value`` if it is a path on this site ("/…", with no scheme or host), else None."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        return None  # browsers read "/\\host" as "//host"; control characters are not URLs
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else None
