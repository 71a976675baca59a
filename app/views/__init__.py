"""Registration of every view and menu entry (called by ``create_app``, never at import)."""

from flask_babel import lazy_gettext as _l

from app.services import reference_version
from app.views.assignment_rules import AssignmentRuleView
from app.views.audit import ConfidentialAccessLogView, DeletedComplaintView
from app.views.base import AppModelView
from app.views.classification import ClassificationView
from app.views.clients import ClientView, ContractView
from app.views.complaints import ComplaintView
from app.views.configuration import (
    REFERENCE_VIEWS,
    SettingView,
    StateTransitionView,
    StateView,
    TeamView,
)
from app.views.custom_fields import CustomFieldView
from app.views.dashboard import DashboardView
from app.views.deadlines import DeadlineRuleView, HolidayView
from app.views.exports import MyExportView
from app.views.imports import ImportView
from app.views.letterhead import LetterheadView
from app.views.letters import DocumentTemplateView
from app.views.mailboxes import MailboxView
from app.views.notification_rules import NotificationRuleView
from app.views.notifications import NotificationView
from app.views.outbox import OutboundEmailView
from app.views.reminders import MyReminderView
from app.views.reports import ReportView
from app.views.response_templates import ResponseTemplateView
from app.views.retention import PersonalDataView, RetentionView
from app.views.satisfaction import SurveySettingsView
from app.views.search import SearchView
from app.views.sms import OutboundSmsView, SmsSettingsView

COMPLAINTS, CLIENTS, CONFIGURATION, AUDIT = "Complaints", "Clients", "Configuration", "Audit"


def register_views(appbuilder):
    add = appbuilder.add_view
    add(DashboardView, "Dashboard", icon="fa-tachometer-alt", label=_l("Dashboard"))
    add(ComplaintView, "All complaints", icon="fa-inbox", label=_l("All complaints"),
        category=COMPLAINTS, category_label=_l("Complaints"), category_icon="fa-inbox")
    add(MyReminderView, "My reminders", icon="fa-bell", label=_l("My reminders"),
        category=COMPLAINTS)
    add(MyExportView, "My exports", icon="fa-file-excel", label=_l("My exports"),
        category=COMPLAINTS)
    add(ReportView, "Reports", icon="fa-chart-bar", label=_l("Reports"))
    add(ClientView, "Clients", icon="fa-address-book", label=_l("Clients"),
        category=CLIENTS, category_label=_l("Clients"), category_icon="fa-address-book")
    add(ContractView, "Contracts", icon="fa-file-contract", label=_l("Contracts"),
        category=CLIENTS)
    first = True
    for view, name, label in REFERENCE_VIEWS:
        extra = {"category_label": _l("Configuration"), "category_icon": "fa-cogs"} if first else {}
        add(view, name, icon="fa-list", label=label, category=CONFIGURATION, **extra)
        first = False
    add(StateView, "States", icon="fa-flag", label=_l("States"), category=CONFIGURATION)
    add(StateTransitionView, "Transitions", icon="fa-random", label=_l("Allowed transitions"),
        category=CONFIGURATION)
    add(DeadlineRuleView, "Deadline rules", icon="fa-hourglass-half",
        label=_l("Deadline rules"), category=CONFIGURATION)
    add(HolidayView, "Holidays", icon="fa-calendar", label=_l("Holidays"),
        category=CONFIGURATION)
    add(NotificationRuleView, "Notification rules", icon="fa-bullhorn",
        label=_l("Notification rules"), category=CONFIGURATION)
    add(CustomFieldView, "Custom fields", icon="fa-th-list", label=_l("Custom fields"),
        category=CONFIGURATION)
    add(TeamView, "Teams", icon="fa-users", label=_l("Teams"), category=CONFIGURATION)
    add(MailboxView, "Mailboxes", icon="fa-envelope-open", label=_l("Mailboxes"),
        category=CONFIGURATION)
    add(AssignmentRuleView, "Assignment rules", icon="fa-random", label=_l("Assignment rules"),
        category=CONFIGURATION)
    add(SettingView, "Settings", icon="fa-sliders-h", label=_l("Settings"),
        category=CONFIGURATION)
    add(DocumentTemplateView, "Letter templates", icon="fa-file-word",
        label=_l("Letter templates"), category=CONFIGURATION)
    add(ResponseTemplateView, "Response templates", icon="fa-comment-dots",
        label=_l("Response templates"), category=CONFIGURATION)
    add(LetterheadView, "Letterhead logo", icon="fa-image", label=_l("Letterhead logo"),
        category=CONFIGURATION)
    add(RetentionView, "Retention", icon="fa-user-clock", label=_l("Retention"),
        category=CONFIGURATION)
    add(SmsSettingsView, "SMS", icon="fa-sms", label=_l("SMS"), category=CONFIGURATION)
    add(ClassificationView, "Suggested classification", icon="fa-magic",
        label=_l("Suggested classification"), category=CONFIGURATION)
    add(SurveySettingsView, "Satisfaction survey", icon="fa-smile",
        label=_l("Satisfaction survey"), category=CONFIGURATION)
    add(ImportView, "Import", icon="fa-file-import", label=_l("Import"),
        category=CONFIGURATION)
    add(ConfidentialAccessLogView, "Confidential access log", icon="fa-user-secret",
        label=_l("Confidential access log"), category=AUDIT, category_label=_l("Audit"),
        category_icon="fa-eye")
    add(DeletedComplaintView, "Deleted complaints", icon="fa-trash",
        label=_l("Deleted complaints"), category=AUDIT)
    add(OutboundEmailView, "Outbox", icon="fa-envelope", label=_l("Outbox"), category=AUDIT)
    add(OutboundSmsView, "SMS outbox", icon="fa-sms", label=_l("SMS"), category=AUDIT)
    add(PersonalDataView, "Personal data export", icon="fa-file-archive",
        label=_l("Personal data export"), category=AUDIT)
    appbuilder.add_view_no_menu(SearchView)
    appbuilder.add_view_no_menu(NotificationView)  # reached from the navbar's bell
    # FAB adds its Security menu before every other: staff open it least, it goes last.
    appbuilder.menu.menu.sort(key=lambda item: item.name == "Security")
    reference_version.watch(_offered_by_search_forms(appbuilder))


def _offered_by_search_forms(appbuilder) -> set[type]:
    """The models whose rows the lists' search forms offer as options (kept rendered,
    app/views/search_widget.py): a write to one of them renders the forms again."""
    models = set()
    for view in appbuilder.baseviews:
        if isinstance(view, AppModelView):
            models.update(view.datamodel.get_related_model(column)
                          for column in view.search_columns
                          if view.datamodel.is_relation(column))
    return models
