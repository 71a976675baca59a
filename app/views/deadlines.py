"""Configuration of the deadline clock: rules and holidays (admins).

Any change moves the deadline of every open complaint at once, with a history line.
"""

from flask import flash
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import NumberRange

from app.extensions import db
from app.models import DeadlineRule, Holiday
from app.services import deadlines
from app.services.clock import utcnow
from app.views.base import AppModelView
from app.views.formatting import number
from app.views.forms import required

RULE_LABELS = {
    "state": _l("State (empty: any)"),
    "complexity": _l("Complexity level (empty: any)"),
    "days": _l("Delay in days"),
    "business_days": _l("Business days (skip weekends and holidays)"),
    "warning_days": _l("Warning window in days"),
    "day": _l("Date"),
    "label": _l("Label"),
}


class RecomputeMixin:
    """After a change, move the deadlines of open complaints and say how many moved."""

    recompute_reason = deadlines.REASON_RULES

    def _recompute(self):
        moved = deadlines.recompute_open_deadlines(db.session, self.recompute_reason, utcnow())
        flash(_("Deadlines recomputed: %(n)s open complaints moved.", n=number(moved)), "info")

    def post_add(self, item):
        self._recompute()

    def post_update(self, item):
        self._recompute()

    def post_delete(self, item):
        self._recompute()


class DeadlineRuleView(RecomputeMixin, AppModelView):
    datamodel = SQLAInterface(DeadlineRule)
    route_base = "/config/deadline-rules"
    list_title = show_title = add_title = edit_title = _l("Deadline rules")
    label_columns = RULE_LABELS
    list_columns = ["state", "complexity", "days", "business_days", "warning_days"]
    add_columns = ["state", "complexity", "days", "business_days", "warning_days"]
    edit_columns = add_columns
    show_columns = add_columns
    add_form_extra_fields = {
        "days": IntegerField(RULE_LABELS["days"], required() + [NumberRange(min=0, max=3650)],
                             default=15),
        "warning_days": IntegerField(RULE_LABELS["warning_days"],
                                     required() + [NumberRange(min=0, max=365)], default=3),
    }
    edit_form_extra_fields = add_form_extra_fields
    add_form_query_rel_fields = {"state": [["active", FilterEqual, True]],
                                 "complexity": [["active", FilterEqual, True]]}
    edit_form_query_rel_fields = add_form_query_rel_fields

    # Two rules for one state × complexity ("any" included: the unique index counts an
    # empty one as 0) are refused by AppModelView's general uniqueness rule.


class HolidayView(RecomputeMixin, AppModelView):
    datamodel = SQLAInterface(Holiday)
    route_base = "/config/holidays"
    list_title = show_title = add_title = edit_title = _l("Holidays")
    recompute_reason = deadlines.REASON_HOLIDAYS
    label_columns = RULE_LABELS
    list_columns = ["day", "label"]
    add_columns = ["day", "label"]
    edit_columns = add_columns
    show_columns = add_columns
    base_order = ("day", "desc")
    validators_columns = {"day": required()}  # a date already a holiday: AppModelView
