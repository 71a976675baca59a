"""SMS for admins: the SMS outbox in Audit (status, attempts, last error; retry) beside
the emails, and the provider's configuration (Configuration → SMS)."""

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import OutboundSms
from app.services import sms_outbox, sms_settings
from app.services.exceptions import ServiceError
from app.services.sms_providers import FORM, JSON, METHODS
from app.views.base import AppModelView
from app.views.formatting import complaint_link, local_datetime, number
from app.views.outbox import retry_each, short_text, status_badge


class OutboundSmsView(AppModelView):
    """Read-only list and detail of the SMS outbox; the only change is "Retry"."""

    datamodel = SQLAInterface(OutboundSms)
    route_base = "/outbox-sms"
    list_title = show_title = _l("SMS")
    base_permissions = ["can_list", "can_show", "retry"]
    base_order = ("id", "desc")
    list_columns = ["status", "recipient", "body", "complaint", "attempts", "last_error",
                    "created_at", "sent_at"]
    show_columns = ["status", "recipient", "complaint", "language", "attempts",
                    "next_attempt_at", "last_error", "provider_id", "created_at", "sent_at",
                    "body"]
    search_columns = ["status", "recipient", "created_at", "sent_at", "attempts"]
    label_columns = {
        "status": _l("Status"), "recipient": _l("Recipient"), "body": _l("Text"),
        "complaint": _l("Complaint"), "language": _l("Language"), "attempts": _l("Attempts"),
        "next_attempt_at": _l("Next attempt"), "last_error": _l("Last error"),
        "provider_id": _l("Provider's id"), "created_at": _l("Created at"),
        "sent_at": _l("Sent at"),
    }
    formatters_columns = {
        "status": status_badge, "complaint": complaint_link, "last_error": short_text,
        "created_at": local_datetime, "sent_at": local_datetime,
        "next_attempt_at": local_datetime,
    }

    @action("retry", _l("Retry"), _l("Send the selected SMS again?"), "fa-redo")
    def retry(self, items):
        done = retry_each(items, sms_outbox.retry)
        if done:
            flash(_("%(n)s SMS will be sent on the next delivery pass.", n=number(done)),
                  "success")
        return redirect(url_for("OutboundSmsView.list"))


class SmsSettingsView(BaseView):
    """Which provider sends the SMS, with its parameters; secrets are never shown back."""

    route_base = "/config/sms"
    default_view = "index"
    base_permissions = ["can_index", "can_save"]
    method_permission_name = {"index": "index", "save": "save"}

    @expose("/")
    @has_access
    def index(self):
        return self.render_template(
            "sms/settings.html", title=_("SMS"), values=sms_settings.shown(db.session),
            secrets=sms_settings.SECRETS, methods=METHODS, formats=(JSON, FORM),
            pending=sms_outbox.count_pending(db.session))

    @expose("/", methods=["POST"])
    @has_access
    def save(self):
        try:
            sms_settings.save(db.session, request.form)
        except ServiceError as exc:
            db.session.rollback()  # all or nothing
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("SMS settings saved."), "success")
        return redirect(url_for("SmsSettingsView.index"))
