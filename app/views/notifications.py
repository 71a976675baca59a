"""The signed-in user's on-screen notifications (behind the navbar's bell)."""

from flask import abort, g, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models.notifications import (
    ASSIGNED,
    MESSAGE_RECEIVED,
    REMINDER_DUE,
    RULE_DUE_WITHIN,
    RULE_NO_ACTION,
    RULE_OVERDUE,
    RULE_REMINDER_DUE,
)
from app.reader import visible_condition
from app.services import onscreen
from app.services.clock import utcnow


def notification_text(kind, number) -> str:
    """The sentence of a notification, in the reader's language; without the number when
    the reader may no longer see the complaint."""
    if kind == ASSIGNED:
        return (_("The complaint %(number)s was assigned to you.", number=number) if number
                else _("A complaint was assigned to you."))
    if kind == MESSAGE_RECEIVED:
        return (_("The complainant of %(number)s wrote a new message.", number=number)
                if number else _("A complainant wrote a new message."))
    if kind == REMINDER_DUE:
        return (_("Your reminder on the complaint %(number)s is due.", number=number)
                if number else _("One of your reminders is due."))
    if kind == RULE_OVERDUE:
        return (_("The deadline of the complaint %(number)s has passed.", number=number)
                if number else _("A complaint's deadline has passed."))
    if kind == RULE_DUE_WITHIN:
        return (_("The deadline of the complaint %(number)s is approaching.", number=number)
                if number else _("A complaint's deadline is approaching."))
    if kind == RULE_NO_ACTION:
        return (_("Nothing has been done on the complaint %(number)s for a while.",
                  number=number) if number else _("A complaint has been left without action."))
    if kind == RULE_REMINDER_DUE:
        return (_("A reminder on the complaint %(number)s is due.", number=number)
                if number else _("A reminder on a complaint is due."))
    if kind == "reopened_unsatisfied":  # app/services/satisfaction.py
        return (_("The complaint %(number)s was reopened: its complainant is not satisfied.",
                  number=number) if number else _("A complaint was reopened: its complainant "
                                                  "is not satisfied."))
    return _("Notification")


class NotificationView(BaseView):
    route_base = "/notifications"
    default_view = "list"
    base_permissions = ["can_list", "can_mark_read"]

    @expose("/")
    @has_access
    def list(self):
        items = onscreen.notifications_of(db.session, g.user.id, visible_condition())
        for item in items:
            item["text"] = notification_text(item["kind"], item["tracking_number"])
        self.update_redirect()
        return self.render_template("notifications.html", items=items,
                                    title=_l("Notifications"))

    @expose("/read/<int:notification_id>", methods=["POST"])
    @has_access
    @permission_name("mark_read")
    def mark_read(self, notification_id):
        if not onscreen.mark_read(db.session, g.user.id, notification_id, utcnow()):
            abort(404)
        return redirect(url_for("NotificationView.list"))

    @expose("/read-all", methods=["POST"])
    @has_access
    @permission_name("mark_read")
    def mark_all_read(self):
        onscreen.mark_all_read(db.session, g.user.id, utcnow())
        return redirect(url_for("NotificationView.list"))
