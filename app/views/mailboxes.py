"""Configuration → Mailboxes (admins): the IMAP mailboxes the scheduler reads, their
password kept encrypted and never shown back, "Test the connection", and the last
error of a failing one in red."""

from flask import current_app, flash, redirect, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import PasswordField, SelectField
from wtforms.validators import DataRequired, Optional

from app.domain import mailboxes as rules
from app.models import Mailbox
from app.services import mailboxes
from app.services.exceptions import ServiceError
from app.views.base import AppModelView
from app.views.formatting import local_datetime, number
from app.views.forms import BOOTSTRAP, required

SECURITY_CHOICES = [(rules.TLS, _l("TLS (usually port 993)")),
                    (rules.STARTTLS, _l("STARTTLS (usually port 143)")),
                    (rules.PLAIN, _l("None (a server on this machine only)"))]
ACTION_CHOICES = [(rules.MARK_SEEN, _l("Mark as read")),
                  (rules.MOVE, _l("Move to a folder")),
                  (rules.DELETE, _l("Delete"))]

LABELS = {
    "name": _l("Name"), "host": _l("IMAP server"), "port": _l("Port"),
    "security": _l("Encryption"), "username": _l("User name"), "password": _l("Password"),
    "folder": _l("Folder read"), "processed_action": _l("Once taken in"),
    "move_to": _l("Move to folder"), "request_type": _l("Request type"),
    "channel": _l("Channel"), "team": _l("Team"), "active": _l("Active"),
    "last_polled_at": _l("Last read"), "last_error": _l("Last error"),
    "last_error_at": _l("Failed at"), "failures": _l("Failures in a row"),
    "next_poll_at": _l("Next try"), "taken_in": _l("Mails taken in"),
}
DESCRIPTIONS = {
    "folder": _l("Usually INBOX."),
    "move_to": _l("Only when processed mails are moved; created when missing."),
    "request_type": _l("Of the complaints this mailbox opens (empty: the usual one)."),
    "channel": _l("Of the complaints this mailbox opens (empty: email)."),
    "team": _l("Of the complaints this mailbox opens (empty: by the assignment rules)."),
}


def _choice_label(choices):
    labels = dict(choices)
    return lambda value: labels.get(value, value)


def _in_red(value):
    if not value:
        return ""
    return Markup('<span class="text-danger"><strong>{}</strong></span>').format(value)


def _in_red_time(value):
    return _in_red(local_datetime(value)) if value else ""


class MailboxView(AppModelView):
    datamodel = SQLAInterface(Mailbox)
    route_base = "/config/mailboxes"
    list_title = _l("Mailboxes")
    show_title = add_title = edit_title = _l("Mailbox")
    label_columns = LABELS
    description_columns = DESCRIPTIONS
    form_columns = ["name", "host", "port", "security", "username", "password", "folder",
                    "processed_action", "move_to", "request_type", "channel", "team",
                    "active"]
    add_columns = edit_columns = form_columns
    list_columns = ["name", "host", "username", "folder", "active", "last_polled_at",
                    "last_error", "last_error_at"]
    show_columns = ["name", "host", "port", "security", "username", "folder",
                    "processed_action", "move_to", "request_type", "channel", "team",
                    "active", "last_polled_at", "taken_in", "last_error", "last_error_at",
                    "failures", "next_poll_at"]
    search_columns = ["name", "host", "username", "active"]
    base_order = ("name", "asc")
    validators_columns = {"name": required(), "host": required(), "username": required()}
    formatters_columns = {
        "security": _choice_label(SECURITY_CHOICES),
        "processed_action": _choice_label(ACTION_CHOICES),
        "last_error": _in_red, "last_error_at": _in_red_time,
        "last_polled_at": local_datetime, "next_poll_at": local_datetime,
        "taken_in": number,
    }
    add_form_query_rel_fields = {name: [["active", FilterEqual, True]]
                                 for name in ("request_type", "channel", "team")}
    edit_form_query_rel_fields = add_form_query_rel_fields
    add_form_extra_fields = {
        "security": SelectField(_l("Encryption"), choices=SECURITY_CHOICES,
                                default=rules.TLS, render_kw=BOOTSTRAP),
        "processed_action": SelectField(_l("Once taken in"), choices=ACTION_CHOICES,
                                        default=rules.MARK_SEEN, render_kw=BOOTSTRAP),
        "password": PasswordField(_l("Password"), [DataRequired(
            message=_l("This field is required."))], render_kw=BOOTSTRAP),
    }
    edit_form_extra_fields = {
        **add_form_extra_fields,
        "password": PasswordField(_l("Password"), [Optional()], render_kw=BOOTSTRAP,
                                  description=_l("Leave empty to keep the current "
                                                 "password.")),
    }

    def pre_add(self, item):
        self._check_and_encrypt(item)

    def pre_update(self, item):
        self._check_and_encrypt(item)

    def _check_and_encrypt(self, item):
        mailboxes.check_mailbox(item)
        password, item.password = getattr(item, "password", None), None
        mailboxes.set_password(item, current_app.config["SECRET_KEY"], password)
        item.failures, item.next_poll_at = 0, None  # new settings: tried at the next pass

    @action("test_connection", _l("Test the connection"), None, "fa-plug", multiple=False)
    def test_connection(self, item):
        try:
            waiting = mailboxes.test_connection(item, current_app.config)
        except ServiceError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("Connection succeeded: %(n)s mail(s) waiting in the folder.",
                    n=number(waiting)), "success")
        return redirect(url_for("MailboxView.show", pk=item.id))
