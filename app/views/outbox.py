"""The outbox for admins: every email with its status, attempts and last error; retry."""

from flask import flash, redirect, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.extensions import db
from app.models import OutboundEmail
from app.models.outbox import FAILED, PENDING, SENT
from app.services import outbox
from app.services.exceptions import ServiceError
from app.views.base import AppModelView
from app.views.formatting import complaint_link, local_datetime, number

STATUS_LABELS = {PENDING: _l("Pending"), SENT: _l("Sent"), FAILED: _l("Failed")}
STATUS_CLASSES = {PENDING: "warning", SENT: "success", FAILED: "danger"}


def status_badge(status) -> Markup:
    """The status as a coloured, translated label (also used on the complaint page)."""
    return Markup('<span class="label label-{}">{}</span>').format(
        STATUS_CLASSES.get(status, "default"), escape(str(STATUS_LABELS.get(status, status))))




def short_text(text):
    text = text or ""
    return text if len(text) <= 120 else text[:119] + "…"


def preformatted(text):
    return Markup('<pre style="white-space: pre-wrap">{}</pre>').format(text or "")


class OutboundEmailView(AppModelView):
    """Read-only list and detail of the outbox; the only change is "Retry"."""

    datamodel = SQLAInterface(OutboundEmail)
    route_base = "/outbox"
    list_title = show_title = _l("Outbox")
    base_permissions = ["can_list", "can_show", "retry"]
    base_order = ("id", "desc")
    list_columns = ["status", "recipient", "subject", "complaint", "attempts", "last_error",
                    "created_at", "sent_at"]
    show_columns = ["status", "recipient", "subject", "complaint", "language", "attempts",
                    "next_attempt_at", "last_error", "refused_recipients", "created_at",
                    "sent_at", "body_text"]
    search_columns = ["status", "recipient", "subject", "created_at", "sent_at", "attempts"]
    label_columns = {
        "status": _l("Status"), "recipient": _l("Recipient"), "subject": _l("Subject"),
        "complaint": _l("Complaint"), "language": _l("Language"), "attempts": _l("Attempts"),
        "next_attempt_at": _l("Next attempt"), "last_error": _l("Last error"),
        "refused_recipients": _l("Refused recipients"), "created_at": _l("Created at"),
        "sent_at": _l("Sent at"), "body_text": _l("Text"),
    }
    formatters_columns = {
        "status": status_badge, "complaint": complaint_link, "last_error": short_text,
        "created_at": local_datetime, "sent_at": local_datetime,
        "next_attempt_at": local_datetime, "body_text": preformatted,
    }

    @action("retry", _l("Retry"), _l("Send the selected emails again?"), "fa-redo")
    def retry(self, items):
        done = retry_each(items, outbox.retry)
        if done:
            flash(_("%(n)s email(s) will be sent on the next delivery pass.", n=number(done)),
                  "success")
        return redirect(url_for("OutboundEmailView.list"))


def retry_each(items, retry_one) -> int:
    """Queue each selected message again (``retry_one(session, row)``); a refusal is
    flashed with its reason. How many will be sent on the next delivery pass."""
    done = 0
    for item in items if isinstance(items, list) else [items]:
        try:
            retry_one(db.session, item)
            done += 1
        except ServiceError as exc:
            flash(str(exc), "warning")
    return done
