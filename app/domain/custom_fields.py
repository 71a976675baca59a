"""Custom fields: admin-defined extra fields on complaints (DESIGN.md §1), plain Python.

A field has a stable key, a type, FR/EN labels, choices (for "choice": a stable code and
FR/EN labels, so renaming a label keeps the data), "required" and the request types it
applies to (none: all). Values are parsed from what a form or the API sent into a typed
Python value; what is wrong is a problem code, turned into a translated message by the
service (app/services/custom_fields.py).
"""

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from app.domain.dates import DateOutOfRange, check_date

TEXT, NUMBER, DATE, CHOICE, YES_NO = "text", "number", "date", "choice", "yes_no"
TYPES = (TEXT, NUMBER, DATE, CHOICE, YES_NO)
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CHOICE_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,50}$")
MAX_TEXT = 500  # stored in an indexed column: a btree entry must stay small
MAX_NUMBER = 1e15  # beyond this a float no longer keeps every unit
MAX_CHOICES = 100
TRUE_WORDS = {"1", "true", "yes", "y", "on", "oui", "o"}
FALSE_WORDS = {"0", "false", "no", "n", "off", "non"}

# Problems with a value.
REQUIRED = "required"
NOT_A_NUMBER = "not_a_number"
NUMBER_TOO_LARGE = "number_too_large"
NOT_A_DATE = "not_a_date"
DATE_OUT_OF_RANGE = "date_out_of_range"
UNKNOWN_CHOICE = "unknown_choice"
NOT_YES_NO = "not_yes_no"
TEXT_TOO_LONG = "text_too_long"
NOT_TEXT = "not_text"
# Problems with a definition.
BAD_KEY = "bad_key"
UNKNOWN_TYPE = "unknown_type"
NO_CHOICES = "no_choices"
CHOICES_NOT_USED = "choices_not_used"
BAD_CHOICE_LINE = "bad_choice_line"
DUPLICATE_CHOICE = "duplicate_choice"
TOO_MANY_CHOICES = "too_many_choices"


class Problem(ValueError):
    """What is wrong (a code of this module) and with what (``detail``, may be empty)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class Choice:
    code: str
    label_fr: str
    label_en: str

    def label(self, language: str) -> str:
        return (self.label_en if language == "en" else self.label_fr) or self.code


@dataclass(frozen=True)
class FieldSpec:
    """What the rules need to know of a field (built from the model by the service)."""

    key: str
    type: str
    required: bool = False
    request_type_ids: frozenset = field(default_factory=frozenset)
    choices: tuple = ()

    def applies_to(self, request_type_id) -> bool:
        """A field for no request type in particular applies to every complaint."""
        return not self.request_type_ids or request_type_id in self.request_type_ids


def parse_choices(text: str | None) -> tuple[Choice, ...]:
    """Choices typed one per line as ``code | label FR | label EN`` (the EN label, or
    both, may be left out: the FR label, or the code, stands in)."""
    choices, seen = [], set()
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        code = parts[0]
        if len(parts) > 3 or not CHOICE_CODE_RE.match(code):
            raise Problem(BAD_CHOICE_LINE, str(number))
        if code in seen:
            raise Problem(DUPLICATE_CHOICE, code)
        seen.add(code)
        label_fr = (parts[1] if len(parts) > 1 else "") or code
        label_en = (parts[2] if len(parts) > 2 else "") or label_fr
        choices.append(Choice(code, label_fr[:150], label_en[:150]))
    if len(choices) > MAX_CHOICES:
        raise Problem(TOO_MANY_CHOICES, str(MAX_CHOICES))
    return tuple(choices)


def format_choices(choices) -> str:
    """The text ``parse_choices`` reads back."""
    return "\n".join(f"{c.code} | {c.label_fr} | {c.label_en}" for c in choices)


def check_definition(key: str | None, type_: str | None, choices: tuple) -> None:
    """Raise a Problem when a definition cannot work."""
    if not KEY_RE.match(key or ""):
        raise Problem(BAD_KEY)
    if type_ not in TYPES:
        raise Problem(UNKNOWN_TYPE)
    if type_ == CHOICE and not choices:
        raise Problem(NO_CHOICES)
    if type_ != CHOICE and choices:
        raise Problem(CHOICES_NOT_USED)


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_value(spec: FieldSpec, raw):
    """The typed value of ``raw`` (a form's text, or a JSON value), or None when empty.
    Raises Problem. Required-ness is checked by ``check_required``."""
    if is_empty(raw):
        return None
    parser = {TEXT: _text, NUMBER: _number, DATE: _date, CHOICE: _choice,
              YES_NO: _yes_no}[spec.type]
    return parser(spec, raw)


def check_required(spec: FieldSpec, request_type_id, value) -> None:
    """A required field must have a value on the complaints it applies to."""
    if spec.required and spec.applies_to(request_type_id) and value is None:
        raise Problem(REQUIRED)


def _text(spec, raw):
    if not isinstance(raw, str):
        raise Problem(NOT_TEXT)
    value = raw.strip()
    if len(value) > MAX_TEXT:
        raise Problem(TEXT_TOO_LONG, str(MAX_TEXT))
    return value


def _number(spec, raw):
    if isinstance(raw, bool):
        raise Problem(NOT_A_NUMBER)
    if isinstance(raw, int | float):
        try:
            value = float(raw)
        except OverflowError:  # an integer of 400 digits
            raise Problem(NUMBER_TOO_LARGE) from None
    elif isinstance(raw, str):
        text = raw.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        try:
            value = float(text.replace(",", ".")) if text.count(",") <= 1 else math.nan
        except ValueError:
            raise Problem(NOT_A_NUMBER) from None
    else:
        raise Problem(NOT_A_NUMBER)
    if not math.isfinite(value):
        raise Problem(NOT_A_NUMBER)
    if abs(value) >= MAX_NUMBER:
        raise Problem(NUMBER_TOO_LARGE)
    return value


def _date(spec, raw):
    day = _parsed_date(raw)
    try:
        return check_date(day)
    except DateOutOfRange:
        raise Problem(DATE_OUT_OF_RANGE) from None


def _parsed_date(raw):
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if not isinstance(raw, str):
        raise Problem(NOT_A_DATE)
    text = raw.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise Problem(NOT_A_DATE)


def _choice(spec, raw):
    code = raw.strip() if isinstance(raw, str) else None
    if code not in {c.code for c in spec.choices}:
        raise Problem(UNKNOWN_CHOICE)
    return code


def _yes_no(spec, raw):
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        word = raw.strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise Problem(NOT_YES_NO)


def display_value(spec: FieldSpec, value) -> str | None:
    """A stored value as plain text for the history (the choice's code, yes/no, ISO
    date, number without a useless ".0"): the history translates codes at display."""
    if value is None:
        return None
    if spec.type == YES_NO:
        return "True" if value else "False"
    if spec.type == NUMBER:
        return format_number(value)
    if spec.type == DATE:
        return value.isoformat()
    return str(value)


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
