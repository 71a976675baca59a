"""Phone numbers: validated and written in E.164 (``+33612345678``) with the
``phonenumbers`` library, so an SMS gateway gets one spelling whatever was typed.

A number written without its international prefix is read in ``region`` (the
``sms_region`` setting, e.g. FR): ``06 12 34 56 78`` → ``+33612345678``.
"""

import re

import phonenumbers

DEFAULT_REGION = "FR"
REGION_RE = re.compile(r"^[A-Z]{2}$")
MAX_INPUT = 50


class InvalidPhone(ValueError):
    """The text is not a possible phone number of ``region`` (or of its own prefix)."""


def to_e164(raw: str | None, region: str | None = DEFAULT_REGION) -> str | None:
    """The number in E.164, None for an empty value; raise ``InvalidPhone`` otherwise."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) > MAX_INPUT:
        raise InvalidPhone(text)
    region = region if is_region(region) else DEFAULT_REGION
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(text) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_region(code: str | None) -> bool:
    """A two-letter region the library knows (FR, BE, SN, …)."""
    return bool(code and REGION_RE.match(code)
                and code in phonenumbers.SUPPORTED_REGIONS)


def is_mobile_capable(e164: str) -> bool:
    """True unless the number is known to be a fixed line (SMS would not reach it).
    Numbers whose kind is ambiguous (fixed or mobile, as in the US) are kept."""
    kind = phonenumbers.number_type(phonenumbers.parse(e164, None))
    return kind != phonenumbers.PhoneNumberType.FIXED_LINE
