"""Custom fields of type "choice" and "yes/no" as groupings of the reports ("cf_<key>").

A group's key is the stored value (the choice's code, or true/false) read by a scalar
subquery on the value's primary key (complaint, field); the field id is written inline
so that the SELECT and its GROUP BY are the same expression on PostgreSQL.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import literal_column, select

from app.domain import custom_fields as domain
from app.models import Complaint, CustomFieldValue
from app.models.custom_fields import VALUE_COLUMNS
from app.services import custom_fields as service

PREFIX = "cf_"
GROUPABLE = (domain.CHOICE, domain.YES_NO)


def _groupable(session):
    return [field for field in service.active_fields(session) if field.type in GROUPABLE]


def groupings(session) -> dict:
    """``{"cf_<key>": label}`` of the fields a report may group by."""
    return {f"{PREFIX}{field.key}": field.label for field in _groupable(session)}


def dimension(session, grouping: str, language: str):
    """``(SQL key of a complaint, {key: label})`` for ``grouping``, or None if it is not
    a custom field's grouping."""
    if not grouping.startswith(PREFIX):
        return None
    key = grouping[len(PREFIX):]
    field = next((f for f in _groupable(session) if f.key == key), None)
    if field is None:
        return None
    column = getattr(CustomFieldValue, VALUE_COLUMNS[field.type])
    value = (select(column).where(CustomFieldValue.complaint_id == Complaint.id,
                                  CustomFieldValue.field_id == literal_column(str(int(field.id))))
             .scalar_subquery())
    if field.type == domain.YES_NO:
        labels = {True: str(_l("Yes")), False: str(_l("No"))}
    else:
        labels = {c.code: c.label(language) for c in service.spec_of(field).choices}
    return value, labels
