"""Custom fields in the complaint export: one typed column per active field marked "in
the export" (number as a number, date as an Excel date, anything else as text).

Plain SQL on the export's own connection (no Flask, no session): the export may run in a
worker of its own. Each field is one outer join on the value's primary key (complaint,
field), so rows keep streaming from one SELECT.
"""

from dataclasses import dataclass, field

from sqlalchemy import and_, case, select
from sqlalchemy.orm import aliased

from app.domain import custom_fields as domain
from app.models import Complaint, CustomField, CustomFieldValue
from app.models.custom_fields import VALUE_COLUMNS
from app.services.xlsx import DATE, INTEGER, LABEL, TEXT

KINDS = {domain.TEXT: TEXT, domain.NUMBER: INTEGER, domain.DATE: DATE,
         domain.CHOICE: LABEL, domain.YES_NO: LABEL}


@dataclass
class ExtraColumns:
    columns: list = field(default_factory=list)  # xlsx specs: (header, kind, width)
    fields: list = field(default_factory=list)  # (id, type, {choice code: label})
    yes: str = "yes"
    no: str = "no"

    def extend(self, stmt):
        """``stmt`` (the export's SELECT of complaints) with one value column per field,
        yes/no and choices already turned into their labels."""
        for field_id, type_, labels in self.fields:
            value = aliased(CustomFieldValue)
            column = getattr(value, VALUE_COLUMNS[type_])
            if type_ == domain.YES_NO:
                column = case((column.is_(True), self.yes), (column.is_(False), self.no))
            elif type_ == domain.CHOICE and labels:
                column = case(labels, value=column, else_=column)
            stmt = stmt.add_columns(column).outerjoin_from(
                Complaint, value, and_(value.complaint_id == Complaint.id,
                                       value.field_id == field_id))
        return stmt


def export_columns(connection, language: str, yes: str = "yes", no: str = "no") -> ExtraColumns:
    """The extra columns of the export, headed in ``language``; ``yes``/``no`` are the
    labels of a yes/no field's values."""
    rows = connection.execute(
        select(CustomField.id, CustomField.type, CustomField.label_fr, CustomField.label_en,
               CustomField.choices)
        .where(CustomField.active.is_(True), CustomField.in_export.is_(True))
        .order_by(CustomField.position, CustomField.id))
    extra = ExtraColumns(yes=yes, no=no)
    for field_id, type_, label_fr, label_en, choices in rows:
        labels = {}
        if type_ == domain.CHOICE:
            try:
                labels = {c.code: c.label(language) for c in domain.parse_choices(choices)}
            except domain.Problem:
                labels = {}
        header = (label_en if language == "en" else label_fr) or str(field_id)
        extra.columns.append((header, KINDS[type_], 18))
        extra.fields.append((field_id, type_, labels))
    return extra
