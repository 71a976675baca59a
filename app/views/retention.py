"""Configuration → Retention (admins): the retention period of each request type, the
preview of what the next run anonymises, and "run now"; Audit → Personal data export."""

import io
from datetime import date

from flask import current_app, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select

from app.domain import retention as rules
from app.extensions import db
from app.models import RequestType
from app.reader import visible_condition
from app.services import personal_data, retention, sms_settings
from app.services.exceptions import ServiceError
from app.views.formatting import number


class RetentionView(BaseView):
    route_base = "/config/retention"
    default_view = "index"
    base_permissions = ["can_index", "can_save", "can_run"]
    method_permission_name = {"index": "index", "save": "save", "run": "run"}

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        types = session.scalars(select(RequestType).order_by(RequestType.position)).all()
        return self.render_template("privacy/retention.html", title=_("Retention"),
                                    request_types=types, preview=retention.preview(session),
                                    max_months=rules.MAX_MONTHS)

    @expose("/", methods=["POST"])
    @has_access
    def save(self):
        session = db.session
        types = session.scalars(select(RequestType)).all()
        try:  # every value checked before any is stored
            values = {t.id: rules.parse_months(request.form.get(f"months_{t.id}", ""))
                      for t in types}
        except ValueError:
            flash(_("A retention is empty (keep forever) or a whole number of months from "
                    "1 to %(max)s.", max=rules.MAX_MONTHS), "danger")
            return redirect(url_for("RetentionView.index"))
        for request_type in types:
            request_type.retention_months = values[request_type.id]
        session.commit()
        flash(_("Retention periods saved."), "success")
        return redirect(url_for("RetentionView.index"))

    @expose("/run", methods=["POST"])
    @has_access
    def run(self):
        counts = retention.run_retention(db.session, current_app.config,
                                         batch=current_app.config["RETENTION_BATCH"])
        flash(_("%(n)s complaints anonymised, %(m)s deleted-complaint snapshots reduced.",
                n=number(counts["anonymised"]), m=number(counts["snapshots"])), "success")
        return redirect(url_for("RetentionView.index"))


class PersonalDataView(BaseView):
    route_base = "/audit/personal-data"
    default_view = "index"
    base_permissions = ["can_index", "can_download"]
    method_permission_name = {"index": "index", "download": "download"}

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("privacy/personal_data.html",
                                    title=_("Personal data export"), email="")

    @expose("/", methods=["POST"])
    @has_access
    def download(self):
        email = request.form.get("email", "")
        try:
            content, _count = personal_data.export_zip(
                db.session, email, current_app.config, g.user, scope=visible_condition(),
                region=sms_settings.region(db.session))
        except ServiceError as exc:
            flash(str(exc), "danger")
            return self.render_template("privacy/personal_data.html",
                                        title=_("Personal data export"), email=email[:320])
        name = f"personal-data-{date.today().isoformat()}.zip"
        return send_file(io.BytesIO(content), mimetype="application/zip", as_attachment=True,
                         download_name=name)
