"""Configuration → Custom fields (admins), and the display of a complaint's values."""

from flask import g
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import format_date, format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import Optional

from app.domain import custom_fields as domain
from app.extensions import db
from app.i18n import current_language
from app.models import CustomField
from app.services import custom_fields as service
from app.services.exceptions import ServiceError
from app.views.base import AppModelView
from app.views.forms import BOOTSTRAP, required

TYPE_LABELS = {
    domain.TEXT: _l("Text"), domain.NUMBER: _l("Number"), domain.DATE: _l("Date"),
    domain.CHOICE: _l("Choice"), domain.YES_NO: _l("Yes/no"),
}
LABELS = {
    "key": _l("Key"), "label_fr": _l("Label (French)"), "label_en": _l("Label (English)"),
    "type": _l("Type"), "choices": _l("Choices"), "required": _l("Required"),
    "request_types": _l("Request types"), "position": _l("Order"), "active": _l("Active"),
    "in_list": _l("On the list"), "in_export": _l("In the export"),
    "created_at": _l("Created"),
}
DESCRIPTIONS = {
    "key": _l("A stable name (e.g. “contract_amount”) for the API and the list filters; it "
              "cannot change once complaints have values."),
    "choices": _l("“Choice” type only: one a line, “code | label FR | label EN”. The code "
                  "is what is stored: labels can be renamed later."),
    "request_types": _l("The field appears (and is required) only for these request types; "
                        "none: for every complaint."),
    "in_list": _l("A column of the complaint list, and a filter above it."),
}


class CustomFieldView(AppModelView):
    datamodel = SQLAInterface(CustomField)
    route_base = "/config/custom-fields"
    list_title = show_title = add_title = edit_title = _l("Custom fields")
    label_columns = LABELS
    description_columns = DESCRIPTIONS
    columns = ["key", "label_fr", "label_en", "type", "choices", "required", "request_types",
               "position", "active", "in_list", "in_export"]
    list_columns = ["key", "label_fr", "label_en", "type", "required", "request_types",
                    "position", "active"]
    add_columns = edit_columns = columns
    show_columns = [*columns, "created_at"]
    search_columns = ["key", "label_fr", "label_en", "type", "active"]
    base_order = ("position", "asc")
    formatters_columns = {"type": lambda code: TYPE_LABELS.get(code, code)}
    validators_columns = {"key": required(), "label_fr": required(), "label_en": required()}
    add_form_extra_fields = {
        "type": SelectField(LABELS["type"], choices=list(TYPE_LABELS.items()),
                            validators=required(), render_kw=BOOTSTRAP),
        "choices": TextAreaField(LABELS["choices"], [Optional()],
                                 description=DESCRIPTIONS["choices"],
                                 render_kw={**BOOTSTRAP, "rows": 5}),
        # A new field is meant to be used: active, on the list and in the export.
        **{name: BooleanField(LABELS[name], default=True, description=DESCRIPTIONS.get(name, ""))
           for name in ("active", "in_list", "in_export")},
    }
    edit_form_extra_fields = add_form_extra_fields

    def pre_add(self, item):
        service.validate_field(db.session, item)

    def process_form(self, form, is_created):
        if not is_created:
            g.custom_field_stored = service.stored_definition(db.session, form._id)

    def pre_update(self, item):
        service.validate_field(db.session, item, g.pop("custom_field_stored", None))

    def pre_delete(self, item):
        if service.has_values(db.session, item.id):
            raise ServiceError(_l("Complaints have values for this field: deactivate it "
                                  "instead of deleting it."))


def shown_value(field: CustomField, value, language: str | None = None) -> str:
    """A typed value as the reader reads it (choice label, yes/no, local date, number)."""
    if value is None:
        return "—"
    language = language or current_language()
    if field.type == domain.CHOICE:
        spec = service.spec_of(field)
        labels = {c.code: c.label(language) for c in spec.choices}
        return labels.get(value, value)
    if field.type == domain.YES_NO:
        return str(_l("Yes")) if value else str(_l("No"))
    if field.type == domain.DATE:
        return format_date(value, "short")
    if field.type == domain.NUMBER:
        return format_decimal(value)
    return str(value)


def complaint_values(session, complaint) -> list[tuple[str, str]]:
    """``[(label, shown value)]`` of the active fields that apply to the complaint or have
    a value, for the complaint page."""
    values = service.values_of(session, complaint.id)
    shown = []
    for field in service.active_fields(session):
        spec = service.spec_of(field)
        if field.id in values or spec.applies_to(complaint.request_type_id):
            shown.append((field.label, shown_value(field, values.get(field.id))))
    return shown


def history_labels(session, keys) -> dict:
    """``{"cf:<key>": (label, {stored text: shown text})}`` for the history lines."""
    from sqlalchemy import select

    result = {}
    for field in session.scalars(select(CustomField).where(CustomField.key.in_(keys))):
        language = current_language()
        values = {"True": str(_l("Yes")), "False": str(_l("No"))}
        if field.type == domain.CHOICE:
            values = {c.code: c.label(language) for c in service.spec_of(field).choices}
        result[f"{service.EVENT_PREFIX}{field.key}"] = (field.label, values)
    return result
