"""Notification rules (admins): when to alert, whom, and how, without code."""

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from app.domain import alert_rules as rules
from app.models import NotificationRule
from app.services.alert_rules import validate_rule
from app.views.base import AppModelView
from app.views.forms import BOOTSTRAP, email_field, required

CONDITION_LABELS = {
    rules.NO_ACTION: _l("Open with no action for N days"),
    rules.DUE_WITHIN: _l("Deadline within N days"),
    rules.OVERDUE: _l("Deadline passed"),
    rules.REMINDER_DUE: _l("Reminder due"),
}

LABELS = {
    "name": _l("Name"),
    "condition": _l("Condition"),
    "days": _l("Days (N)"),
    "to_assignee": _l("Assignee"),
    "to_team_manager": _l("Team manager"),
    "to_supervisors": _l("Supervisors"),
    "fixed_address": _l("Fixed address"),
    "by_email": _l("By email"),
    "on_screen": _l("On screen"),
    "by_sms": _l("By SMS"),
    "active": _l("Active"),
    "created_at": _l("Created"),
}

DESCRIPTIONS = {
    "days": _l("“No action”: days without any action on an open complaint (required). "
               "“Deadline within”: days before the deadline; empty means the warning window "
               "of the complaint's deadline rule. Other conditions: leave empty."),
    "to_supervisors": _l("Every active user holding the Supervisor role."),
    "fixed_address": _l("An email address outside the application (email channel only)."),
    "on_screen": _l("In the notifications behind the bell; users only."),
    "by_sms": _l("A short text (tracking number and condition) to the users who gave a "
                 "mobile number on their account; needs Configuration → SMS."),
}


class NotificationRuleView(AppModelView):
    datamodel = SQLAInterface(NotificationRule)
    route_base = "/config/notification-rules"
    list_title = show_title = add_title = edit_title = _l("Notification rules")
    label_columns = LABELS
    description_columns = DESCRIPTIONS
    columns = ["name", "condition", "days", "to_assignee", "to_team_manager", "to_supervisors",
               "fixed_address", "by_email", "on_screen", "by_sms", "active"]
    list_columns = columns
    add_columns = edit_columns = columns
    show_columns = [*columns, "created_at"]
    search_columns = ["name", "condition", "active"]
    base_order = ("name", "asc")
    formatters_columns = {"condition": lambda code: CONDITION_LABELS.get(code, code)}
    validators_columns = {"name": required()}
    add_form_extra_fields = {
        "condition": SelectField(LABELS["condition"], choices=list(CONDITION_LABELS.items()),
                                 validators=required(), render_kw=BOOTSTRAP),
        "days": IntegerField(LABELS["days"], [Optional(),
                                              NumberRange(min=1, max=rules.MAX_DAYS)],
                             description=DESCRIPTIONS["days"], render_kw=BOOTSTRAP),
        "fixed_address": email_field(LABELS["fixed_address"]),
    }
    edit_form_extra_fields = add_form_extra_fields

    def pre_add(self, item):
        validate_rule(item)

    def pre_update(self, item):
        validate_rule(item)
        item.checked_until = None  # what it matches has changed: read everything again
