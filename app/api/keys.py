"""FAB's API-key resource (``/api/v1/security/api_keys/``), made true to its document:
FAB answers ``null`` where its schemas say "string", and times without an offset where
they say "date-time". Same schema names, so FAB's own $refs keep pointing at them."""

from flask import g, jsonify, request
from marshmallow import Schema, ValidationError, fields

from app.api.base import MESSAGES, plain_messages, translated
from app.domain.dates import DateOutOfRange, check_date
from app.extensions import db
from app.services.exceptions import DATE_OUT_OF_RANGE


class LocalDateTime(fields.DateTime):
    """FAB keeps these times as the server's local time, without an offset: written with
    the offset, read (``expires_on``) into the same local time."""

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.astimezone().isoformat(timespec="seconds")

    def _deserialize(self, value, attr, data, **kwargs):
        when = super()._deserialize(value, attr, data, **kwargs)
        try:  # FAB compares it with datetime.now(): the server's local time
            return check_date(when.astimezone().replace(tzinfo=None)
                              if when.tzinfo is not None else when)
        except (DateOutOfRange, OverflowError):  # year 1 at +14:00 is year 0 locally
            raise ValidationError(str(DATE_OUT_OF_RANGE)) from None


def _text(description, **kwargs):
    return fields.String(allow_none=True, metadata={"description": description}, **kwargs)


class ApiKeyPostSchema(Schema):
    name = fields.String(required=True, metadata={"description": "A name for this key"})
    scopes = _text("Comma-separated scopes (optional)", load_default=None)
    expires_on = LocalDateTime(load_default=None,
                               metadata={"description": "Expiry (optional)"})


class ApiKeyResponseSchema(Schema):
    uuid = fields.String(metadata={"description": "Identifier of the key"})
    name = fields.String()
    key_prefix = fields.String()
    scopes = _text("Comma-separated scopes")
    active = fields.Boolean()
    created_on = LocalDateTime()
    expires_on = LocalDateTime()
    revoked_on = LocalDateTime()
    last_used_on = LocalDateTime()


class ApiKeyCreateResponseSchema(Schema):
    uuid = fields.String(metadata={"description": "Identifier of the key"})
    name = fields.String()
    key = fields.String(metadata={"description": "The key itself, shown only once"})
    key_prefix = fields.String()
    scopes = _text("Comma-separated scopes")
    created_on = LocalDateTime()
    expires_on = LocalDateTime()


def true_to_its_document(view) -> None:
    """Give FAB's ApiKeyApi instance the schemas above."""
    view.post_schema = ApiKeyPostSchema()
    view.response_schema = ApiKeyResponseSchema()
    view.create_response_schema = ApiKeyCreateResponseSchema()
    view.openapi_spec_component_schemas = (ApiKeyPostSchema, ApiKeyResponseSchema,
                                           ApiKeyCreateResponseSchema)
    plain_messages(view)


KEY_PATH = "/api/v1/security/api_keys/"


def revoked_keys_are_gone(app) -> None:
    """FAB still shows a revoked key by its uuid (and "revokes" it again): once revoked,
    a key is gone for its API, like a deleted row — 404, once FAB has checked who asks
    (401 without a token). Its owner still sees it listed, with the date it was revoked."""

    @app.before_request
    def note_a_revoked_key():
        if request.method not in ("GET", "DELETE") or not request.path.startswith(KEY_PATH):
            return
        key_uuid = request.path[len(KEY_PATH):]
        if not key_uuid or "/" in key_uuid:
            return
        key = app.appbuilder.sm.get_api_key_by_uuid(key_uuid)
        if key is not None and key.revoked_on is not None:
            g.revoked_key = (key.id, key.revoked_on)

    @app.after_request
    def revoked_key_not_found(response):
        revoked = g.pop("revoked_key", None)
        if revoked is None or response.status_code != 200:
            return response
        if request.method == "DELETE":  # FAB stamped it again: keep the first date
            key = db.session.get(app.appbuilder.sm.api_key_model, revoked[0])
            key.revoked_on = revoked[1]
            db.session.commit()
        refused = jsonify(message=translated(MESSAGES[404]))
        refused.status_code = 404
        return refused
