"""Response templates: canned answers (French or English) that staff insert into a
message to the complainant. Managed by admins under Configuration."""

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired

from app.models import ResponseTemplate
from app.views.base import AppModelView
from app.views.forms import BOOTSTRAP

LANGUAGE_CHOICES = [("fr", _l("French")), ("en", _l("English"))]


class ResponseTemplateView(AppModelView):
    datamodel = SQLAInterface(ResponseTemplate)
    route_base = "/config/response-templates"
    list_title = _l("Response templates")
    add_title = _l("New response template")
    edit_title = _l("Edit response template")
    show_title = _l("Response template")
    label_columns = {"name": _l("Name"), "language": _l("Language"), "body": _l("Text"),
                     "active": _l("Active")}
    list_columns = ["name", "language", "active"]
    add_columns = edit_columns = show_columns = ["name", "language", "body", "active"]
    order_columns = ["name", "language"]
    base_order = ("name", "asc")
    add_form_extra_fields = {
        "language": SelectField(_l("Language"), choices=LANGUAGE_CHOICES, render_kw=BOOTSTRAP),
        "body": TextAreaField(_l("Text"), [InputRequired()], render_kw={**BOOTSTRAP, "rows": 8}),
    }
    edit_form_extra_fields = add_form_extra_fields
