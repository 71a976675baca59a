"""My reminders: the signed-in user's open reminders, overdue ones flagged."""

from flask import g
from flask_appbuilder.models.sqla.filters import FilterEqualFunction
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.models import Reminder
from app.reader import OfVisibleComplaints
from app.views.base import AppModelView
from app.views.formatting import complaint_link, local_datetime
from app.views.labels import COMPLAINT_LABELS


def _current_user_id():
    return g.user.id




class MyReminderView(AppModelView):
    datamodel = SQLAInterface(Reminder)
    route_base = "/reminders"
    list_title = _l("My reminders")
    label_columns = {
        "complaint": COMPLAINT_LABELS["tracking_number"],
        "remind_at": _l("Reminder date"),
        "note": _l("Note"),
        "done_at": _l("Done at"),
        "is_overdue": _l("Overdue"),
    }
    list_columns = ["complaint", "remind_at", "note", "done_at"]
    search_columns = ["remind_at", "done_at"]
    base_permissions = ["can_list"]
    base_filters = [["user_id", FilterEqualFunction, _current_user_id],
                    ["complaint_id", OfVisibleComplaints, None]]
    base_order = ("remind_at", "asc")
    formatters_columns = {
        "complaint": complaint_link,
        "remind_at": lambda v: _reminder_date(v),
        "done_at": local_datetime,
    }


def _reminder_date(value):
    from app.services.clock import utcnow

    text = local_datetime(value)
    if value and value < utcnow():
        return Markup('{} <span class="label label-danger">{}</span>').format(
            text, _("Overdue"))
    return text
