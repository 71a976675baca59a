"""FAB's own REST APIs (security: users, roles, groups, permissions; API keys; the login)
answering as their OpenAPI document says, like the product's: every operation documents
the errors it may answer, and an error's message is a string."""

import logging
import sys

from flask import current_app, jsonify, request
from flask_appbuilder.api import BaseApi
from flask_appbuilder.exceptions import ApplyFilterException
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.apis import ApiKeyApi
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError

from app.api.base import (
    BAD_QUERY,
    MESSAGES,
    ScopedModelApi,
    document_errors,
    field_errors,
    integer_ids,
    plain_messages,
    translated,
)
from app.api.keys import revoked_keys_are_gone, true_to_its_document
from app.api.queries import document_queries
from app.domain.numbers import MAX_ID, is_digits
from app.errors import PAGES
from app.extensions import db

logger = logging.getLogger(__name__)


def tidy_fab_apis(appbuilder) -> None:
    for view in appbuilder.baseviews:
        if isinstance(view, ApiKeyApi):
            _api_keys_by_token_only(view)
        if not isinstance(view, BaseApi) or isinstance(view, ScopedModelApi):
            continue
        # A refused login says so, in words a person reads (not "Not authorized").
        plain_messages(view, unauthorized=_l("Invalid login. Please try again.")
                       if isinstance(view, SecurityApi) else None)
        fab_422 = view.response_422
        view.response_422 = lambda message=None, _fab=fab_422: _fab(
            field_errors(message) if message is not None else None)
        fab_helper = view.operation_helper

        def helper(path=None, operations=None, methods=None, func=None, _fab=fab_helper,
                   _view=view, **kwargs):
            _fab(path=path, operations=operations, methods=methods, func=func, **kwargs)
            document_errors(operations)
            integer_ids(operations, func)
            document_queries(_view, operations, func)
            if getattr(func, "__name__", "") == "info":
                _info_lists_its_columns(operations)

        view.operation_helper = helper
        view.response_500 = _bad_input_or(view.response_500, view)
    refuse_non_integer_ids(current_app._get_current_object())  # called in create_app
    missing_rows_are_not_found(current_app._get_current_object())
    revoked_keys_are_gone(current_app._get_current_object())


def _api_keys_by_token_only(view) -> None:
    """FAB's API-key resource accepts the browser's session cookie, and the API is
    exempt from CSRF: a page of another site could then create a key. Only a token
    (JWT or key) may manage keys."""
    view.allow_browser_login = False
    true_to_its_document(view)


def refuse_non_integer_ids(app) -> None:
    """FAB's permission-resource API hands its ids to the database unchecked (a list for
    ``permission_id`` was a 500): a value that is not an integer is bad input."""

    @app.before_request
    def integer_ids_only():
        collection = "/api/v1/security/permissions-resources/"
        if not (request.method == "POST" and request.path == collection or (
                request.method == "PUT" and request.path.startswith(collection)
                and is_digits(request.path[len(collection):]))):
            return None
        body = request.get_json(silent=True)
        if isinstance(body, dict) and any(
                name in body and (isinstance(body[name], bool)
                                  or not isinstance(body[name], int))
                for name in ("permission_id", "view_menu_id")):
            return jsonify(message=translated(_l("%(field)s must be an integer.")
                                              % {"field": "permission_id / view_menu_id"})
                           ), 400
        return None


SECURITY_MODELS = {"users": "user_model", "roles": "role_model", "groups": "group_model",
                   "resources": "viewmenu_model", "permissions": "permission_model",
                   "permissions-resources": "permissionview_model"}


def missing_rows_are_not_found(app) -> None:
    """FAB's user API edits a user it did not find (``None.active``: a 500): a PUT or a
    DELETE of a security row that does not exist is a 404 before FAB sees it."""

    @app.before_request
    def security_row_exists():
        parts = request.path.strip("/").split("/")
        if (request.method not in ("PUT", "DELETE") or len(parts) != 5
                or parts[:3] != ["api", "v1", "security"]
                or parts[3] not in SECURITY_MODELS or parts[4].startswith("_")):
            return None  # "_info" is an operation of its own, not an id
        model = getattr(current_app.appbuilder.sm, SECURITY_MODELS[parts[3]], None)
        if model is None:
            return None
        # An id that is not a whole number ("1.5", "³") or beyond the column's range
        # names no row either: FAB would look it up and edit ``None``.
        if is_digits(parts[4]) and int(parts[4]) <= MAX_ID and db.session.get(
                model, int(parts[4])) is not None:
            return None
        return jsonify(message=translated(MESSAGES[404])), 404


def _info_lists_its_columns(operations):
    """FAB documents ``_info``'s add_columns and edit_columns as objects; they are lists
    of field descriptions."""
    for operation in operations.values():
        for code, response in operation.get("responses", {}).items():
            if str(code) != "200":
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            for name in ("add_columns", "edit_columns"):
                if schema and name in schema.get("properties", {}):
                    schema["properties"][name] = {"type": "array",
                                                  "items": {"type": "object"}}


def _bad_input_or(fab_500, view):
    """FAB's ``@safe`` answers 500 to any exception; one raised by a value of the request
    (an id beyond 64 bits, a string where the database wants a number, a required field
    missing, a name already taken) is bad input."""

    def response_500(message=None):
        error = sys.exc_info()[1]
        if isinstance(error, ApplyFilterException):  # FAB's wrapper of the database's
            error = error.__context__                 # refusal of a filter's value
        # A read the database cannot run with the request's values (PostgreSQL: a text
        # compared with a number) is bad input too, unless the connection itself failed.
        read_refused = (request.method == "GET" and isinstance(error, DBAPIError)
                        and not error.connection_invalidated)
        if isinstance(error, BAD_QUERY) and not isinstance(error, DBAPIError) or (
                isinstance(error, DataError | IntegrityError)) or read_refused:
            db.session.rollback()
            logger.info("bad input to %s: %r", type(view).__name__, error)
            return view.response_400()
        return fab_500(translated(PAGES[500][1]))  # not FAB's English "Fatal error"

    return response_500
