"""Subject-access request: everything the product holds about one email address or one
phone number (a complainant may have only a phone), as a ZIP holding ``data.json`` and
the files.

It gathers the complaints whose complainant has that address or number (or, with none of
their own, whose client has it) with their history, internal notes (personal data too),
messages, reminders, satisfaction answers and files; the clients with it; the portal
submissions sent with it; the emails or SMS sent to it and the mail received from it.
Every complaint included gets an Event in its history (who exported it, when).

Numbers typed before they were checked may be stored as written ("07 97 43 13 11"):
they are compared without their spaces, dots and dashes, in international and national
form.
"""

import io
import json
import logging
import re
import zipfile

import phonenumbers
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, true

from app.domain import phones
from app.domain import portal as portal_rules
from app.models import (
    Client,
    Complaint,
    Event,
    GeneratedDocument,
    InboundEmail,
    OutboundEmail,
    OutboundSms,
    PublicSubmission,
    SatisfactionSurvey,
)
from app.services import attachments
from app.services.clock import utcnow
from app.services.deletion import snapshot
from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)

EXPORTED = "personal_data_exported"
MAX_COMPLAINTS = 5000
# Other features add what they hold about a complaint: ``(session, complaint) -> dict``,
# merged into the complaint's entry (e.g. ``{"custom_fields": {...}}``).
class InvalidEmail(ServiceError):
    def __init__(self):
        super().__init__(_l("Enter a valid email address or phone number."))


def normalise(email: str) -> str:
    """The address as stored (trimmed, lower case); InvalidEmail when it is not one."""
    address = (email or "").strip().lower()
    if len(address) > portal_rules.MAX_EMAIL or not portal_rules.EMAIL_RE.match(address):
        raise InvalidEmail()
    return address


def person_of(text: str, region: str) -> tuple[str | None, str | None]:
    """``(email, phone)`` of what was typed: an address, or a number (E.164, read in
    ``region`` without its prefix); InvalidEmail when it is neither."""
    if "@" in (text or ""):
        return normalise(text), None
    try:
        phone = phones.to_e164(text, region)
    except phones.InvalidPhone:
        phone = None
    if phone is None:
        raise InvalidEmail()
    return None, phone


def _phone_forms(phone: str) -> list[str]:
    """The ways a number may be stored once its separators are left out."""
    national = phonenumbers.format_number(phonenumbers.parse(phone),
                                          phonenumbers.PhoneNumberFormat.NATIONAL)
    return sorted({phone, phone[1:], "00" + phone[1:], re.sub(r"\D", "", national)})


def _bare(column):
    """``column`` without spaces, dots and dashes, as the database reads it."""
    return func.replace(func.replace(func.replace(column, " ", ""), ".", ""), "-", "")


def _is_phone(column, phone: str):
    return _bare(column).in_(_phone_forms(phone))


def complaints_of(session, address: str | None, scope=None, phone=None) -> list[Complaint]:
    """Complaints of this complainant (or of this client, when the complainant has no
    address or number of their own) among those the reader may see (``scope``, the
    visibility condition)."""
    if phone is not None:
        none_of_own = or_(Complaint.complainant_phone.is_(None),
                          Complaint.complainant_phone == "")
        own, of_client = (_is_phone(Complaint.complainant_phone, phone),
                          select(Client.id).where(_is_phone(Client.phone, phone)))
    else:
        none_of_own = or_(Complaint.complainant_email.is_(None),
                          Complaint.complainant_email == "")
        own, of_client = (func.lower(Complaint.complainant_email) == address,
                          select(Client.id).where(func.lower(Client.email) == address))
    return session.scalars(select(Complaint).where(scope if scope is not None else true(), or_(
        own, and_(none_of_own, Complaint.client_id.in_(of_client))))
        .order_by(Complaint.received_at).limit(MAX_COMPLAINTS)).all()


def collect(session, address: str | None, now=None, scope=None, phone=None) -> dict:
    """The plain data held about ``address`` or ``phone`` (see the module's docstring)."""
    complaints = complaints_of(session, address, scope, phone)
    data = {
        "email": address,
        "phone": phone,
        "generated_at": now or utcnow(),
        "complaints": [_complaint(session, c) for c in complaints],
    }
    if phone is not None:
        return {**data,
                "clients": [_columns(c) for c in session.scalars(select(Client).where(
                    _is_phone(Client.phone, phone)))],
                "portal_submissions": _submissions(session, phone[-4:], "phone", phone),
                "sms_sent": [_columns(m) for m in session.scalars(select(OutboundSms).where(
                    OutboundSms.recipient == phone).order_by(OutboundSms.id))]}
    return {
        **data,
        "clients": [_columns(c) for c in session.scalars(select(Client).where(
            func.lower(Client.email) == address))],
        "portal_submissions": _submissions(session, address, "email", address),
        "emails_sent": [_columns(e) for e in session.scalars(select(OutboundEmail).where(
            func.lower(OutboundEmail.recipient) == address).order_by(OutboundEmail.id))],
        "emails_received": [_columns(e) for e in session.scalars(select(InboundEmail).where(
            func.lower(InboundEmail.sender) == address).order_by(InboundEmail.id))],
    }


def export_zip(session, email: str, config, actor, now=None, scope=None,
               region=phones.DEFAULT_REGION) -> tuple[bytes, int]:
    """The ZIP of everything held about ``email`` (an address or a phone number) and how
    many complaints it covers (of those ``scope`` lets the reader see); each complaint's
    history records the export; commit."""
    (address, phone), now = person_of(email, region), now or utcnow()
    data = collect(session, address, now, scope, phone)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for complaint in data["complaints"]:
            _add_files(session, archive, complaint, config)
        archive.writestr("data.json", json.dumps(data, default=str, ensure_ascii=False,
                                                 indent=1))
    for complaint in data["complaints"]:
        session.add(Event(complaint_id=complaint["complaint"]["id"], created_at=now,
                          actor_kind="user", user_id=getattr(actor, "id", None),
                          kind=EXPORTED))
    session.commit()
    logger.info("personal data export by %s: %s complaints", getattr(actor, "username", "?"),
                len(data["complaints"]))
    return buffer.getvalue(), len(data["complaints"])


def _complaint(session, complaint) -> dict:
    data = snapshot(complaint)
    data["satisfaction_surveys"] = [
        {k: v for k, v in _columns(s).items() if k != "token_hash"}
        for s in session.scalars(select(SatisfactionSurvey).where(
            SatisfactionSurvey.complaint_id == complaint.id))]
    data["letters"] = [{"id": d.id, "filename": d.filename, "created_at": d.created_at}
                       for d in session.scalars(select(GeneratedDocument).where(
                           GeneratedDocument.complaint_id == complaint.id))]
    data["custom_fields"] = complaint.custom_fields
    data["_attachments"] = complaint.attachments
    return data


def _add_files(session, archive, complaint, config):
    number = complaint["complaint"]["tracking_number"]
    for attachment, listed in zip(complaint.pop("_attachments"), complaint["attachments"],
                                  strict=True):
        try:
            content = attachments.content_of(session, attachment, config)
        except FileNotFoundError:
            listed["file_in_export"] = None
            continue
        name = f"files/{number}/{attachment.id}-{_safe(attachment.original_name)}"
        archive.writestr(name, content)
        listed["file_in_export"] = name


def _submissions(session, narrow: str, key: str, wanted: str) -> list[dict]:
    found = []
    # The payload is JSON text: narrow with LIKE, then compare the parsed value.
    for row in session.scalars(select(PublicSubmission).where(
            func.lower(PublicSubmission.payload).contains(narrow))):
        try:
            payload = json.loads(row.payload)
        except ValueError:
            continue
        if _same(key, payload.get(key), wanted):
            found.append({**_columns(row), "payload": payload})
    return found


def _same(key: str, value, wanted: str) -> bool:
    if key == "email":
        return str(value or "").strip().lower() == wanted
    try:
        return phones.to_e164(str(value or ""), phonenumbers.region_code_for_number(
            phonenumbers.parse(wanted))) == wanted
    except phones.InvalidPhone:
        return False


def _columns(obj) -> dict:
    from sqlalchemy import inspect

    return {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}


def _safe(name: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", name or "file")[:120] or "file"
