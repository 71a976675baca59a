"""Custom fields on the complaint forms, built on each request (no restart needed).

FAB builds a view's forms once, at registration. The complaint view hands FAB a form
class subclassed here on every request with one field per active custom field
(``cf_<key>``); their values are taken out of the form before FAB populates the complaint
and written by the custom-field service in the same transaction (see ComplaintView).
"""

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError

from app.domain import custom_fields as domain
from app.i18n import current_language
from app.models.base import id_of
from app.services import custom_fields as service
from app.views.forms import BOOTSTRAP

PREFIX = "cf_"
FIELDSET_LABEL = _l("Custom fields")


class CustomValue:
    """Server-side check of one custom field, with the form's request type: required
    only where the field applies."""

    def __init__(self, field):
        self.spec = service.spec_of(field)

    def __call__(self, form, wtfield):
        request_type = form.request_type.data if "request_type" in form else None
        try:
            value = domain.parse_value(self.spec, wtfield.data)
            domain.check_required(self.spec, id_of(request_type), value)
        except domain.Problem as problem:
            raise ValidationError(service.message_of(problem)) from None


def _wtfield(field, language):
    kw = {**BOOTSTRAP, "data-cf-types": " ".join(str(t.id) for t in field.request_types)}
    label = field.label_en if language == "en" else field.label_fr
    checks = [CustomValue(field)]
    if field.type == domain.CHOICE:
        choices = [("", "—")] + [(c.code, c.label(language))
                                 for c in service.spec_of(field).choices]
        return SelectField(label, checks, choices=choices, validate_choice=False,
                           render_kw=kw)
    if field.type == domain.YES_NO:
        return SelectField(label, checks, choices=[("", "—"), ("yes", _l("Yes")),
                                                    ("no", _l("No"))],
                           validate_choice=False, render_kw=kw)
    kw.update({domain.NUMBER: {"type": "number", "step": "any"},
               domain.DATE: {"type": "date"}}.get(field.type, {}))
    return StringField(label, checks, render_kw=kw,
                       description=_l("Required") if field.required else "")


def extend_form(session, base):
    """A subclass of the form class ``base`` with the active custom fields."""
    if base is None or not has_request_context():  # FAB's registration reads it too
        return base
    language = current_language()
    fields = service.active_fields(session)
    attrs = {f"{PREFIX}{field.key}": _wtfield(field, language) for field in fields}
    return type(base.__name__, (base,), attrs) if attrs else base


def custom_names(form) -> list[str]:
    return [name for name in form._fields if name.startswith(PREFIX)]


def with_fieldset(fieldsets, form):
    names = custom_names(form)
    return [*fieldsets, (FIELDSET_LABEL, {"fields": names})] if names else fieldsets


def take_values(session, form) -> dict:
    """``{key: raw text}`` of the custom fields that apply to the form's request type,
    removed from the form (FAB must not set them on the complaint)."""
    request_type = id_of(form.request_type.data) if "request_type" in form else None
    specs = {f"{PREFIX}{f.key}": service.spec_of(f) for f in service.active_fields(session)}
    values = {}
    for name in custom_names(form):
        spec = specs.get(name)
        if spec is not None and spec.applies_to(request_type):
            values[spec.key] = _raw(spec, form[name].data)
        del form[name]
    return values


def _raw(spec, data):
    if spec.type == domain.YES_NO:
        return {"yes": True, "no": False}.get(data)
    return data


def prefill(session, form, complaint_id) -> None:
    """The stored values into the edit form's custom fields."""
    stored = service.values_of(session, complaint_id)
    for field in service.active_fields(session):
        name = f"{PREFIX}{field.key}"
        if name in form and field.id in stored:
            form[name].data = _as_text(field.type, stored[field.id])


def _as_text(type_, value):
    if type_ == domain.YES_NO:
        return "yes" if value else "no"
    if type_ == domain.NUMBER:
        return domain.format_number(value)
    if type_ == domain.DATE:
        return value.isoformat()
    return value
