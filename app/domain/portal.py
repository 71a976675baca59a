"""Rules of the public portal and of the email intake, in plain Python.

- ``check_submission``: what a complainant sends through the form or the JSON API,
  cleaned, with an error code per field the service turns into a translated message.
- ``is_automatic``: auto-replies, bounces and list mail, which the intake never answers
  (no mail loops).
- ``same_email``: addresses compared the same way for a right and a wrong address.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass, field

from app.domain import phones

MAX_NAME, MAX_EMAIL, MAX_PHONE, MAX_NUMBER = 200, 320, 50, 100
MAX_DESCRIPTION, MAX_MESSAGE = 20000, 20000
MAX_SUBJECT = 255

REQUIRED, INVALID, TOO_LONG, NOT_ACCEPTED, UNKNOWN = (
    "required", "invalid", "too_long", "not_accepted", "unknown")

EMAIL_RE = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]{2,}$")
AUTOMATIC_SENDERS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "bounce")
LIST_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


@dataclass
class Submission:
    name: str = ""
    email: str = ""
    phone: str = ""
    customer_number: str = ""
    order_number: str = ""
    request_type: str = ""
    category: str = ""
    subject: str = ""
    description: str = ""
    errors: dict = field(default_factory=dict)


_LIMITS = {"name": MAX_NAME, "email": MAX_EMAIL, "phone": MAX_PHONE,
           "customer_number": MAX_NUMBER, "order_number": MAX_NUMBER,
           "subject": MAX_SUBJECT, "description": MAX_DESCRIPTION,
           "request_type": 50, "category": 50}


def check_submission(data: dict, request_types: set[str], categories: set[str],
                     consent_required: bool = True,
                     phone_region: str = phones.DEFAULT_REGION) -> Submission:
    """Clean ``data`` (strings from a form or JSON) and record one error per bad field.

    ``request_types`` and ``categories`` are the codes the complainant may choose from;
    the phone number comes out in E.164, read in ``phone_region`` without a prefix.
    """
    values = {key: _text(data.get(key)) for key in _LIMITS}
    result = Submission(**values)
    for key, limit in _LIMITS.items():
        if len(values[key]) > limit:
            result.errors[key] = TOO_LONG
    for key in ("name", "email", "description"):
        if not values[key]:
            result.errors.setdefault(key, REQUIRED)
    result.email = values["email"].lower()
    if values["email"] and not EMAIL_RE.match(values["email"]):
        result.errors.setdefault("email", INVALID)
    try:
        result.phone = phones.to_e164(values["phone"], phone_region) or ""
    except phones.InvalidPhone:
        result.errors.setdefault("phone", INVALID)
    if values["request_type"] and values["request_type"] not in request_types:
        result.errors.setdefault("request_type", UNKNOWN)
    if values["category"] and values["category"] not in categories:
        result.errors.setdefault("category", UNKNOWN)
    if consent_required and not _truthy(data.get("consent")):
        result.errors["consent"] = NOT_ACCEPTED
    return result


def is_automatic(headers: dict[str, str], sender: str, own_addresses=()) -> bool:
    """True for mail no person wrote or that must never be answered: ``Auto-Submitted``
    other than ``no``, ``Precedence`` bulk/junk/list, bounces (mailer-daemon, postmaster,
    empty return path) and mail from the product's own addresses."""
    lowered = {k.lower(): (v or "").strip().lower() for k, v in headers.items()}
    if lowered.get("auto-submitted", "no") not in ("", "no"):
        return True
    if lowered.get("precedence", "") in LIST_PRECEDENCE:
        return True
    if "x-autoreply" in lowered or "x-autorespond" in lowered or "list-id" in lowered:
        return True
    if lowered.get("return-path", None) == "<>":
        return True
    local = sender.lower().partition("@")[0]
    if not sender or any(local.startswith(name) for name in AUTOMATIC_SENDERS):
        return True
    return sender.lower() in {a.lower() for a in own_addresses if a}


def same_email(given: str, stored: str | None) -> bool:
    """Compare two addresses case-insensitively in constant time (a wrong address must not
    answer faster than a right one)."""
    left = hashlib.sha256((given or "").strip().lower().encode()).digest()
    right = hashlib.sha256((stored or "").strip().lower().encode()).digest()
    return hmac.compare_digest(left, right) and bool((stored or "").strip())


def _text(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return value.strip()


def _truthy(value) -> bool:
    if isinstance(value, bool):
        return value
    return _text(value).lower() in {"1", "true", "yes", "on", "y"}
