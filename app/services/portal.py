"""The complainants' side: submit a complaint without an account, find it again by
tracking number and email (or a signed link), read its public history and messages, and
list every complaint of an email address.

What a complainant reads is a whitelisted dict (``public_view``), never the ORM object:
internal notes, assignment, deadlines and staff names stay inside.
"""

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.domain import events
from app.domain import portal as rules
from app.domain.numbers import is_digits
from app.models import (
    Category,
    Channel,
    Client,
    Complaint,
    Complexity,
    Event,
    RequestType,
    Team,
)
from app.models.messages import Message
from app.services import attachments, messages, sms_settings
from app.services.clock import utcnow
from app.services.complaints import stage_new_complaint
from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)

# Categories whose complaints are confidential from the start (DESIGN.md §2).
CONFIDENTIAL_CATEGORIES = {"gbv", "harassment"}
PUBLIC_EVENTS = (events.CREATED, events.STATE_CHANGED, events.MESSAGE_IN, events.MESSAGE_OUT)

FIELD_ERRORS = {
    rules.REQUIRED: _l("This field is required."),
    rules.INVALID: _l("This value is not valid."),
    rules.TOO_LONG: _l("This value is too long."),
    rules.NOT_ACCEPTED: _l("Please accept that your data is processed to handle your "
                           "request."),
    rules.UNKNOWN: _l("Choose a value from the list."),
}
PHONE_INVALID = _l("This is not a valid phone number (e.g. +33 6 12 34 56 78).")


class SubmissionInvalid(ServiceError):
    """The form's errors: ``errors`` maps each bad field to its translated message."""

    def __init__(self, errors: dict):
        super().__init__(_l("Please correct the fields marked below."))
        self.errors = {name: str(PHONE_INVALID if (name, code) == ("phone", rules.INVALID)
                                 else FIELD_ERRORS[code]) for name, code in errors.items()}


@dataclass(frozen=True)
class Choices:
    request_types: list
    categories: list


def choices(session) -> Choices:
    """What the form offers: active request types and categories, in order."""
    def active(model):
        return session.scalars(select(model).where(model.active.is_(True))
                               .order_by(model.position, model.id)).all()
    return Choices(active(RequestType), active(Category))


def submit_complaint(session, data: dict, uploads, config, language="fr", channel="web",
                     now=None) -> Complaint:
    """Check and register a complaint sent by its complainant; queue the confirmation
    email (with the signed tracking link); commit. Raises SubmissionInvalid or a file
    refusal, and then nothing is stored."""
    offered = choices(session)
    checked_data = rules.check_submission(
        data, {r.code for r in offered.request_types}, {c.code for c in offered.categories},
        consent_required=channel != "email", phone_region=sms_settings.region(session))
    if checked_data.errors:
        raise SubmissionInvalid(checked_data.errors)
    checked = attachments.check_uploads(uploads, config)
    now = now or utcnow()
    try:
        complaint = stage_public_complaint(session, checked_data, language, channel, now)
        if checked:
            attachments.stage_files(session, complaint, checked, None, config, now,
                                    actor_kind=events.ACTOR_COMPLAINANT)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    logger.info("complaint %s submitted (%s)", complaint.tracking_number, channel)
    return complaint


def stage_public_complaint(session, data: rules.Submission, language, channel, now,
                           tracking_number=None, defaults=None) -> Complaint:
    """A complaint from checked complainant data, registered as the complainant's own
    action (no commit); ``tracking_number`` when one was allocated already; ``defaults``
    (request type, channel, team ids, e.g. an IMAP mailbox's) win over the usual ones."""
    category = _by_code(session, Category, data.category)
    complaint = Complaint(
        complainant_name=data.name, complainant_email=data.email,
        complainant_phone=data.phone or None, order_number=data.order_number or None,
        subject=(data.subject or _first_line(data.description))[:rules.MAX_SUBJECT],
        description=data.description, received_at=now,
        request_type=_by_code(session, RequestType, data.request_type or "complaint"),
        category=category, channel=_by_code(session, Channel, channel),
        complexity=_default_complexity(session), language=language,
        client=match_client(session, data.customer_number, data.email),
        confidential=bool(category and category.code in CONFIDENTIAL_CATEGORIES),
        tracking_number=tracking_number)
    _apply_defaults(session, complaint, defaults)
    return stage_new_complaint(session, complaint, actor=None, now=now, by_complainant=True)


def _apply_defaults(session, complaint, defaults) -> None:
    if defaults is None:
        return
    for model, field, relation in ((RequestType, "request_type_id", "request_type"),
                                   (Channel, "channel_id", "channel"),
                                   (Team, "team_id", "team")):
        value = getattr(defaults, field, None)
        found = session.get(model, value) if value else None
        if found is not None:
            setattr(complaint, relation, found)


def match_client(session, customer_number: str, email: str):
    """The client with this customer number, else the only client with this email; None
    otherwise (staff link the complaint later)."""
    if customer_number:
        client = session.scalars(select(Client).where(
            Client.customer_number == customer_number.strip())).first()
        if client is not None:
            return client
    if email:
        found = session.scalars(select(Client).where(
            func.lower(Client.email) == email.strip().lower()).limit(2)).all()
        if len(found) == 1:
            return found[0]
    return None


def find_complaint(session, tracking_number: str, email: str):
    """The complaint with this number whose complainant has this email, else None.

    An unknown number and a wrong email do the same work (one indexed read, one
    constant-time comparison) and give the same answer, so neither can be told apart."""
    number = (tracking_number or "").strip().upper()[:32]
    row = session.execute(select(Complaint.id, Complaint.complainant_email)
                          .where(Complaint.tracking_number == number)).first()
    stored = row.complainant_email if row is not None else "\x00unknown"
    matches = rules.same_email(email, stored)
    if row is None or not matches:
        return None
    return session.get(Complaint, row.id)


def complaint_for_link(session, payload):
    """The complaint a signed tracking link names, if its address still matches."""
    if not isinstance(payload, dict) or not isinstance(payload.get("c"), int):
        return None
    complaint = session.get(Complaint, payload["c"])
    if complaint is None:
        return None
    if rules.same_email(payload.get("e", ""), complaint.complainant_email):
        return complaint
    # A link texted to a complainant with no email names their phone number instead.
    if not complaint.complainant_email and rules.same_email(
            str(payload.get("p") or ""), complaint.complainant_phone):
        return complaint
    return None


def complaints_of_email(session, email: str) -> list[dict]:
    """Every complaint of this complainant address, newest first, as plain values."""
    rows = session.scalars(select(Complaint).where(
        func.lower(Complaint.complainant_email) == (email or "").strip().lower())
        .order_by(Complaint.received_at.desc()).limit(200)).all()
    return [{"id": c.id, "tracking_number": c.tracking_number, "subject": c.subject,
             "state": c.state.label if c.state else "", "received_at": c.received_at}
            for c in rows]


def public_view(session, complaint) -> dict:
    """What the complainant may read: state in plain words, public history, thread."""
    thread = messages.thread_of(session, complaint)
    history = session.scalars(select(Event).where(
        Event.complaint_id == complaint.id, Event.kind.in_(PUBLIC_EVENTS))
        .order_by(Event.id)).all()
    states = {s.id: s for s in _states(session)}
    return {
        "tracking_number": complaint.tracking_number,
        "subject": complaint.subject or "",
        "received_at": complaint.received_at,
        "state": complaint.state.label if complaint.state else "",
        "state_code": complaint.state.code if complaint.state else "",
        "closed": complaint.closed_at is not None,
        "history": [_public_event(e, states) for e in history],
        "messages": [_public_message(m) for m in thread],
    }


def attachment_of(session, complaint, attachment_id):
    """A file the complainant may download: one sent with a message of this complaint."""
    from app.models import Attachment

    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.complaint_id != complaint.id or \
            attachment.message_id is None:
        return None
    return attachment


def _public_event(event, states) -> dict:
    state = None
    if event.kind == events.STATE_CHANGED and is_digits(event.new_value):
        found = states.get(int(event.new_value))
        state = found.label if found else None
    return {"kind": event.kind, "at": event.created_at, "state": state}


def _public_message(message: Message) -> dict:
    return {"id": message.id, "direction": message.direction, "body": message.body,
            "at": message.created_at,
            "files": [{"id": a.id, "name": a.original_name, "size": a.size}
                      for a in message.attachments]}


def _states(session):
    from app.models import State

    return session.scalars(select(State)).all()


def _by_code(session, model, code):
    if not code:
        return None
    return session.scalars(select(model).where(model.code == code)).first()


def _default_complexity(session):
    return _by_code(session, Complexity, "standard") or session.scalars(
        select(Complexity).where(Complexity.active.is_(True)).order_by(Complexity.position)
    ).first()


def _first_line(text: str) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line[:120]
