"""Email intake: one RFC 822 message in, a message on a complaint or a new complaint out.

- A subject holding a tracking number, from the complainant's address, adds a message
  (with its attachments) to that complaint.
- Any other mail a person wrote becomes a new complaint (channel "email") and gets the
  confirmation email.
- Auto-replies, bounces, list mail and the product's own mail are ignored, so two
  autoresponders never loop; a Message-ID already taken in is not taken in again.

Attachments go through the same checks as uploads; a refused one is left out (and
logged), the rest of the mail is taken in.
"""

import hashlib
import logging
import re
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html import unescape

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.domain import events
from app.domain import portal as rules
from app.domain.tracking import find_tracking_number
from app.models import Complaint, InboundEmail
from app.services import attachments, merge, messages, portal
from app.services.clock import utcnow
from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)

MESSAGE, COMPLAINT, IGNORED, DUPLICATE = "message", "complaint", "ignored", "duplicate"
_QUOTE_INTRO = re.compile(r"^(On .+ wrote:|Le .+ a écrit ?:)\s*$")


def take_in(session, raw: bytes, config, now=None,
            defaults=None) -> tuple[str, str | None]:
    """Take in one email; commit. Returns ``(outcome, tracking number or None)``.
    ``defaults`` (request_type_id, channel_id, team_id: an IMAP mailbox's) shape the
    complaints it opens."""
    now = now or utcnow()
    mail = BytesParser(policy=policy.default).parsebytes(raw)
    message_id = (str(mail.get("Message-ID") or "").strip()
                  or f"<sha256:{hashlib.sha256(raw).hexdigest()}>")[:255]
    if session.scalar(select(InboundEmail.id).where(InboundEmail.message_id == message_id)):
        return DUPLICATE, None
    name, sender = _sender(mail)
    subject = str(mail.get("Subject") or "").strip()
    headers = {key: str(mail.get(key) or "") for key in
               ("Auto-Submitted", "Precedence", "X-Autoreply", "X-Autorespond", "List-Id",
                "Return-Path") if mail.get(key) is not None}
    own = [config.get("MAIL_DEFAULT_SENDER") or ""]
    if rules.is_automatic(headers, sender, own) or not rules.EMAIL_RE.match(sender or ""):
        return _record(session, message_id, sender, subject, IGNORED, None, now), None
    body = _body_text(mail)
    files = _files(mail, config)
    try:
        complaint = _reply_target(session, subject, sender)
        if complaint is not None:
            messages.stage_incoming(session, complaint, body or subject, files, config,
                                    sender=sender, source="email", now=now)
            outcome = MESSAGE
        else:
            complaint = _new_complaint(session, name, sender, subject, body, files, config,
                                       now, defaults)
            outcome = COMPLAINT
        if complaint is None:
            return _record(session, message_id, sender, subject, IGNORED, None, now), None
        if _record(session, message_id, sender, subject, outcome, complaint.id,
                   now) == DUPLICATE:  # taken in meanwhile by another process
            return DUPLICATE, None
    except IntegrityError:  # the same mail taken in at the same time by another process
        session.rollback()
        return DUPLICATE, None
    except BaseException:
        session.rollback()
        raise
    logger.info("email %s from %s taken in: %s %s", message_id, sender, outcome,
                complaint.tracking_number)
    return outcome, complaint.tracking_number


def _reply_target(session, subject, sender):
    number = find_tracking_number(subject)
    if not number:
        return None
    complaint = session.scalars(select(Complaint).where(
        Complaint.tracking_number == number)).first()
    if complaint is None:
        return None
    if not rules.same_email(sender, _address_of(complaint)):
        return None
    moved = merge.merged_target(session, complaint)  # its thread goes on where it was merged
    return moved if moved is not None and rules.same_email(sender, _address_of(moved)) \
        else complaint


def _address_of(complaint) -> str:
    return complaint.complainant_email or (complaint.client.email if complaint.client else "")


def _new_complaint(session, name, sender, subject, body, files, config, now, defaults=None):
    data = {"name": (name or sender)[:rules.MAX_NAME], "email": sender,
            "subject": subject[:rules.MAX_SUBJECT],
            "description": (body or subject or "—")[:rules.MAX_DESCRIPTION]}
    offered = portal.choices(session)
    checked = rules.check_submission(data, {r.code for r in offered.request_types},
                                     {c.code for c in offered.categories},
                                     consent_required=False)
    if checked.errors:  # nothing a person could fix by mail: logged, not taken in
        logger.warning("email from %s not taken in: %s", sender, checked.errors)
        return None
    complaint = portal.stage_public_complaint(session, checked, config.get("BABEL_DEFAULT_LOCALE")
                                      or "fr", "email", now, defaults=defaults)
    if files:
        attachments.stage_files(session, complaint, files, None, config, now,
                                actor_kind=events.ACTOR_COMPLAINANT)
    return complaint


def _record(session, message_id, sender, subject, outcome, complaint_id, now) -> str:
    session.add(InboundEmail(message_id=message_id, sender=(sender or "")[:320] or None,
                             subject=subject[:255] or None, outcome=outcome,
                             complaint_id=complaint_id, received_at=now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return DUPLICATE
    return outcome


def _sender(mail) -> tuple[str, str]:
    reply_to = getaddresses([str(mail.get("Reply-To") or "")])
    name, address = parseaddr(str(mail.get("From") or ""))
    if reply_to and reply_to[0][1]:
        address = reply_to[0][1]
    return name.strip(), address.strip().lower()


def _body_text(mail) -> str:
    part = mail.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, UnicodeDecodeError):
        text = part.get_payload(decode=True).decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        text = unescape(re.sub(r"(?s)<(script|style).*?</\1>|<[^>]+>", " ", text))
    return _without_quote(text).strip()[:rules.MAX_MESSAGE]


def _without_quote(text: str) -> str:
    """The new text of a reply: quoted lines ("> …") and what follows "On … wrote:" go."""
    kept = []
    for line in text.splitlines():
        if _QUOTE_INTRO.match(line.strip()):
            break
        if not line.startswith(">"):
            kept.append(line)
    return "\n".join(kept)


def _files(mail, config) -> list:
    checked = []
    for part in mail.iter_attachments():
        if len(checked) >= config["ATTACHMENT_MAX_FILES"]:
            logger.warning("email attachment %s left out: too many files",
                           part.get_filename())
            continue
        data = part.get_payload(decode=True) or b""
        upload = attachments.Upload(part.get_filename() or "attachment", data)
        try:
            checked.append(attachments.check_upload(upload, config["ATTACHMENT_MAX_BYTES"]))
        except ServiceError as exc:
            logger.warning("email attachment left out: %s", exc)
    return checked
