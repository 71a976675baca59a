"""Request bodies of the REST API (they are also its OpenAPI request schemas).

Unknown fields are refused (marshmallow's default), ids are positive 32-bit integers,
texts are bounded by their columns, dates are ISO 8601 (UTC when no offset is given).
"""

from datetime import UTC

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

from app.domain import phones
from app.domain.dates import DateOutOfRange, check_date, to_naive_utc
from app.ids import MAX_ID
from app.services.exceptions import DATE_OUT_OF_RANGE
from app.services.portal import PHONE_INVALID

ID_RANGE = validate.Range(min=1, max=MAX_ID, error=_l("Not a valid id."))


class UtcDateTime(fields.DateTime):
    """ISO 8601 date and time; with an offset it is converted to UTC, without one it is
    UTC already. Stored naive, as every date of the product, within its range
    (app.domain.dates)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")

    def _deserialize(self, value, attr, data, **kwargs):
        when = super()._deserialize(value, attr, data, **kwargs)
        try:
            return to_naive_utc(when, UTC)
        except DateOutOfRange:
            raise ValidationError(DATE_OUT_OF_RANGE) from None


class RangedDate(fields.Date):
    """ISO 8601 date within the product's range (app.domain.dates)."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        try:
            return check_date(day)
        except DateOutOfRange:
            raise ValidationError(DATE_OUT_OF_RANGE) from None


class Phone(fields.String):
    """A phone number, returned in E.164; without its international prefix it is read in
    the region of Configuration → SMS (app/domain/phones.py)."""

    def _deserialize(self, value, attr, data, **kwargs):
        from app.extensions import db
        from app.services import sms_settings

        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return phones.to_e164(text, sms_settings.region(db.session))
        except phones.InvalidPhone:
            raise ValidationError(PHONE_INVALID) from None


def Id(**kwargs):  # noqa: N802 - a field factory, read like a field class
    return fields.Integer(strict=True, validate=ID_RANGE, **kwargs)


def Text(length=None, **kwargs):  # noqa: N802
    return fields.String(validate=validate.Length(max=length) if length else None, **kwargs)


class ComplaintWriteSchema(Schema):
    """Fields a client may set on a complaint. State and assignment have their own
    endpoints (transition, assign), with their own permission checks and history."""

    received_at = UtcDateTime()
    request_type_id = Id(allow_none=True)
    channel_id = Id(allow_none=True)
    client_id = Id(allow_none=True)
    contract_id = Id(allow_none=True)
    complainant_name = Text(200, allow_none=True)
    complainant_email = fields.Email(validate=validate.Length(max=320), allow_none=True)
    complainant_phone = Phone(allow_none=True)
    complainant_address = Text(2000, allow_none=True)
    order_number = Text(100, allow_none=True)
    subject = Text(255, allow_none=True)
    description = Text(20000, allow_none=True)
    category_id = Id(allow_none=True)
    severity_id = Id(allow_none=True)
    complexity_id = Id()
    confidential = fields.Boolean()
    resolution = Text(20000, allow_none=True)
    resolution_type_id = Id(allow_none=True)
    corrective_actions = Text(20000, allow_none=True)
    satisfaction = fields.String(validate=validate.OneOf(["yes", "no", "unknown"]))
    satisfaction_rating = fields.Integer(strict=True, allow_none=True,
                                         validate=validate.Range(min=1, max=5))
    custom_fields = fields.Dict(
        keys=fields.String(validate=validate.Length(max=40)),
        values=fields.Raw(allow_none=True),
        metadata={"description": "custom field values by key (GET /api/v1/custom_field/): "
                  "text, number, date as YYYY-MM-DD, the code of a choice, true/false; "
                  "null clears"})


class ComplaintPostSchema(ComplaintWriteSchema):
    complexity_id = Id(required=True)
    subject = Text(255, required=True)


class ComplaintPutSchema(ComplaintWriteSchema):
    pass


class TransitionSchema(Schema):
    state = fields.String(required=True, validate=validate.Length(min=1, max=50),
                          metadata={"description": "code of the target state, e.g. closed"})
    comment = Text(2000, allow_none=True)


class AssignSchema(Schema):
    """Absent: unchanged; null: nobody."""

    team_id = Id(allow_none=True)
    assignee_id = Id(allow_none=True)


class NotePostSchema(Schema):
    complaint_id = Id(required=True)
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class MessagePostSchema(Schema):
    complaint_id = Id(required=True)
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class ReminderPostSchema(Schema):
    complaint_id = Id(required=True)
    user_id = Id(required=True)
    remind_at = UtcDateTime(required=True)
    note = Text(2000, allow_none=True)


class ClientWriteSchema(Schema):
    customer_number = Text(50)
    name = Text(200)
    kind = fields.String(validate=validate.OneOf(["person", "company"]))
    email = fields.Email(validate=validate.Length(max=320), allow_none=True)
    phone = Phone(allow_none=True)
    address = Text(2000, allow_none=True)
    sector_id = Id(allow_none=True)
    agency_id = Id(allow_none=True)
    analytic_code = Text(50, allow_none=True)
    portfolio_owner_id = Id(allow_none=True)


class ClientPostSchema(ClientWriteSchema):
    customer_number = fields.String(required=True, validate=validate.Length(min=1, max=50))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ContractWriteSchema(Schema):
    client_id = Id()
    number = Text(50)
    label = Text(200, allow_none=True)
    sector_id = Id(allow_none=True)
    agency_id = Id(allow_none=True)
    analytic_code = Text(50, allow_none=True)
    start_date = RangedDate(allow_none=True)
    end_date = RangedDate(allow_none=True)


class ContractPostSchema(ContractWriteSchema):
    client_id = Id(required=True)
    number = fields.String(required=True, validate=validate.Length(min=1, max=50))


class EventSchema(Schema):
    def __init__(self, *args, **kwargs):
        from app.api.base import utc_datetimes

        super().__init__(*args, **kwargs)
        utc_datetimes(self)

    id = fields.Integer()
    created_at = fields.DateTime()
    kind = fields.String()
    actor_kind = fields.String()
    user_id = fields.Integer(allow_none=True)
    field = fields.String(allow_none=True)
    old_value = fields.String(allow_none=True)
    new_value = fields.String(allow_none=True)
    detail = fields.String(allow_none=True)
