"""FAB security manager: our user model, the user form with team and language, and the
login limit extended to the REST login."""

import logging
from datetime import datetime

from flask import current_app, flash, g, has_request_context, jsonify, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.security.forms import UserInfoEdit
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from flask_appbuilder.security.views import (
    AuthDBView,
    RoleModelView,
    UserDBModelView,
    UserGroupModelView,
    UserInfoEditView,
)
from flask_appbuilder.widgets import ListWidget
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash
from wtforms import SelectField

from app.error_messages import MESSAGES, translated
from app.models import AppUser
from app.services import login_lock
from app.services.clock import utcnow

logger = logging.getLogger(__name__)


def _token_refused(_reason):
    return jsonify(message=translated(MESSAGES[401])), 401


LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English")]


def _language_field():
    return SelectField(_l("Language"), choices=LANGUAGE_CHOICES, default="fr")


def _mobile_field():
    from app.fields import phone_field

    return phone_field(_l("Mobile phone"), mobile=True, description=_l(
        "For the alerts of notification rules sent by SMS; leave empty to receive none."))


class StaffUserView(UserDBModelView):
    """FAB's users, with team and language; the account page ("Profile") also shows the
    user's private calendar address (templates/security/user_show.html)."""

    show_template = "security/user_show.html"
    add_columns = UserDBModelView.add_columns + ["team", "language", "mobile_phone"]
    edit_columns = UserDBModelView.edit_columns + ["team", "language", "mobile_phone"]
    list_columns = ["first_name", "last_name", "username", "email", "team", "active", "roles"]
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "team", "language",
                                      "mobile_phone", "login_count"]}),
        *UserDBModelView.show_fieldsets[1:],
    ]
    # The account page (/users/userinfo/): FAB's, with the mobile number SMS go to.
    user_show_fieldsets = [
        UserDBModelView.user_show_fieldsets[0],
        (_l("Personal Info"), {"fields": ["first_name", "last_name", "email", "mobile_phone"],
                               "expanded": True}),
    ]
    label_columns = {**UserDBModelView.label_columns, "team": _l("Team"),
                     "language": _l("Language"), "mobile_phone": _l("Mobile phone")}
    add_form_extra_fields = {**UserDBModelView.add_form_extra_fields,
                             "language": _language_field(), "mobile_phone": _mobile_field()}
    edit_form_extra_fields = {"language": _language_field(), "mobile_phone": _mobile_field()}

    # Whoever may read their own account page may manage their own calendar address.
    @expose("/calendar/new", methods=["POST"])
    @has_access
    @permission_name("userinfo")
    def calendar_new(self):
        from app.extensions import db
        from app.services import calendar

        token = calendar.issue_token(db.session, g.user)
        address = url_for("calendar_feed.feed", token=token, _external=True)
        return self.render_template("security/calendar_address.html", address=address,
                                    appbuilder=self.appbuilder)

    @expose("/calendar/revoke", methods=["POST"])
    @has_access
    @permission_name("userinfo")
    def calendar_revoke(self):
        from app.extensions import db
        from app.services import calendar

        calendar.revoke_token(db.session, g.user)
        flash(_("Your calendar address no longer works."), "info")
        return redirect(url_for(f"{type(self).__name__}.userinfo"))



class StaffUserInfoEdit(UserInfoEdit):
    """The account page's form: names, and the mobile number SMS alerts go to."""

    mobile_phone = _mobile_field()


class StaffUserInfoEditView(UserInfoEditView):
    form = StaffUserInfoEdit
    # The roles grant FAB's view name (app/domain/roles.py), links use its address.
    class_permission_name = "UserInfoEditView"
    route_base = "/userinfoeditview"

    def form_post(self, form) -> None:
        """FAB's, but saving the validated form (FAB re-reads the raw request, which
        would store the number as typed rather than in E.164)."""
        item = self.appbuilder.sm.get_user_by_id(g.user.id)
        form.populate_obj(item)
        self.appbuilder.sm.update_user(item)
        flash(str(self.message), "info")


class StaffGroupView(UserGroupModelView):
    """FAB's groups, with labelled columns: FAB shows their names ("label", "users")."""

    class_permission_name = "UserGroupModelView"  # the permissions the roles hold
    label_columns = {"name": _l("Name"), "label": _l("Label"),
                     "description": _l("Description"), "users": _l("Users"),
                     "roles": _l("Roles")}


class StaffRoleView(RoleModelView):
    """FAB's roles, with the columns its search form offers labelled too."""

    class_permission_name = "RoleModelView"  # the permissions the roles hold
    # The product's list widget (labelled checkboxes, rows rendered in Python): FAB's
    # roles widget differs from it only for built-in roles (FAB_ROLES), which it has none.
    list_widget = ListWidget
    label_columns = {**RoleModelView.label_columns, "user": _l("Users"),
                     "groups": _l("Groups")}


class StaffAuthDBView(AuthDBView):
    """FAB's sign-in pages, with a sign-out that only a POST carrying the CSRF token does:
    FAB signs out on a GET, which any link or image on another site can trigger."""

    # One message for a wrong password, an unknown user and a locked account: which one
    # it was would tell whether the account exists.
    invalid_login_message = _l("Invalid login. Please try again. After several failed "
                               "attempts in a row, an account waits a few minutes.")

    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        if request.method == "POST":  # CSRFProtect has checked the token
            return super().logout()
        # A bookmark or a typed address: ask, with the same form as the menu's.
        return self.render_template("logout.html"), 200


class ReclamationsSecurityManager(SecurityManager):
    user_model = AppUser
    userdbmodelview = StaffUserView
    groupmodelview = StaffGroupView
    rolemodelview = StaffRoleView
    authdbview = StaffAuthDBView
    userinfoeditview = StaffUserInfoEditView
    # FAB's "User's Statistics" page draws with Google Charts loaded from the internet
    # (refused by our Content-Security-Policy, absent offline) and answers a 500 to a
    # malformed URL: not offered.
    userstatschartview = None

    def has_access(self, permission_name, view_name) -> bool:
        """FAB's answer, with the signed-in reader's roles worked out once per request:
        FAB asks ~50 times a page (menu, buttons), and each time it resolved the user
        through Flask-Login's proxies, checked it was attached and active, and read its
        roles and groups again. API keys, JWTs and visitors take FAB's own way."""
        roles = self._reader_roles()
        if roles is None:
            return super().has_access(permission_name, view_name)
        builtin, role_ids = roles
        if any(self._has_access_builtin_roles(role, permission_name, view_name)
               for role in builtin):
            return True
        return bool(role_ids) and self.exist_permission_on_roles(view_name, permission_name,
                                                                 role_ids)

    def auth_user_db(self, username, password):
        """FAB's password check, except for an account locked after failed sign-ins in a
        row (app/domain/login_lock.py): refused without checking its password, after the
        same work as for an unknown user (a hash check and a commit), so that neither the
        answer nor its timing tells a locked account from an unknown one."""
        user = self._active_user(username)
        if user is not None and login_lock.is_locked(user, utcnow()):
            check_password_hash(current_app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"],
                                "password")
            self.noop_user_update(user)
            logger.info("sign-in refused for %r: account locked until %s", username,
                        user.login_locked_until)
            return None
        return super().auth_user_db(username, password)

    def _active_user(self, username):
        if not username:
            return None
        user = self.find_user(username=username) or self.find_user(email=username)
        return user if user is not None and user.is_active else None

    def update_user_auth_stat(self, user, success=True):
        """FAB counts failures in a row; the lock and the owner's email are written in the
        same commit."""
        rule = login_lock.rule_from(current_app.config)
        if success:
            login_lock.record_success(user)
        elif rule.enabled:
            login_lock.record_failure(self.session, user, rule, utcnow())
        super().update_user_auth_stat(user, success)

    def get_user_by_id(self, pk):
        """The user with its roles and groups in one query (Flask-Login loads it on every
        request; FAB's ``session.get`` then read the roles and the groups lazily)."""
        model = self.user_model
        return self.session.scalars(
            select(model).where(model.id == pk)
            .options(joinedload(model.roles), joinedload(model.groups))).unique().first()

    def _reader_roles(self):
        """(built-in roles, ids of the database roles) of this request's signed-in, active
        user, or None where FAB's checks apply (no request, API key, JWT, visitor)."""
        if not has_request_context() or getattr(g, "_api_key_user", False):
            return None
        user = current_user._get_current_object()
        cached = g.get("_reader_roles")
        if cached is not None and cached[0] is user:  # same user: a login changes it
            return cached[1]
        if not user.is_authenticated:
            return None
        safe = self._get_safe_user(g.user)
        if not safe or not safe.is_active:
            return None
        roles = self.get_user_roles(safe)
        answer = ([r for r in roles if r.name in self.builtin_roles],
                  [r.id for r in roles if r.name not in self.builtin_roles])
        g._reader_roles = (user, answer)
        return answer

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

    @staticmethod
    def extract_api_key_from_request():
        """FAB reads ``Authorization: Bearer sst_…``; scripts may also send ``X-API-Key``."""
        key = SecurityManager.extract_api_key_from_request()
        if key is None:
            header = request.headers.get("X-API-Key", "").strip()
            prefixes = current_app.config.get("FAB_API_KEY_PREFIXES", ["sst_"])
            key = header if header and header.startswith(tuple(prefixes)) else None
        return key

    def validate_api_key(self, api_key_string):
        """FAB's check, with the key's owner loaded as the product's ``AppUser`` (team,
        language) as for a JWT or a session; FAB's ``api_key.user`` is its base ``User``,
        which the services cannot store as an author or actor."""
        api_key = self.session.query(self.api_key_model).filter(
            self.api_key_model.lookup_hash == self._compute_lookup_hash(api_key_string),
        ).one_or_none()
        if api_key is None or not check_password_hash(api_key.key_hash, api_key_string):
            return None
        user = self.session.get(AppUser, api_key.user_id)
        if not api_key.is_active or user is None or not user.is_active:
            logger.info("API key %r refused: revoked, expired or its user inactive",
                        api_key.name)
            return None
        api_key.last_used_on = datetime.now()  # noqa: DTZ005 - FAB's column, local time
        self.session.commit()
        g.user = user
        g._api_key_user = True
        return user

    def create_jwt_manager(self, app):
        """Token errors answer like every API error: 401 with a ``message``."""
        manager = super().create_jwt_manager(app)
        for loader in (manager.unauthorized_loader, manager.invalid_token_loader):
            loader(_token_refused)
        for loader in (manager.expired_token_loader, manager.revoked_token_loader,
                       manager.needs_fresh_token_loader):
            loader(lambda _header, _payload: _token_refused(""))
        manager.user_lookup_error_loader(lambda _header, _payload: _token_refused(""))
        return manager

    def _limit_api_login(self):
        """FAB throttles its login form only (AUTH_RATE_LIMITED); POST
        /api/v1/security/login checks passwords too, and gets the same limit."""
        if not self.is_auth_limited:
            return
        for view in self.appbuilder.baseviews:
            if isinstance(view, SecurityApi):
                self.limiter.limit(self.auth_rate_limit, methods=["POST"])(view.blueprint)
