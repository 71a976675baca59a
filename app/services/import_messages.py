"""The words of an import: why a file or a row is refused, and the fields' names."""

from flask_babel import lazy_gettext as _l

from app.domain import imports as rules

FILE_ERRORS = {
    "not_a_table": _l("Choose an .xlsx or .csv file."),
    "unreadable": _l("This file cannot be read as an Excel workbook."),
    "too_large": _l("This workbook is too large once unpacked."),
    "no_sheet": _l("This workbook has no sheet of that name."),
    "empty": _l("This file is empty."),
}

REASONS = {
    rules.MISSING: _l("required field missing: %(field)s"),
    rules.NOT_A_DATE: _l("not a date (%(field)s): %(value)s"),
    rules.DATE_OUT_OF_RANGE: _l("date out of range 1990–2100 (%(field)s): %(value)s"),
    rules.NOT_A_NUMBER: _l("not a valid number (%(field)s): %(value)s"),
    rules.NOT_YES_NO: _l("not yes or no (%(field)s): %(value)s"),
    rules.UNKNOWN_VALUE: _l("unknown value (%(field)s): %(value)s"),
    rules.UNKNOWN_CLIENT: _l("unknown client: %(value)s"),
    rules.UNKNOWN_CONTRACT: _l("unknown contract: %(value)s"),
    rules.CONTRACT_MISMATCH: _l("the contract does not belong to the client: %(value)s"),
    rules.DUPLICATE: _l("duplicate in the file (same number as line %(value)s)"),
    rules.TOO_LONG: _l("text too long (%(field)s)"),
    rules.BEFORE_RECEIVED: _l("date before the date received (%(field)s): %(value)s"),
    rules.BAD_CUSTOM_VALUE: _l("invalid value (%(field)s): %(value)s"),
}

FIELD_LABELS = {
    "customer_number": _l("Customer number"), "name": _l("Name"), "kind": _l("Kind"),
    "email": _l("Email"), "phone": _l("Phone"), "address": _l("Address"),
    "sector": _l("Sector"), "agency": _l("Agency"), "analytic_code": _l("Analytic code"),
    "number": _l("Contract number"), "client": _l("Client"), "label": _l("Label"),
    "start_date": _l("Start date"), "end_date": _l("End date"),
    "tracking_number": _l("Tracking number"), "received_at": _l("Received at"),
    "subject": _l("Subject"), "description": _l("Description"),
    "request_type": _l("Request type"), "channel": _l("Channel"), "category": _l("Category"),
    "severity": _l("Severity"), "complexity": _l("Complexity"), "state": _l("State"),
    "contract": _l("Contract"), "complainant_name": _l("Complainant name"),
    "complainant_email": _l("Complainant email"), "complainant_phone": _l("Complainant phone"),
    "complainant_address": _l("Complainant address"), "order_number": _l("Order number"),
    "team": _l("Team"), "assignee": _l("Assignee"), "confidential": _l("Confidential"),
    "resolution": _l("Resolution"), "resolution_type": _l("Resolution type"),
    "corrective_actions": _l("Corrective actions"), "answered_at": _l("Answered at"),
    "closed_at": _l("Closed at"), "satisfaction": _l("Complainant satisfied"),
    "satisfaction_rating": _l("Satisfaction rating"),
}


def field_label(name: str, custom_labels: dict | None = None) -> str:
    if name.startswith(rules.CUSTOM_PREFIX):
        return (custom_labels or {}).get(name, name[len(rules.CUSTOM_PREFIX):])
    return str(FIELD_LABELS.get(name, name))


def reason(refusal: rules.Refused, custom_labels: dict | None = None) -> str:
    """The refusal in the reader's language."""
    text = str(REASONS.get(refusal.code, refusal.code))
    value = refusal.value
    if hasattr(value, "strftime"):
        value = value.strftime("%d/%m/%Y %H:%M")
    return text % {"field": field_label(refusal.field or "", custom_labels),
                   "value": "" if value is None else value}


def file_error(code: str) -> str:
    return str(FILE_ERRORS.get(code, code))
