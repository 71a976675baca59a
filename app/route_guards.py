"""Routes FAB exposes that must not answer as FAB would.

- ``delete/<pk>`` and ``action/<name>/<pk>`` accept GET. FAB itself refuses the GET
  ("Access is Denied") only while CSRFProtect is installed and
  ``FAB_ALLOW_GET_UNSAFE_MUTATIONS`` is off; when FAB would go ahead, answer 405 instead,
  since a GET can be triggered by any link or image on another site.
- ``download/<filename>`` serves FAB's upload folder, which this product does not use
  (and without ``UPLOAD_FOLDER`` it fails with a server error): 404.
- FAB's security REST APIs (users, roles, …) accept the browser's session cookie
  (``allow_browser_login``) yet are exempt from CSRFProtect: a write they receive with a
  signed-in session must carry the CSRF token (``X-CSRFToken`` header), like a form.
  Token-authenticated clients send no session cookie and are unaffected. The product's
  API (app/api) and API keys accept tokens only, so a cookie alone gets a 401 there.
- A body other than an upload (JSON on the API and the public API, a form without files)
  is refused with a 413 past BODY_MAX_BYTES, before anything parses it: only multipart
  uploads outside the API may grow to MAX_CONTENT_LENGTH.
- A NUL character in any argument, form field or JSON value is refused with a 400:
  PostgreSQL cannot store one in text, and no person types it.
"""

from flask import abort, current_app, g, request, session
from flask_appbuilder.api import BaseApi
from flask_appbuilder.baseviews import BaseCRUDView
from flask_babel import gettext as _

from app.errors import error_page
from app.extensions import csrf

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MUTATING_ON_GET = frozenset({"delete", "action"})


def register_route_guards(app):
    app.before_request(_limit_body)  # first: the NUL check below parses the body
    app.before_request(_refuse_nul_characters)
    app.before_request(_refuse_fab_routes)
    app.before_request(_protect_cookie_api_writes)


def _limit_body():
    if request.method in SAFE_METHODS:
        return
    limit = current_app.config.get("BODY_MAX_BYTES")
    upload = request.mimetype == "multipart/form-data" and not request.path.startswith("/api/")
    if upload or not limit:
        return
    # One that declares more is refused without reading it. One sent without a
    # Content-Length (chunked) is read up to the limit (Werkzeug stops there) and kept for
    # the view; a byte more is refused: truncated, it would be parsed as something else.
    request.max_content_length = g.body_limit = limit
    if request.content_length is not None:
        if request.content_length > limit:
            abort(413)
    elif request.environ.get("wsgi.input_terminated"):
        request.get_data()
        request.stream.read(1)  # RequestEntityTooLarge (413) past the limit


def _refuse_nul_characters():
    values = list(request.args.items(multi=True))
    if request.method not in SAFE_METHODS:
        values += list(request.form.items(multi=True))
        if request.is_json:
            values.append(("", request.get_json(silent=True)))
    if not any(_holds_nul(key) or _holds_nul(value) for key, value in values):
        return None
    # JSON for the API, a page for people (app/errors.py decides by the path).
    return error_page(400, _("Form not accepted"),
                  _("The request holds a character that is not allowed (NUL)."))


def _holds_nul(value, depth=0) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if depth > 50:  # deeper than any real request: not ours to walk
        return False
    if isinstance(value, dict):
        return any(_holds_nul(k, depth + 1) or _holds_nul(v, depth + 1)
                   for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v, depth + 1) for v in value)
    return False


def _view():
    view_function = current_app.view_functions.get(request.endpoint)
    return getattr(view_function, "__self__", None)


def _refuse_fab_routes():
    view = _view()
    if not isinstance(view, BaseCRUDView):
        return
    method = request.endpoint.rsplit(".", 1)[-1]
    if method == "download":
        abort(404)
    if (method in MUTATING_ON_GET and request.method in ("GET", "HEAD")
            and view.is_get_mutation_allowed()):
        abort(405, valid_methods=["POST"])


def _protect_cookie_api_writes():
    if request.method in SAFE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED"):
        return
    view = _view()
    # Flask-Login's session key. The product's own API never reads the cookie (tokens
    # only), so a token sent from a signed-in browser (Swagger's "Try it out") needs no
    # CSRF token there.
    if "_user_id" in session and isinstance(view, BaseApi) and view.allow_browser_login:
        csrf.protect()
