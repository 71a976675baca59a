"""Translated labels of complaint, client and contract fields, shared by views and history."""

from flask_babel import lazy_gettext as _l

COMPLAINT_LABELS = {
    "tracking_number": _l("Tracking number"),
    "request_type": _l("Request type"),
    "channel": _l("Channel"),
    "client": _l("Client"),
    "contract": _l("Contract"),
    "complainant_name": _l("Complainant name"),
    "complainant_email": _l("Complainant email"),
    "complainant_phone": _l("Complainant phone"),
    "complainant_address": _l("Complainant address"),
    "order_number": _l("Order number"),
    "received_at": _l("Received at"),
    "subject": _l("Subject"),
    "description": _l("Description"),
    "category": _l("Category"),
    "severity": _l("Severity"),
    "complexity": _l("Complexity level"),
    "state": _l("State"),
    "team": _l("Team"),
    "assignee": _l("Assignee"),
    "confidential": _l("Confidential"),
    "resolution": _l("Resolution"),
    "resolution_type": _l("Resolution type"),
    "corrective_actions": _l("Corrective and preventive actions"),
    "answered_at": _l("Answered at"),
    "closed_at": _l("Closed at"),
    "satisfaction": _l("Complainant satisfied"),
    "satisfaction_rating": _l("Satisfaction rating"),
    "due_at": _l("Deadline"),
    "urgency": _l("Urgency"),
    "sector": _l("Sector"),
    "agency": _l("Agency"),
    "analytic_code": _l("Analytic code"),
    "created_at": _l("Created at"),
    "reminder": _l("Reminder"),
    "overdue_reminders": _l("Overdue reminders"),
    "has_overdue_reminder": _l("Reminders"),
}

CLIENT_LABELS = {
    "customer_number": _l("Customer number"),
    "name": _l("Name"),
    "kind": _l("Kind"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "address": _l("Address"),
    "sector": _l("Sector"),
    "agency": _l("Agency"),
    "analytic_code": _l("Analytic code"),
    "portfolio_owner": _l("Portfolio owner"),
    "created_at": _l("Created at"),
}

CONTRACT_LABELS = {
    "number": _l("Contract number"),
    "client": _l("Client"),
    "label": _l("Label"),
    "sector": _l("Sector"),
    "agency": _l("Agency"),
    "analytic_code": _l("Analytic code"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
}

REFERENCE_LABELS = {
    "code": _l("Code"),
    "label_fr": _l("French label"),
    "label_en": _l("English label"),
    "position": _l("Order"),
    "active": _l("Active"),
    "is_open": _l("Counted as open"),
    "pauses_clock": _l("Pauses the clock"),
    "is_final": _l("Final (closed)"),
    "notify_complainant": _l("Notify the complainant"),
    "marks_answered": _l("Records the answer date"),
    "is_initial": _l("Initial state"),
    "source": _l("From state"),
    "target": _l("To state"),
    "name": _l("Name"),
    "name_en": _l("English name"),
    "email": _l("Email"),
    "manager": _l("Manager"),
    "key": _l("Key"),
    "value": _l("Value"),
}

SATISFACTION_CHOICES = [("unknown", _l("Unknown")), ("yes", _l("Yes")), ("no", _l("No"))]
CLIENT_KINDS = [("person", _l("Person")), ("company", _l("Company"))]
