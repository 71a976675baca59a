"""FAB security manager: our user model, and the user form with team and language."""

from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.models import AppUser

LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English")]


def _language_field():
    return SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="fr")


class StaffUserView(UserDBModelView):
    add_columns = UserDBModelView.add_columns + ["team", "language"]
    edit_columns = UserDBModelView.edit_columns + ["team", "language"]
    list_columns = ["first_name", "last_name", "username", "email", "team", "active", "roles"]
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "team", "language",
                                      "login_count"]}),
        *UserDBModelView.show_fieldsets[1:],
    ]
    label_columns = {**UserDBModelView.label_columns, "team": _l("Team"),
                     "language": _l("Language")}
    add_form_extra_fields = {**UserDBModelView.add_form_extra_fields,
                             "language": _language_field()}
    edit_form_extra_fields = {"language": _language_field()}


class ReclamationsSecurityManager(SecurityManager):
    user_model = AppUser
    userdbmodelview = StaffUserView
