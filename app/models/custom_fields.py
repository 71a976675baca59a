"""Custom fields (DESIGN.md §1): extra complaint fields that admins define, and their values.

Adding a field is a row, never a schema change. A value is one row per complaint and
field, in the typed column of the field's type (a choice stores its stable code), each
indexed with the field id first, so a list filter on one field reads its own index range.
"""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import relationship

from app.domain import custom_fields as domain
from app.i18n import current_language
from app.models.base import Model, utcnow

custom_field_request_type = Table(
    "custom_field_request_type", Model.metadata,
    Column("custom_field_id", Integer, ForeignKey("custom_field.id", ondelete="CASCADE"),
           primary_key=True),
    Column("request_type_id", Integer, ForeignKey("request_type.id", ondelete="CASCADE"),
           primary_key=True),
)


class CustomField(Model):
    __tablename__ = "custom_field"

    id = Column(Integer, primary_key=True)
    key = Column(String(40), unique=True, nullable=False)
    label_fr = Column(String(150), nullable=False)
    label_en = Column(String(150), nullable=False)
    type = Column(String(10), nullable=False, default=domain.TEXT)
    # One choice a line, "code | label FR | label EN" (app/domain/custom_fields.py).
    choices = Column(Text)
    required = Column(Boolean, nullable=False, default=False)
    position = Column(Integer, nullable=False, default=0)
    active = Column(Boolean, nullable=False, default=True)
    in_list = Column(Boolean, nullable=False, default=True)
    in_export = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    request_types = relationship("RequestType", secondary=custom_field_request_type,
                                 order_by="RequestType.position")

    @property
    def label(self) -> str:
        return (self.label_en if current_language() == "en" else self.label_fr) or self.key

    def __str__(self) -> str:
        return self.label or self.key or ""


class CustomFieldValue(Model):
    __tablename__ = "custom_field_value"
    __table_args__ = (
        Index("ix_cfv_field_text", "field_id", "value_text"),
        Index("ix_cfv_field_number", "field_id", "value_number"),
        Index("ix_cfv_field_date", "field_id", "value_date"),
        Index("ix_cfv_field_bool", "field_id", "value_bool"),
    )

    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="CASCADE"),
                          primary_key=True)
    field_id = Column(Integer, ForeignKey("custom_field.id", ondelete="CASCADE"),
                      primary_key=True)
    value_text = Column(String(domain.MAX_TEXT))
    value_number = Column(Float)
    value_date = Column(Date)
    value_bool = Column(Boolean)

    field = relationship(CustomField)


# The typed column each type of field stores its value in.
VALUE_COLUMNS = {
    domain.TEXT: "value_text", domain.CHOICE: "value_text", domain.NUMBER: "value_number",
    domain.DATE: "value_date", domain.YES_NO: "value_bool",
}


def _json_value(type_, row):
    value = getattr(row, VALUE_COLUMNS[type_])
    return value.isoformat() if type_ == domain.DATE and value is not None else value


def _custom_fields_of(complaint) -> dict:
    """``{key: value}`` of the complaint's custom fields, JSON-ready (a date as ISO text,
    a choice as its code): what the REST API reads and writes."""
    from sqlalchemy import select
    from sqlalchemy.orm import object_session

    session = object_session(complaint)
    if session is None or complaint.id is None:
        return {}
    rows = session.execute(
        select(CustomField.key, CustomField.type, CustomFieldValue)
        .join(CustomFieldValue, CustomFieldValue.field_id == CustomField.id)
        .where(CustomFieldValue.complaint_id == complaint.id)
        .order_by(CustomField.position, CustomField.id))
    return {key: _json_value(type_, value) for key, type_, value in rows}


def _request_type_ids(field) -> list[int]:
    return [request_type.id for request_type in field.request_types]


# Read-only attributes for the REST API (FAB documents a property as a read-only field).
CustomField.request_type_ids = property(_request_type_ids)


def attach_to_complaint(complaint_class) -> None:
    """Give complaints their ``custom_fields`` (the model of complaints stays unaware)."""
    complaint_class.custom_fields = property(_custom_fields_of)
