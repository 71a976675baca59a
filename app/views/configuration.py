"""Configuration menu (admins): reference lists, states and transitions, teams, settings."""

from flask import flash
from flask_appbuilder.models.sqla.filters import FilterNotEqual, FilterNotStartsWith
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    Agency,
    Category,
    Channel,
    Complexity,
    RequestType,
    ResolutionType,
    Sector,
    Setting,
    Severity,
    State,
    StateTransition,
    Team,
)
from app.services import deadlines, month_stats, sms_settings, trends
from app.services.clock import utcnow
from app.services.letterhead import LOGO_KEY
from app.services.settings import validate_setting
from app.views.base import AppModelView
from app.views.formatting import number
from app.views.forms import email_field, required
from app.views.labels import REFERENCE_LABELS


class ReferenceView(AppModelView):
    """Shared shape of every reference list: code, FR/EN labels, order, active."""

    label_columns = REFERENCE_LABELS
    list_columns = ["code", "label_fr", "label_en", "position", "active"]
    add_columns = ["code", "label_fr", "label_en", "position", "active"]
    edit_columns = add_columns
    show_columns = add_columns
    search_columns = ["code", "label_fr", "label_en", "active"]
    base_order = ("position", "asc")
    validators_columns = {"code": required(), "label_fr": required(), "label_en": required()}


def _reference_view(model, title, route):
    return type(f"{model.__name__}View", (ReferenceView,), {
        "datamodel": SQLAInterface(model),
        "route_base": route,
        "list_title": title,
        "show_title": title,
        "add_title": title,
        "edit_title": title,
    })


REFERENCE_VIEWS = [
    (_reference_view(RequestType, _l("Request types"), "/config/request-types"),
     "Request types", _l("Request types")),
    (_reference_view(Channel, _l("Channels"), "/config/channels"), "Channels", _l("Channels")),
    (_reference_view(Category, _l("Categories"), "/config/categories"), "Categories",
     _l("Categories")),
    (_reference_view(Severity, _l("Severity levels"), "/config/severities"), "Severities",
     _l("Severity levels")),
    (_reference_view(Complexity, _l("Complexity levels"), "/config/complexities"),
     "Complexities", _l("Complexity levels")),
    (_reference_view(ResolutionType, _l("Resolution types"), "/config/resolution-types"),
     "Resolution types", _l("Resolution types")),
    (_reference_view(Sector, _l("Sectors"), "/config/sectors"), "Sectors", _l("Sectors")),
    (_reference_view(Agency, _l("Agencies"), "/config/agencies"), "Agencies", _l("Agencies")),
]


class StateView(ReferenceView):
    datamodel = SQLAInterface(State)
    route_base = "/config/states"
    list_title = show_title = add_title = edit_title = _l("States")
    flags = ["is_initial", "is_open", "pauses_clock", "marks_answered", "is_final",
             "notify_complainant"]
    list_columns = ["code", "label_fr", "label_en", "position", *flags, "active"]
    add_columns = ["code", "label_fr", "label_en", "position", *flags, "active"]
    edit_columns = add_columns
    show_columns = add_columns


class StateTransitionView(AppModelView):
    datamodel = SQLAInterface(StateTransition)
    route_base = "/config/transitions"
    list_title = show_title = add_title = edit_title = _l("Allowed transitions")
    label_columns = REFERENCE_LABELS
    list_columns = ["source", "target"]
    add_columns = ["source", "target"]
    edit_columns = add_columns
    show_columns = add_columns
    search_columns = ["source", "target"]
    validators_columns = {"source": required(), "target": required()}


class TeamView(AppModelView):
    datamodel = SQLAInterface(Team)
    route_base = "/config/teams"
    list_title = show_title = add_title = edit_title = _l("Teams")
    label_columns = REFERENCE_LABELS
    list_columns = ["name", "name_en", "email", "manager", "active"]
    add_columns = ["name", "name_en", "email", "manager", "active"]
    edit_columns = add_columns
    show_columns = add_columns
    search_columns = ["name", "name_en", "email", "manager", "active"]
    validators_columns = {"name": required(), "name_en": required()}
    add_form_extra_fields = {"email": email_field(_l("Email"))}
    edit_form_extra_fields = add_form_extra_fields


class SettingView(AppModelView):
    datamodel = SQLAInterface(Setting)
    route_base = "/config/settings"
    list_title = show_title = add_title = edit_title = _l("Settings")
    label_columns = REFERENCE_LABELS
    list_columns = ["key", "value"]
    add_columns = ["key", "value"]
    edit_columns = ["value"]
    show_columns = ["key", "value"]
    validators_columns = {"key": required()}
    # Not settings an admin types: the logo is an image with a page of its own
    # (Configuration → Letterhead logo), SMS have theirs (secrets never shown back);
    # the other is the product's own bookkeeping.
    base_filters = [["key", FilterNotEqual, LOGO_KEY],
                    ["key", FilterNotEqual, month_stats.TIME_ZONE_MARK],
                    ["key", FilterNotStartsWith, sms_settings.PREFIX],
                    ["key", FilterNotEqual, trends.DAY_MARK]]

    def pre_add(self, item):
        validate_setting(item.key, item.value)

    def pre_update(self, item):
        validate_setting(item.key, item.value)

    def post_add(self, item):
        self._after_change(item)

    def post_update(self, item):
        self._after_change(item)

    def _after_change(self, item):
        if item.key == "time_zone":
            month_stats.ensure_time_zone(db.session)  # the dashboard's months move too
            moved = deadlines.recompute_open_deadlines(db.session, deadlines.REASON_TIME_ZONE,
                                                       utcnow())
            flash(_("Deadlines recomputed: %(n)s open complaints moved.", n=number(moved)), "info")
