"""Audit pages: who opened confidential complaints, and which complaints were deleted."""

import json

from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.domain import events
from app.models import DeletedComplaint, Event
from app.reader import OfVisibleComplaints
from app.views.base import AppModelView
from app.views.formatting import complaint_link, local_datetime


class ConfidentialAccessLogView(AppModelView):
    """Every opening of a confidential complaint. Rows follow visibility too: a reader
    without confidential access sees none (the complaints must stay invisible to them)."""

    datamodel = SQLAInterface(Event)
    route_base = "/audit/confidential-access"
    list_title = _l("Confidential access log")
    base_permissions = ["can_list"]
    base_filters = [["kind", FilterEqual, events.CONSULTED],
                    ["complaint_id", OfVisibleComplaints, None]]
    base_order = ("created_at", "desc")
    list_columns = ["created_at", "complaint", "user"]
    search_columns = ["created_at", "user"]
    label_columns = {"created_at": _l("When"), "complaint": _l("Complaint"),
                     "user": _l("Consulted by")}
    formatters_columns = {"created_at": local_datetime, "complaint": complaint_link}


def _pretty_json(text):
    try:
        return Markup("<pre>{}</pre>").format(json.dumps(json.loads(text), indent=1,
                                                         ensure_ascii=False))
    except (TypeError, ValueError):
        return text


class DeletedComplaintView(AppModelView):
    """Deleted complaints with the snapshot of everything they held (admins)."""

    datamodel = SQLAInterface(DeletedComplaint)
    route_base = "/audit/deleted-complaints"
    list_title = show_title = _l("Deleted complaints")
    base_permissions = ["can_list", "can_show"]
    base_order = ("deleted_at", "desc")
    list_columns = ["tracking_number", "deleted_at", "deleted_by_name"]
    show_columns = ["tracking_number", "deleted_at", "deleted_by_name", "snapshot"]
    search_columns = ["tracking_number", "deleted_at", "deleted_by_name"]
    label_columns = {"tracking_number": _l("Tracking number"), "deleted_at": _l("Deleted at"),
                     "deleted_by_name": _l("Deleted by"), "snapshot": _l("Snapshot")}
    formatters_columns = {"deleted_at": local_datetime, "snapshot": _pretty_json}
