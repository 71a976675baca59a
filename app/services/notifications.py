"""Emails about a complaint, composed in the recipient's language and queued in the
outbox in the same transaction as the change that causes them.

A confidential complaint's emails carry its tracking number and state only: no subject,
description, names or contact details, whoever receives them (DESIGN.md §2).
"""

from flask_babel import force_locale
from flask_babel import gettext as _

from app.domain import alert_rules
from app.models.notifications import ASSIGNED
from app.services import links, onscreen, outbox, sms_notifications
from app.services.context import surroundings_of
from app.services.settings import get_setting

LANGUAGES = ("fr", "en")


def notify_created(session, complaint, now) -> None:
    """Confirmation to the complainant, with the tracking number and a summary."""
    address = complainant_address(complaint)
    if address:
        _queue(session, complaint, address, complaint.language, "complaint_received",
               f"created:{complaint.id}", now, link=_track_link(session, complaint))
    else:  # a phone and no email: by SMS
        sms_notifications.sms_created(session, complaint, surroundings_of(session).config, now)


def notify_message(session, complaint, message, now) -> bool:
    """Email a staff message to the complainant, once per message, with the signed link
    to answer on the portal. A confidential complaint's email says a message is waiting
    and gives the link only."""
    address = complainant_address(complaint)
    if not address:
        return sms_notifications.sms_message(session, complaint, message,
                                             surroundings_of(session).config, now)
    body = None if complaint.confidential else message.body
    return _queue(session, complaint, address, complaint.language, "message",
                  f"message:{message.id}", now, body=body,
                  link=_track_link(session, complaint)) is not None


def notify_requests_link(session, address, language, now, known=True) -> None:
    """Email the signed link to the list of ``address``'s complaints (no dedupe: the
    complainant may ask again). The email is composed even for an address with no
    complaint (``known`` False) and then dropped: both answers take the same time."""
    language = language if language in LANGUAGES else "fr"
    around = surroundings_of(session)
    context = {"link": links.requests_url(around.config, address, around.request_url()),
               "organisation": get_setting(session, "organisation_name")}
    with force_locale(language):
        subject = _("Your requests")
        text = around.render("emails/requests_link.txt", **context)
        html = around.render("emails/requests_link.html", **context)
    if known:
        outbox.queue_email(session, address, subject, text, html=html, language=language,
                           now=now)


def notify_state_changed(session, complaint, state, now) -> None:
    """Tell the complainant, for the states that say so (``notify_complainant``)."""
    address = complainant_address(complaint)
    if address and state.notify_complainant:
        _queue(session, complaint, address, complaint.language, "state_changed",
               f"state:{complaint.id}:{state.id}:{now.isoformat()}", now, state=state)
    elif state.notify_complainant:
        sms_notifications.sms_state_changed(session, complaint, state,
                                            surroundings_of(session).config, now)


def notify_assigned(session, complaint, assignee, now) -> None:
    """Tell the new assignee, on screen and by email in their own language."""
    if assignee is not None:
        onscreen.add_notification(session, assignee.id, ASSIGNED, complaint,
                                  f"assigned:{complaint.id}:{assignee.id}:{now.isoformat()}",
                                  now)
    if assignee is not None and assignee.email:
        _queue(session, complaint, assignee.email, assignee.language, "assigned",
               f"assigned:{complaint.id}:{assignee.id}:{now.isoformat()}", now,
               assignee=assignee)


def notify_reminder_due(session, reminder, now) -> bool:
    """Email the reminder's user that it is due, once (``reminder-email:<id>``); True if
    queued now. The note is left out of a confidential complaint's email."""
    user, complaint = reminder.user, reminder.complaint
    if user is None or not user.email:
        return False
    note = None if complaint.confidential else (reminder.note or "")
    return _queue(session, complaint, user.email, user.language, "reminder_due",
                  f"reminder-email:{reminder.id}", now, user=user, note=note,
                  remind_at=reminder.remind_at) is not None


def notify_rule_alert(session, complaint, address, language, dedupe_key, now, *, condition,
                      rule_name, days, occurrence_at, note=None, user=None) -> bool:
    """Email one recipient of a notification rule's alert (``user`` None for a fixed
    address), once per ``dedupe_key``; True if queued now. A confidential complaint's
    email says its number and state only (and no reminder note)."""
    note = None if complaint.confidential else note
    return _queue(session, complaint, address, language, "rule_alert", dedupe_key, now,
                  user=user, condition=condition, rule_name=rule_name, days=days,
                  occurrence_at=occurrence_at, note=note) is not None


def rule_alert_text(complaint, language, condition, days) -> str:
    """A rule alert in one line (the email's subject: number and condition only), in
    ``language``: the text of its SMS."""
    with force_locale(language if language in LANGUAGES else "fr"):
        return _rule_subject(condition, complaint.tracking_number, days)


def _track_link(session, complaint) -> str | None:
    if complaint.id is None or not complaint.complainant_email:
        return None  # the tracking page opens for the complainant's own address only
    around = surroundings_of(session)
    return links.track_url(around.config, complaint, around.request_url())


def complainant_address(complaint) -> str | None:
    if complaint.complainant_email:
        return complaint.complainant_email
    return complaint.client.email if complaint.client is not None else None


def email_context(complaint, language="fr", state=None) -> dict:
    """What an email may say about the complaint: plain values, fewer when confidential."""
    state = state or complaint.state
    context = {
        "tracking_number": complaint.tracking_number,
        "state": (state.label_en if language == "en" else state.label_fr) if state else "",
        "confidential": bool(complaint.confidential),
        "organisation": None,
    }
    if not complaint.confidential:
        context.update({
            "subject": complaint.subject or "",
            "description": complaint.description or "",
            "complainant_name": complaint.complainant_name or (
                complaint.client.name if complaint.client is not None else ""),
            "received_at": complaint.received_at,
        })
    return context


def _queue(session, complaint, recipient, language, kind, dedupe_key, now, **extra):
    language = language if language in LANGUAGES else "fr"
    context = {**email_context(complaint, language, extra.pop("state", None)), **extra,
               "organisation": get_setting(session, "organisation_name")}
    render = surroundings_of(session).render
    with force_locale(language):
        subject = _subject(kind, context)
        text = render(f"emails/{kind}.txt", **context)
        html = render(f"emails/{kind}.html", **context)
    return outbox.queue_email(session, recipient, subject, text, html=html,
                              complaint=complaint, language=language,
                              dedupe_key=dedupe_key, now=now)


def _subject(kind, context) -> str:
    number = context["tracking_number"]
    if kind == "complaint_received":
        return _("[%(number)s] Your complaint has been received", number=number)
    if kind == "state_changed":
        return _("[%(number)s] Your complaint is now: %(state)s", number=number,
                 state=context["state"])
    if kind == "message":
        return _("[%(number)s] New message about your complaint", number=number)
    if kind == "reminder_due":
        return _("[%(number)s] Reminder due", number=number)
    if kind == "rule_alert":
        return _rule_subject(context["condition"], number, context["days"])
    return _("[%(number)s] A complaint was assigned to you", number=number)


def _rule_subject(condition, number, days) -> str:
    if condition == alert_rules.OVERDUE:
        return _("[%(number)s] Deadline passed", number=number)
    if condition == alert_rules.DUE_WITHIN:
        return _("[%(number)s] Deadline approaching", number=number)
    if condition == alert_rules.NO_ACTION:
        return _("[%(number)s] No action for %(days)s days", number=number, days=days)
    return _("[%(number)s] Reminder due", number=number)
