"""The API answers as its OpenAPI document says (issue [11]), enforced in one place
rather than operation by operation:

- a method the document does not declare on a documented path is a 405 with ``Allow``
  (FAB's routes would otherwise send ``PUT /roles/_info`` to the edit of a role named
  "_info", or answer a GET on the login with a 404);
- an operation that takes a JSON body gets a JSON object, else a 400 (FAB's security APIs
  answered a missing body with a 500);
- ``?q=`` is checked against the operation's own schema (app.api.queries): what the
  document calls invalid is a 400, so the two cannot drift apart.

The document is built once per application from the views themselves (apispec's public
API and FAB's ``add_api_spec``), then completed by ``complete`` — the same function that
completes the document FAB serves at ``/api/v1/_openapi``."""

import copy
import json
import re
from functools import lru_cache
from urllib.parse import quote

import prison
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, g, jsonify, request
from flask_appbuilder.api import BaseApi
from flask_appbuilder.api.manager import resolver
from flask_babel import lazy_gettext as _l
from jsonschema import Draft4Validator
from prison.decoder import ParserException
from werkzeug.datastructures import ImmutableMultiDict

from app.api.base import translated
from app.api.queries import MAX_MANY_TO_MANY_FILTERS, too_many_joins

VERSION = "v1"
DOCUMENT_PATH = f"/api/{VERSION}/_openapi"
METHODS = ("get", "put", "post", "delete", "patch")
FAB_SECURITY_SCHEMAS = ("UserApi", "RoleApi", "GroupApi", "PermissionApi", "ViewMenuApi",
                        "PermissionViewMenuApi")

TOO_LONG = {"description": "The address is too long for the server",
            "content": {"text/html": {"schema": {"type": "string"}}}}
TOO_LARGE = {"description": "The request body is too large",
             "content": {"application/json": {"schema": {
                 "type": "object", "properties": {"message": {"type": "string"}}}}}}
TOO_MANY = {"description": "Too many attempts: wait before trying again",
            "content": {"application/json": {"schema": {
                "type": "object", "properties": {"message": {"type": "string"}}}}}}
METHOD_NOT_ALLOWED = {"description": "Method not allowed",
                      "content": {"application/json": {"schema": {
                          "type": "object", "properties": {"message": {"type": "string"}}}}}}


def register_conformance(app) -> None:
    app.before_request(_as_documented)
    app.after_request(_complete_served_document)


# --- the document ----------------------------------------------------------------------


def complete(document: dict) -> dict:
    """What FAB's generation leaves out or gets wrong, for every operation at once."""
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault("414", TOO_LONG)  # the server's request-line limit
            responses.setdefault("405", METHOD_NOT_ALLOWED)
            if method in ("post", "put"):
                responses.setdefault("413", TOO_LARGE)
    schemas = document.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.startswith(FAB_SECURITY_SCHEMAS):
            _fab_security_schema(name, schema)
        if ".get" in name:
            # A read may choose its columns (q.columns): none of them is always there.
            schema.pop("required", None)
    login = document.get("paths", {}).get(f"/api/{VERSION}/security/login", {}).get("post")
    if login:
        login["responses"].setdefault("429", TOO_MANY)  # the per-address and account limits
        body = login.get("requestBody", {}).get("content", {}).get("application/json", {})
        schema = body.get("schema", {})
        schema["required"] = ["username", "password", "provider"]
        for name in ("username", "password"):
            schema.get("properties", {}).get(name, {})["minLength"] = 1
    return document


def _fab_security_schema(name: str, schema: dict) -> None:
    """FAB writes its users' times without an offset (not RFC 3339 "date-time") and a
    group's roles and users as lists of the objects it documents one by one."""
    for field_name, field in schema.get("properties", {}).items():
        if field.get("format") == "date-time":
            del field["format"]
            field["description"] = "Server's local time, without an offset"
        if "$ref" in field and field_name in ("roles", "groups", "users"):
            field["type"] = "array"
            field["items"] = {"$ref": field.pop("$ref")}
        elif "$ref" in field:  # created_by, changed_by: none for a row FAB seeded
            field.update(allOf=[{"$ref": field.pop("$ref")}], nullable=True)


def _complete_served_document(response):
    if request.path != DOCUMENT_PATH or response.status_code != 200:
        return response
    document = complete(response.get_json())
    response.set_data(json.dumps(document))
    return response


def api_document(app) -> dict:
    """The document, built from the views (cached per application)."""
    cached = app.extensions.get("api_document")
    if cached is None:
        spec = APISpec(title=app.appbuilder.app_name, version=VERSION,
                       openapi_version="3.0.2",
                       plugins=[MarshmallowPlugin(schema_name_resolver=resolver)])
        for view in app.appbuilder.baseviews:
            if isinstance(view, BaseApi) and view.version == VERSION:
                view.add_api_spec(spec)
        cached = app.extensions["api_document"] = _routes(complete(spec.to_dict()))
    return cached


def _routes(document: dict) -> list[tuple[re.Pattern, dict]]:
    """(path pattern, operations) with literal paths first: ``/roles/_info`` is not the
    role ``{pk}``."""
    routes = []
    for path, operations in document.get("paths", {}).items():
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")
        routes.append((path.count("{"), pattern, operations))
    routes.sort(key=lambda route: route[0])
    return [(pattern, operations) for _, pattern, operations in routes]


# --- the guard -----------------------------------------------------------------------


def _as_documented():
    if not request.path.startswith(f"/api/{VERSION}/") or request.path == DOCUMENT_PATH:
        return None
    operations = _operations_of(request.path)
    if operations is None:
        return None  # not documented: Flask's routing answers (404)
    method = request.method.lower()
    allow = sorted(m.upper() for m in operations if m in METHODS)
    if method == "options":
        response = current_app.make_default_options_response()
        response.headers["Allow"] = ", ".join(
            [*allow, *(["HEAD"] if "GET" in allow else []), "OPTIONS"])
        return response
    operation = operations.get("get" if method == "head" else method)
    if operation is None:
        return _refusal(405, _l("This method is not allowed here."), allow=allow)
    if method in ("post", "put", "patch") and _takes_json(operation):
        body = request.get_json(silent=True) if request.is_json else None
        if not isinstance(body, dict):
            return _refusal(400, _l("The request body must be a JSON object."))
    return _check_query(operation)


def _operations_of(path: str):
    for pattern, operations in api_document(current_app._get_current_object()):
        if pattern.match(path):
            return operations
    return None


def _takes_json(operation) -> bool:
    body = operation.get("requestBody") or {}
    return "application/json" in body.get("content", {})


def _check_query(operation):
    raw = request.args.get("q")
    if raw is None:
        return None
    schema = _query_schema(operation)
    if schema is None:
        return None
    value, as_json = _parse_query(raw)
    if value is None or not _validator(json.dumps(schema, sort_keys=True)).is_valid(value):
        return _refusal(400, _l("The query argument q is not valid."))
    if too_many_joins(value):
        return _refusal(400, translated(_l(
            "At most %(count)s filters on a relation with several items (rel_m_m) in one "
            "query.")) % {"count": MAX_MANY_TO_MANY_FILTERS})
    g.query_checked = True  # app.api.base's own checks of q step aside
    if as_json:
        # FAB URL-decodes a JSON ``q`` a second time (parse_qs): a "+" or a "%" in a value
        # would change. Encoded once more, it reaches FAB as it was sent; the "{" left as
        # it is keeps FAB's rison parser from reading the whole as a bare word.
        text = json.dumps(value)
        args = request.args.copy()
        args["q"] = text[0] + quote(text[1:], safe="")
        request.args = ImmutableMultiDict(args)
    return None


def _query_schema(operation):
    for parameter in operation.get("parameters", []):
        if parameter.get("name") == "q" and parameter.get("in") == "query":
            schema = parameter.get("content", {}).get("application/json", {}).get("schema")
            return schema if schema and "$ref" not in schema else None
    return None


def _parse_query(raw: str):
    """``(value, read as JSON)``: FAB reads ``q`` as rison, else as JSON."""
    for parse, as_json in ((prison.loads, False), (json.loads, True)):
        try:
            return parse(raw), as_json
        except (ParserException, ValueError, IndexError, KeyError, TypeError,
                RecursionError):
            continue
    return None, False


@lru_cache(maxsize=256)
def _validator(schema_text: str) -> Draft4Validator:
    return Draft4Validator(copy.deepcopy(json.loads(schema_text)),
                           format_checker=Draft4Validator.FORMAT_CHECKER)


def _refusal(status: int, message, allow=None):
    response = jsonify(message=translated(message))
    response.status_code = status
    if allow is not None:
        response.headers["Allow"] = ", ".join(allow)
    return response
