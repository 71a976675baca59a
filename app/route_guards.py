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
"""

from flask import abort, current_app, request, session
from flask_appbuilder.api import BaseApi
from flask_appbuilder.baseviews import BaseCRUDView

from app.extensions import csrf

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MUTATING_ON_GET = frozenset({"delete", "action"})


def register_route_guards(app):
    app.before_request(_refuse_fab_routes)
    app.before_request(_protect_cookie_api_writes)


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
