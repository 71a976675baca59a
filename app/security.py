"""FAB security manager: our user model, the user form with team and language, and the
login limit extended to the REST login."""

from flask_appbuilder.security.api import SecurityApi
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
    # FAB's "User's Statistics" page draws with Google Charts loaded from the internet
    # (refused by our Content-Security-Policy, absent offline) and answers a 500 to a
    # malformed URL: not offered.
    userstatschartview = None

    def register_views(self):
        super().register_views()
        self._limit_api_login()

    def _limit_api_login(self):
        """FAB throttles its login form only (AUTH_RATE_LIMITED); POST
        /api/v1/security/login checks passwords too, and gets the same limit."""
        if not self.is_auth_limited:
            return
        for view in self.appbuilder.baseviews:
            if isinstance(view, SecurityApi):
                self.limiter.limit(self.auth_rate_limit, methods=["POST"])(view.blueprint)
