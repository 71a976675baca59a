"""Error pages of our own, in the product's layout and the user's language, each with a
way back: a request not understood (400), a page refused (403), missing or out of the
reader's scope (404: the same page, so an address reveals nothing), a method not allowed
(405), too many login attempts (429), a form refused because its CSRF token is missing or
expired (400), files too large (413), an unexpected error (500), and the last resort for
a database error no code answered (409 for a conflict, 400 for a value the database or
Python cannot hold): never a 500, the session rolled back.

Werkzeug's default pages are bare English text without the menu; the REST API answers
JSON, as the rest of FAB's API does.
"""

import logging
from urllib.parse import urlsplit

from flask import current_app, flash, g, jsonify, redirect, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError

from app.error_messages import language, translated
from app.extensions import db
from app.services import uniqueness
from app.services.attachments import reader_size

logger = logging.getLogger(__name__)


# (title, message) of the pages of a plain HTTP error, read in the user's language.
PAGES = {
    400: (_l("Request not understood"),
          _l("This request could not be understood; nothing was changed. Go back and try "
             "again.")),
    403: (_l("Access denied"),
          _l("You are not allowed to open this page. Ask an administrator if you need it.")),
    404: (_l("Page not found"),
          _l("This page does not exist, no longer exists, or is not available to you.")),
    405: (_l("Action not allowed"),
          _l("This page cannot be used that way. Go back and use the page's own buttons.")),
    500: (_l("Something went wrong"),
          _l("An unexpected error occurred and the request could not be completed. Try "
             "again in a moment; if it happens again, tell your administrator.")),
}


def register_error_pages(app):
    app.register_error_handler(429, too_many_requests)
    app.register_error_handler(CSRFError, form_refused)
    app.register_error_handler(413, too_large)
    for status in (400, 403, 404, 405):
        app.register_error_handler(status, http_error)
    app.register_error_handler(500, server_error)
    for error in LAST_RESORT:
        app.register_error_handler(error, database_refusal)


LAST_RESORT = (IntegrityError, DataError, OverflowError)


def refusal_of(error) -> tuple[int, str, str]:
    """``(status, title, message)`` for an error of LAST_RESORT, in the user's language."""
    if isinstance(error, IntegrityError):
        refused = uniqueness.refusal(error)
        message = str(refused) if refused is not None else _(
            "This change conflicts with other records and was not saved.")
        return 409, _("Not saved"), message
    return 400, _("Value not accepted"), _(
        "A value is outside what this application accepts; nothing was changed.")


def database_refusal(error):
    """A database conflict or an out-of-range value that escaped every check: answered
    409/400 (JSON on the API, a page elsewhere), the session's transaction rolled back."""
    db.session.rollback()
    logger.warning("%s on %s %s: %s", type(error).__name__, request.method, request.path,
                   getattr(error, "orig", error))
    if request.path.startswith("/api/"):
        with force_locale(language()):
            return error_page(*refusal_of(error))
    return error_page(*refusal_of(error))


def http_error(error):
    """400, 403, 404, 405: a page in the layout; JSON under /api/."""
    if request.path.startswith("/api/"):
        return _json_for_the_api(error)
    title, message = PAGES[error.code]
    return error_page(error.code, str(title), str(message), allow=error)


def server_error(error):
    """An error no code expected: logged with its cause, the session rolled back, and a
    page in the layout (or a bare one when even the layout cannot be drawn)."""
    original = getattr(error, "original_exception", None)
    logger.error("unexpected error on %s %s", request.method, request.path,
                 exc_info=original if original is not None else error)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the database may be the cause; the page must answer
        logger.warning("could not roll back after an error", exc_info=True)
    if request.path.startswith("/api/"):
        return jsonify(message=translated(PAGES[500][1])), 500
    title, message = (str(text) for text in PAGES[500])
    try:
        return error_page(500, title, message)
    except Exception:  # noqa: BLE001 - the layout needs the database (menu, user)
        logger.warning("error page drawn without the layout", exc_info=True)
        page = render_template("errors/bare.html", title=title, message=message,
                               home=url_for_index())
        return page, 500


def url_for_index() -> str:
    return current_app.appbuilder.get_url_for_index


def _json_for_the_api(error):
    """Under /api/ a wrong address or method answers JSON like every API error."""
    code = error.code
    if code not in (404, 405):  # 400, 403: the page's message, in the API's language
        return jsonify(message=translated(PAGES[code][1])), code
    if code == 405 and request.method in ("GET", "HEAD") and "GET" not in (
            error.valid_methods or []):
        # GET /api/v1/complaint/abc: FAB reads items at /<int:pk> only, and edits at
        # /<pk>; there is no such item, whatever the method that happened to match.
        code = 404
    messages = {404: _l("Not found."), 405: _l("This method is not allowed here.")}
    response = jsonify(message=translated(messages[code]))
    response.status_code = code
    if code == 405:
        response.headers["Allow"] = ", ".join(error.valid_methods or [])
    return response


def too_many_requests(error):
    if request.path.startswith(("/public", "/api/v1/public")):
        logger.warning("public portal throttled for %s: %s", request.remote_addr,
                       getattr(error, "description", ""))
        message = _("Too many requests from your address. Please wait a moment and try "
                    "again.")
        if request.path.startswith("/api/"):
            return jsonify(message=message), 429
        page = render_template("public/message.html", title=_("Too many requests"),
                               text=message)
        return page, 429
    # The other limits are FAB's login limits (see config.py).
    logger.warning("login attempts throttled for %s: %s", request.remote_addr,
                   getattr(error, "description", ""))
    return error_page(429, _("Too many attempts"),
                  _("Too many login attempts. Please wait a moment and try again."))


def form_refused(error):
    logger.info("CSRF check failed on %s %s: %s", request.method, request.path,
                error.description)
    return error_page(400, _("Form not accepted"),
                  _("This form has expired or did not come from this site. Go back, reload "
                    "the page and try again."))


def too_large(error):
    """A request over MAX_CONTENT_LENGTH (Werkzeug refuses it before reading it): back to
    the page the form came from, with the reason. A body that is not an upload has the
    smaller limit BODY_MAX_BYTES (app/route_guards.py)."""
    body_limit = g.get("body_limit")
    if body_limit:
        logger.info("request body too large on %s %s", request.method, request.path)
        message = _l("The request is too large: at most %(max)s.", max=reader_size(body_limit))
        if request.path.startswith("/api/v1/public"):  # the portal's language (?_l_=)
            return jsonify(message=str(message)), 413
        if request.path.startswith("/api/"):
            return jsonify(message=translated(message)), 413
        return error_page(413, _("Request too large"), str(message))
    limit = current_app.config.get("ATTACHMENT_MAX_BYTES") or 0
    message = _("The files sent are too large: at most %(max)s a file, %(n)s files at once.",
                max=reader_size(limit), n=current_app.config.get("ATTACHMENT_MAX_FILES"))
    logger.info("request too large on %s %s", request.method, request.path)
    back = request.referrer or ""
    if not request.path.startswith("/api/") and _same_site(back):
        flash(message, "danger")
        return redirect(back)
    return error_page(413, _("Files too large"), message)


def _same_site(url: str) -> bool:
    target = urlsplit(url)
    return bool(url) and target.scheme in ("http", "https") and \
        target.netloc == urlsplit(request.host_url).netloc


def back_link() -> str | None:
    """The page the user came from, as a path on this site, or None: never another
    site's address, never the page that failed."""
    back = request.referrer or ""
    if not _same_site(back):
        return None
    target = urlsplit(back)
    path = target.path + (f"?{target.query}" if target.query else "")
    if not path.startswith("/") or path.startswith("//") or target.path == request.path:
        return None
    return path


def error_page(status, title, message, allow=None):
    if request.path.startswith("/api/"):
        return jsonify(message=message), status
    appbuilder = current_app.appbuilder
    if "user" not in g:
        # CSRFProtect and the limiter refuse in a before_request that may run before FAB's
        # own (which sets g.user), and the navbar's menu reads g.user.
        g.user = current_user
    page = render_template("errors/error.html", title=title, message=message, status=status,
                           back=back_link(), appbuilder=appbuilder,
                           base_template=appbuilder.base_template)
    headers = {}
    if status == 405 and allow is not None and getattr(allow, "valid_methods", None):
        headers["Allow"] = ", ".join(allow.valid_methods)
    return page, status, headers
