"""Configuration → Satisfaction survey (admins): on/off, the link's validity and whether a
"not satisfied" answer reopens the complaint (three settings, app/services/settings.py)."""

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app.domain import satisfaction as rules
from app.extensions import db
from app.services.exceptions import ServiceError
from app.services.settings import get_setting, set_setting


class SurveySettingsView(BaseView):
    route_base = "/config/survey"
    default_view = "index"
    base_permissions = ["can_index", "can_save"]
    method_permission_name = {"index": "index", "save": "save"}

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        return self.render_template(
            "privacy/survey_settings.html", title=_("Satisfaction survey"),
            enabled=rules.truthy(get_setting(session, "survey_enabled")),
            reopen=rules.truthy(get_setting(session, "survey_reopen")),
            days=get_setting(session, "survey_valid_days"))

    @expose("/", methods=["POST"])
    @has_access
    def save(self):
        session = db.session
        values = {"survey_enabled": "1" if request.form.get("enabled") else "0",
                  "survey_reopen": "1" if request.form.get("reopen") else "0",
                  "survey_valid_days": (request.form.get("days") or "").strip()}
        try:
            for key, value in values.items():
                set_setting(session, key, value)
        except ServiceError as exc:
            session.rollback()  # all or nothing
            flash(str(exc), "danger")
        else:
            session.commit()
            flash(_("Survey settings saved."), "success")
        return redirect(url_for("SurveySettingsView.index"))
