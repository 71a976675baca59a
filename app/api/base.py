"""What every REST resource of the product shares (issue [08]).

- Token-only: a JWT (``POST /api/v1/security/login``) or a FAB API key; a browser's cookie
  session is refused, so the CSRF-exempt API cannot be driven cross-site.
- The permissions of the UI: a resource checks the same ``(permission, view)`` pairs as
  the matching page (``class_permission_name``), so nothing the UI forbids is possible.
- Errors are JSON ``{"message": …}``, translated (Accept-Language, else the user's
  language): 400 for bad input, 401/403, 404 for a missing or out-of-scope row, 409 for
  a value already used (app.services.uniqueness), never 500.
- Writes go through the services with their own small marshmallow schemas (they are the
  OpenAPI request bodies); reads use FAB's generated list/show.
"""

import json
import logging
import sys

import prison
from flask import g, jsonify, request
from flask_appbuilder.api import ModelRestApi
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields
from prison.decoder import ParserException
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from app.api.queries import document_queries
from app.error_messages import (  # noqa: F401  (the API modules use them from here)
    LANGUAGES,
    MESSAGES,
    field_errors,
    language,
    plain_messages,
    translated,
)
from app.errors import LAST_RESORT, PAGES, database_refusal
from app.extensions import db
from app.ids import parse_id
from app.services import uniqueness
from app.services.exceptions import ServiceError
from app.services.scope_changes import ScopeChangeRefused

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
MAX_NESTING, MAX_QUERY_LENGTH = 50, 10000  # of ?q=: parentheses, characters
# Errors of a request's own values (a filter of "abc" on a date, an out-of-range number…)
BAD_QUERY = (ValueError, TypeError, KeyError, IndexError, OverflowError, StatementError)

CONFLICT_RESPONSE = {  # a value already used (issue [11]): the OpenAPI component 409
    "description": "Conflict: a value the request sets is already used",
    "content": {"application/json": {"schema": {
        "type": "object", "properties": {"message": {"type": "string"}}}}},
}


def document_errors(operations) -> None:
    """Add to each OpenAPI operation the error answers it lacks (400, 401, 403, 404)."""
    for operation in (operations or {}).values():
        responses = operation.setdefault("responses", {})
        known = {str(code) for code in responses}
        for code in ("400", "401", "403", "404"):
            if code not in known:
                responses[code] = {"$ref": f"#/components/responses/{code}"}


def document_conflicts(operations) -> None:
    """Add the 409 answer (a value already used) to each POST and PUT operation."""
    for method, operation in (operations or {}).items():
        if method.lower() in ("post", "put"):
            operation.setdefault("responses", {}).setdefault(
                "409", {"$ref": "#/components/responses/409"})


def object_rison():
    """``?q=`` must be an object (``(page:0)``, or its JSON): a number, a string or a list
    (valid rison all the same) or a value FAB's parser chokes on (``-4.4e 16``) is
    refused with a 400, on every read and list."""
    raw = request.args.get("q")
    if not raw or g.get("query_checked"):  # app.api.conformance checked it
        return None
    try:
        value = prison.loads(raw)
    except ParserException:  # FAB then reads it as JSON
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError):
            value = None
    except (ValueError, IndexError, KeyError, TypeError, RecursionError):
        value = None
    if isinstance(value, dict):
        return None
    return jsonify(message=translated(_l("The query argument q is not valid."))), 400


def integer_ids(operations, func) -> None:
    """FAB documents the ids of a list, of a shown row and of a created row as strings and
    answers integers (every key here is an integer): document what is answered."""
    name = getattr(func, "__name__", "")
    for operation in (operations or {}).values():
        for code, response in operation.get("responses", {}).items():
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            properties = (schema or {}).get("properties", {})
            if name == "get_list" and str(code) == "200" and "ids" in properties:
                properties["ids"] = {"type": "array", "items": {"type": "integer"}}
            if name in ("post", "get") and str(code) in ("200", "201") and "id" in properties:
                properties["id"] = {"type": "integer"}


class NotFound(Exception):
    """A row that does not exist or is out of the reader's scope: answered 404."""


def check_rison():
    """Before FAB parses ``?q=``: a deeply nested value makes its rison parser recurse
    until Python gives up (a 500); refuse it as bad input. Other malformed values are
    left to FAB, which answers them with a 400 (or reads them as JSON)."""
    raw = request.args.get("q")
    if not raw or g.get("query_checked"):  # app.api.conformance checked it
        return None
    refused = jsonify(message=translated(_l("The query argument q is not valid."))), 400
    if raw.count("(") > MAX_NESTING or len(raw) > MAX_QUERY_LENGTH:
        return refused
    try:
        prison.loads(raw)
    except RecursionError:
        return refused
    except (ParserException, ValueError, IndexError, KeyError, TypeError):
        return None
    return None


def translated_errors(messages) -> str:
    """``field_errors`` in the request's language (a schema's messages may be lazy)."""
    with force_locale(language()):
        return field_errors(messages)


UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # times are stored in UTC, without an offset


def utc_datetimes(schema):
    """Write the stored (naive, UTC) times as RFC 3339 with their "Z", as the document
    says ("date-time")."""
    for field in getattr(schema, "fields", {}).values():
        if isinstance(field, fields.DateTime) and not isinstance(field, fields.Date):
            field._serialize = _utc_text
    return schema


def _utc_text(value, attr=None, obj=None, **kwargs):
    return None if value is None else value.strftime(UTC_FORMAT)


class ScopedModelApi(ModelRestApi):
    """A ModelRestApi that is token-only, answers JSON errors and never a 500 for bad
    input. Subclasses implement ``create(data)``/``update(item, data)``/``remove(item)``
    with one service call each."""

    allow_browser_login = False
    responses = {**ModelRestApi.responses, "409": CONFLICT_RESPONSE}
    max_page_size = MAX_PAGE_SIZE
    page_size = 25
    # Write schemas (plain marshmallow; None: the operation does not exist).
    post_schema = None
    put_schema = None
    # Only the documented operations: no _info (it would list every related row).
    include_route_methods = {"get", "get_list"}
    method_permission_name = {"get": "show", "get_list": "list", "post": "add",
                              "put": "edit", "delete": "delete"}

    def __init__(self):
        if self.post_schema is not None:
            self.add_model_schema = self.post_schema
        if self.put_schema is not None:
            self.edit_model_schema = self.put_schema
        super().__init__()
        convert = self.model2schemaconverter.convert
        self.model2schemaconverter.convert = lambda *a, **k: utc_datetimes(convert(*a, **k))
        for schema in (self.list_model_schema, self.show_model_schema):
            if schema is not None:
                utc_datetimes(schema)

    def create_blueprint(self, appbuilder, *args, **kwargs):
        blueprint = super().create_blueprint(appbuilder, *args, **kwargs)
        blueprint.before_request(check_rison)
        blueprint.before_request(object_rison)
        return blueprint

    def operation_helper(self, path=None, operations=None, methods=None, func=None,
                         **kwargs):
        """Document on every operation the errors it may answer (FAB's own documents
        omit 403 and 404 on some)."""
        super().operation_helper(path=path, operations=operations, methods=methods,
                                 func=func, **kwargs)
        document_errors(operations)
        document_conflicts(operations)
        integer_ids(operations, func)
        document_queries(self, operations, func)

    # --- error responses: {"message": …}, translated -----------------------------------

    def response_400(self, message=None):
        text = translated(message) if message else translated(MESSAGES[400])
        return self.response(400, message=text)

    def response_422(self, message=None):  # FAB's validation errors are bad input: 400
        return self.response_400(field_errors(message) if message else None)

    def response_401(self):
        return self.response(401, message=translated(MESSAGES[401]))

    def response_403(self):
        return self.response(403, message=translated(MESSAGES[403]))

    def response_404(self):
        return self.response(404, message=translated(MESSAGES[404]))

    def response_500(self, message=None):
        """FAB's ``safe`` answers whatever escaped a method with a 500: a database
        conflict or an out-of-range value is the last-resort 409/400 (app.errors)."""
        error = sys.exc_info()[1]
        if isinstance(error, LAST_RESORT):
            return database_refusal(error)
        return super().response_500(message=translated(PAGES[500][1]))  # not "Fatal error"

    # --- reads ---------------------------------------------------------------------------

    def get_headless(self, pk, **kwargs):
        if parse_id(pk) is None:
            return self.response_404()
        return self._guarded(super().get_headless, pk, **kwargs)

    def get_list_headless(self, **kwargs):
        args = kwargs.get("rison") or {}
        if not isinstance(args, dict):
            return self.response_400()
        page = args.get("page", 0)
        if isinstance(page, bool) or not isinstance(page, int) or page < 0:
            return self.response_400(_l("The page must be a number from 0."))
        size = args.get("page_size", self.page_size)
        if isinstance(size, bool) or not isinstance(size, int):
            return self.response_400(_l("The page size must be a number."))
        return self._guarded(super().get_list_headless, **kwargs)

    # --- writes, through the services --------------------------------------------------

    def post_headless(self):
        item, error = self.write(lambda data: self.create(self.add_model_schema.load(data)))
        if error:
            return error
        # As FAB documents it: the fields that were sent, and the new id (GET it for the rest).
        return self.response(201, id=item.id, result=self.add_model_schema.dump(item))

    def put_headless(self, pk):
        item = self._item_or_none(pk)
        if item is None:
            return self.response_404()
        _, error = self.write(lambda data: self.update(item, self.edit_model_schema.load(data)))
        if error:
            return error
        return self.response(200, result=self.edit_model_schema.dump(item))

    def write(self, run):
        """``run(json_body)`` through a service: ``(its result, None)``, or ``(None, the
        error response)`` — 400 for a body that is not a JSON object, a refused field or a
        service's refusal, 404 for a reference out of scope; nothing kept on error."""
        data, error = self._json_body()
        if error:
            return None, error
        try:
            return self.refusing_conflicts(run, data)
        except ValidationError as exc:
            db.session.rollback()
            return None, self.response_400(translated_errors(exc.messages))
        except NotFound:
            db.session.rollback()
            return None, self.response_404()
        except ScopeChangeRefused as exc:  # a change only people allowed to assign make
            db.session.rollback()
            return None, self.response(403, message=translated(exc))
        except ServiceError as exc:
            db.session.rollback()
            return None, self.response_400(exc)

    def refusing_conflicts(self, run, data):
        """``(run(data), None)``; a value already used, found before the write or met at
        it (uniqueness), is ``(None, a 409)`` with nothing kept."""
        try:
            return run(data), None
        except uniqueness.AlreadyUsed as exc:
            db.session.rollback()
            return None, self.response(409, message=translated(exc))
        except IntegrityError as exc:
            db.session.rollback()
            refused = uniqueness.refusal(exc)
            if refused is None:
                raise
            return None, self.response(409, message=translated(refused))

    def delete_headless(self, pk):
        item = self._item_or_none(pk)
        if item is None:
            return self.response_404()
        try:
            self.remove(item)
        except ServiceError as exc:
            db.session.rollback()
            return self.response_400(exc)
        return self.response(200, message="OK")

    def create(self, values):  # pragma: no cover - subclasses with post_schema define it
        raise NotImplementedError

    def update(self, item, values):  # pragma: no cover
        raise NotImplementedError

    def remove(self, item):  # pragma: no cover
        raise NotImplementedError

    # --- helpers -------------------------------------------------------------------------

    def _item_or_none(self, pk):
        """The row by id within the resource's base filters (the reader's scope)."""
        if parse_id(pk) is None:
            return None
        try:
            return self.datamodel.get(parse_id(pk), self._base_filters)
        except BAD_QUERY:
            db.session.rollback()
            return None

    def _json_body(self):
        if not request.is_json:
            return None, self.response_400(_l("The request body must be JSON."))
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return None, self.response_400(_l("The request body must be a JSON object."))
        return data, None

    def _guarded(self, handler, *args, **kwargs):
        """Run FAB's read; a value the database cannot take (a filter of "abc" on a date,
        a number out of range) is the client's mistake, not a server error."""
        try:
            return handler(*args, **kwargs)
        except BAD_QUERY as exc:
            if isinstance(exc, DBAPIError) and exc.connection_invalidated:
                raise
            db.session.rollback()
            logger.info("bad API query %s: %r", request.query_string, exc)
            return self.response_400()
