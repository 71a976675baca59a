"""Assignment rules (admins): which team, and who in it, gets a new complaint."""

from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from app.extensions import db
from app.models import AssignmentRule
from app.services.assignment import validate_rule
from app.views.base import AppModelView
from app.views.forms import required

ANY = _l("(any)")

LABELS = {
    "name": _l("Name"),
    "position": _l("Order"),
    "category": _l("Category"),
    "request_type": _l("Request type"),
    "channel": _l("Channel"),
    "team": _l("Team"),
    "assignee": _l("Assignee"),
    "round_robin": _l("Round-robin among the team's members"),
    "active": _l("Active"),
    "created_at": _l("Created"),
}

DESCRIPTIONS = {
    "position": _l("Rules are tried in this order (then oldest first); the first active "
                   "rule whose conditions all match assigns the complaint."),
    "category": _l("Empty: any category."),
    "request_type": _l("Empty: any request type."),
    "channel": _l("Empty: any channel."),
    "assignee": _l("A member of the team; empty: the team only, or the round-robin."),
    "round_robin": _l("Each new complaint goes to the next active member of the team, in "
                      "turn."),
}


def _any(value):
    return value if value is not None else ANY


class AssignmentRuleView(AppModelView):
    datamodel = SQLAInterface(AssignmentRule)
    route_base = "/config/assignment-rules"
    list_title = _l("Assignment rules (tried in this order: the first match assigns)")
    show_title = add_title = edit_title = _l("Assignment rule")
    label_columns = LABELS
    description_columns = DESCRIPTIONS
    columns = ["position", "name", "category", "request_type", "channel", "team", "assignee",
               "round_robin", "active"]
    list_columns = columns
    add_columns = edit_columns = columns
    show_columns = [*columns, "created_at"]
    search_columns = ["name", "category", "request_type", "channel", "team", "active"]
    order_columns = ["position", "name"]
    base_order = ("position", "asc")
    formatters_columns = {"category": _any, "request_type": _any, "channel": _any}
    validators_columns = {"name": required(), "team": required()}
    add_form_query_rel_fields = {
        name: [["active", FilterEqual, True]]
        for name in ("category", "request_type", "channel", "team", "assignee")
    }
    edit_form_query_rel_fields = add_form_query_rel_fields
    add_form_extra_fields = {"active": BooleanField(LABELS["active"], default=True)}

    def pre_add(self, item):
        validate_rule(db.session, item)

    def pre_update(self, item):
        validate_rule(db.session, item)
