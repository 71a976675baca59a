"""FAB security manager: our user model, the user form with team and language, and the
login limit extended to the REST login."""

from flask import g
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
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

    def exist_permission_on_roles(self, view_name, permission_name, role_ids) -> bool:
        """FAB asks this once per menu entry and button (~45 queries a page): answered
        from the roles' permissions, read in one query once per request."""
        return (permission_name, view_name) in self._granted(tuple(sorted(role_ids)))

    def _granted(self, role_ids) -> set[tuple[str, str]]:
        cache = g.setdefault("_granted_permissions", {})
        if role_ids not in cache:
            pv, assoc = self.permissionview_model, assoc_permissionview_role
            cache[role_ids] = set(self.session.execute(
                select(self.permission_model.name, self.viewmenu_model.name)
                .select_from(pv)
                .join(assoc, assoc.c.permission_view_id == pv.id)
                .join(self.permission_model, self.permission_model.id == pv.permission_id)
                .join(self.viewmenu_model, self.viewmenu_model.id == pv.view_menu_id)
                .where(assoc.c.role_id.in_(role_ids))).all())
        return cache[role_ids]

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
