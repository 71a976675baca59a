"""SMS about a complaint, composed in the recipient's language and queued in the SMS
outbox in the same transaction as the change that causes them.

The complainant gets SMS only when they have a phone number and no email address (an
email says more, and costs nothing). A text is short: the tracking number, what happened
and the portal link. A confidential complaint's SMS never carries its subject,
description or a message's text: only "a message is waiting", the number and the link.

``config`` is the application configuration (``SECRET_KEY``, ``PUBLIC_BASE_URL``), passed
in by the caller.
"""

import logging

from flask_babel import force_locale
from flask_babel import gettext as _

from app.domain import phones, sms
from app.services import links, sms_outbox, sms_settings
from app.services.settings import get_setting

logger = logging.getLogger(__name__)

LANGUAGES = ("fr", "en")
# A staff message is cut here (an SMS of 2–3 parts); the rest is on the portal.
MESSAGE_EXCERPT = 280


def complainant_phone(session, complaint) -> str | None:
    """The E.164 number to text the complainant at, or None (no number, an invalid one,
    a fixed line, or an email address to write to instead)."""
    if complaint.complainant_email or (complaint.client is not None and complaint.client.email):
        return None
    raw = complaint.complainant_phone or (
        complaint.client.phone if complaint.client is not None else None)
    return mobile_number(session, raw)


def mobile_number(session, raw) -> str | None:
    """``raw`` in E.164 if it can receive an SMS, else None (logged)."""
    try:
        number = phones.to_e164(raw, sms_settings.region(session))
    except phones.InvalidPhone:
        logger.info("no SMS: %r is not a valid phone number", raw)
        return None
    if number is None or not phones.is_mobile_capable(number):
        return None
    return number


def sms_created(session, complaint, config, now) -> bool:
    """The acknowledgement: tracking number and portal link."""
    return _to_complainant(session, complaint, config, f"sms-created:{complaint.id}", now,
                           _acknowledgement)


def sms_state_changed(session, complaint, state, config, now) -> bool:
    """The new state, for the states marked "notify the complainant"."""
    def text(context):
        label = state.label_en if context["language"] == "en" else state.label_fr
        return _("%(number)s: your request is now: %(state)s. %(link)s",
                 number=context["number"], state=label, link=context["link"])
    return _to_complainant(session, complaint, config,
                           f"sms-state:{complaint.id}:{state.id}:{now.isoformat()}", now, text)


def sms_message(session, complaint, message, config, now) -> bool:
    """A staff message: its beginning and the link to read and answer it; for a
    confidential complaint only that a message is waiting."""
    def text(context):
        if complaint.confidential:
            return _("%(number)s: a message is waiting for you: %(link)s",
                     number=context["number"], link=context["link"])
        return _("%(number)s: new message: %(text)s Read and reply: %(link)s",
                 number=context["number"], text=_excerpt(message.body),
                 link=context["link"])
    return _to_complainant(session, complaint, config, f"sms-message:{message.id}", now, text)


def sms_rule_alert(session, complaint, user, dedupe_key, subject, now) -> bool:
    """A notification rule's alert to a user with a mobile number: ``subject`` is the
    alert's email subject (tracking number and condition only, never the complaint's
    subject), already in the user's language."""
    number = mobile_number(session, user.mobile_phone)
    if number is None:
        return False
    return sms_outbox.queue_sms(session, number, sms.plain(subject), complaint=complaint,
                                language=_language(user.language), dedupe_key=dedupe_key,
                                now=now) is not None


def _acknowledgement(context):
    if context["organisation"]:
        return _("%(organisation)s: your request is registered under number %(number)s. "
                 "Follow it: %(link)s", organisation=context["organisation"],
                 number=context["number"], link=context["link"])
    return _("Your request is registered under number %(number)s. Follow it: %(link)s",
             number=context["number"], link=context["link"])


def _to_complainant(session, complaint, config, dedupe_key, now, compose) -> bool:
    number = complainant_phone(session, complaint)
    if number is None:
        return False
    language = _language(complaint.language)
    context = {"number": complaint.tracking_number, "language": language,
               "link": _portal_link(config, complaint),
               "organisation": get_setting(session, "organisation_name")}
    with force_locale(language):
        text = sms.plain(compose(context))
    return sms_outbox.queue_sms(session, number, text, complaint=complaint, language=language,
                                dedupe_key=dedupe_key, now=now) is not None


def _portal_link(config, complaint) -> str:
    """The signed tracking link when the complaint holds the number it is sent to (the
    link opens for that number), else the portal's search page."""
    if complaint.id is not None and complaint.complainant_phone:
        return links.track_url(config, complaint)
    return f"{links.base_url(config)}/public/track"


def _excerpt(body) -> str:
    text = " ".join((body or "").split())
    return text if len(text) <= MESSAGE_EXCERPT else text[:MESSAGE_EXCERPT - 1] + "…"


def _language(code) -> str:
    return code if code in LANGUAGES else "fr"
