"""History lines of a complaint, in the reader's language.

Events store ids for related fields (state, category, assignee, …) so that the history
reads right in French and in English; the labels are resolved here, one query per table.
"""

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import select

from app.domain import events as ev
from app.domain.numbers import is_digits
from app.models import REFERENCE_MODELS, AppUser, Client, Contract, State, Team
from app.services import merge
from app.services.attachments import shown_size
from app.views.formatting import local_datetime, percent
from app.views.labels import COMPLAINT_LABELS

MODELS_BY_FIELD = {
    **REFERENCE_MODELS,
    "state": State,
    "team": Team,
    "assignee": AppUser,
    "client": Client,
    "contract": Contract,
}
DATETIME_FIELDS = {"received_at", "reminder", "due_at"}


def describe_events(session, events, reader) -> list[dict]:
    """``[{when, who, text, kind}]`` for display to ``reader``, newest first. A merge line
    names the other complaint only if ``reader`` may see it."""
    events = list(events)
    labels = _resolve_labels(session, events)
    hidden = merge.hidden_numbers(session, events, reader)
    custom = _custom_labels(session, events)
    for event in events:
        if event.field in custom:
            name, values = custom[event.field]
            labels[(event.field, "__label__")] = name
            for value in (event.old_value, event.new_value):
                if value is not None and value in values:
                    labels[(event.field, value)] = values[value]
    return [
        {
            "when": local_datetime(event.created_at),
            "who": _who(event),
            "kind": event.kind,
            "text": _describe(event, labels, hidden),
            "detail": event.detail,
        }
        for event in events
    ]


def _resolve_labels(session, events):
    wanted = defaultdict(set)
    for event in events:
        model = MODELS_BY_FIELD.get(event.field)
        if model is not None:
            for value in (event.old_value, event.new_value):
                if is_digits(value):
                    wanted[event.field].add(int(value))
    labels = {}
    for field, ids in wanted.items():
        model = MODELS_BY_FIELD[field]
        for obj in session.scalars(select(model).where(model.id.in_(ids))):
            labels[(field, str(obj.id))] = str(obj)
    return labels


def _value(field, value, labels):
    if value is None:
        return _("(empty)")
    if (field, value) in labels:
        return labels[(field, value)]
    if field in DATETIME_FIELDS:
        from datetime import datetime

        try:
            return local_datetime(datetime.fromisoformat(value))
        except ValueError:
            return value
    if value in ("True", "False"):
        return _("Yes") if value == "True" else _("No")
    return value


def _field_label(field):
    return str(COMPLAINT_LABELS.get(field, field))


def _custom_labels(session, events) -> dict:
    """Labels of the custom fields named in ``events`` (``cf:<key>``) and of their values,
    in the reader's language: ``{field: (field label, {stored value: shown value})}``."""
    from app.views.custom_fields import history_labels

    keys = {e.field[3:] for e in events if e.field and e.field.startswith("cf:")}
    return history_labels(session, keys) if keys else {}


SUGGESTED = "suggested:"  # the detail of a field the intake set from its suggestion


def _describe(event, labels, hidden=frozenset()):
    old = _value(event.field, event.old_value, labels)
    new = _value(event.field, event.new_value, labels)
    field = labels.get((event.field, "__label__")) or _field_label(event.field)
    kind = event.kind
    if kind == ev.CREATED:
        return _("Complaint registered")
    if kind == ev.IMPORTED:
        return _("Imported (file %(file)s, line %(line)s)", file=event.new_value,
                 line=event.detail)
    if kind == ev.FIELD_CHANGED and (event.detail or "").startswith(SUGGESTED):
        pct = percent(float(event.detail[len(SUGGESTED):]), 0)
        if event.field == "category":
            return _("Suggested category (%(pct)s) applied: %(new)s", pct=pct, new=new)
        return _("Suggested request type (%(pct)s) applied: %(new)s", pct=pct, new=new)
    if kind == ev.FIELD_CHANGED:
        return _("%(field)s changed: %(old)s → %(new)s", field=field, old=old, new=new)
    if kind == ev.STATE_CHANGED:
        return _("State changed: %(old)s → %(new)s", old=old, new=new)
    if kind == ev.ASSIGNED and event.detail:  # chosen by an assignment rule
        return _("%(field)s: %(old)s → %(new)s, by rule «%(rule)s»", field=field, old=old,
                 new=new, rule=event.detail)
    if kind == ev.ASSIGNED:
        return _("%(field)s: %(old)s → %(new)s", field=field, old=old, new=new)
    if kind == ev.NOTE_ADDED:
        return _("Internal note added")
    if kind == ev.REMINDER_SET:
        return _("Reminder set for %(date)s", date=new)
    if kind == ev.REMINDER_DONE:
        return _("Reminder of %(date)s done", date=old)
    if kind == ev.REMINDER_WITHHELD:
        return _("Reminder of %(date)s not sent: its recipient can no longer see this "
                 "complaint", date=old)
    if kind == ev.MESSAGE_IN:
        return _("Message from the complainant")
    if kind == ev.MESSAGE_OUT:
        return _("Message sent to the complainant")
    if kind == ev.CONSULTED:
        return _("Consulted (confidential complaint)")
    if kind == ev.EMAIL_SENT:
        return _("Email sent to %(to)s: %(subject)s", to=event.new_value,
                 subject=event.detail or "")
    if kind == ev.EMAIL_FAILED:
        return _("Email to %(to)s failed: %(error)s", to=event.new_value,
                 error=event.detail or "")
    if kind == ev.SMS_SENT:
        return _("SMS sent to %(to)s", to=event.new_value)
    if kind == ev.SMS_FAILED:
        return _("SMS to %(to)s failed: %(error)s", to=event.new_value,
                 error=event.detail or "")
    if kind == ev.DOCUMENT_GENERATED:
        return _("Letter generated: %(file)s (%(template)s)", file=event.new_value,
                 template=event.detail or "")
    if kind == ev.ATTACHMENT_ADDED:
        return _("File attached: %(file)s (%(size)s)", file=event.new_value,
                 size=shown_size(event.detail or ""))
    if kind == ev.ATTACHMENT_REMOVED:
        return _("File removed: %(file)s", file=event.old_value)
    if kind == ev.MERGED_INTO and event.new_value in hidden:
        return _("Merged into another complaint (closed as a duplicate)")
    if kind == ev.MERGED_FROM and event.new_value in hidden:
        return _("Another complaint was merged into this one: its messages, notes, files "
                 "and reminders moved here")
    if kind == ev.MERGED_INTO:
        return _("Merged into %(number)s (closed as a duplicate)", number=event.new_value)
    if kind == ev.MERGED_FROM:
        return _("%(number)s merged into this complaint: its messages, notes, files and "
                 "reminders moved here", number=event.new_value)
    if kind == ev.DEADLINE_CHANGED:
        return _("Deadline changed: %(old)s → %(new)s, because %(why)s", old=old, new=new,
                 why=_deadline_reason(event.detail))
    return _privacy_event(event) or kind


def _privacy_event(event):
    """Lines of the satisfaction survey and of the retention job (app/services)."""
    if event.kind == "survey_sent":
        return _("Satisfaction survey sent to the complainant")
    if event.kind == "survey_answered":
        text = (_("The complainant is satisfied") if event.new_value == "yes"
                else _("The complainant is not satisfied"))
        return text + (_(" (rating %(n)s/5)", n=event.old_value) if event.old_value else "")
    if event.kind == "anonymised":
        return _("Personal data anonymised (retention: %(n)s months)", n=event.new_value)
    if event.kind == "personal_data_exported":
        return _("Included in a personal data export")
    return None


def _who(event):
    if event.actor_kind == ev.ACTOR_SYSTEM:
        return _("System")
    if event.actor_kind == ev.ACTOR_COMPLAINANT:
        return _("Complainant")
    return str(event.user) if event.user else _("(deleted user)")


def _deadline_reason(code):
    reasons = {
        "state": _("the state changed"),
        "complexity": _("the complexity level changed"),
        "received_at": _("the reception date changed"),
        "pause": _("the clock resumed after a pause"),
        "rules": _("the deadline rules changed"),
        "holidays": _("the holidays changed"),
        "time_zone": _("the time zone changed"),
        "created": _("the complaint was registered"),
    }
    return reasons.get(code, code or "?")
