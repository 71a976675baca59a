"""Rules of the satisfaction survey sent at closure, in plain Python.

A survey link carries a random token; only its SHA-256 is stored. An answer is
"satisfied" or not, with an optional rating from 1 to 5 and a comment; the complainant
may change it until the link expires. An unsatisfied answer reopens the complaint once
per survey, when the settings say so.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MIN_RATING, MAX_RATING = 1, 5
MAX_COMMENT = 5000
DEFAULT_VALID_DAYS = 30
MAX_VALID_DAYS = 365

YES, NO = "yes", "no"
# Error codes the service turns into translated messages.
CHOICE_REQUIRED, BAD_RATING, COMMENT_TOO_LONG = "choice", "rating", "comment"


def new_token() -> tuple[str, str]:
    """A fresh ``(token, its hash)``: the token goes in the email, the hash in the table."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256((token or "").encode("utf-8", "replace")).hexdigest()


def expires_at(sent_at: datetime, valid_days: int) -> datetime:
    return sent_at + timedelta(days=valid_days)


def is_open(expires: datetime, now: datetime) -> bool:
    """The link still takes answers."""
    return now < expires


@dataclass
class Answer:
    satisfied: bool | None = None
    rating: int | None = None
    comment: str | None = None
    errors: list = field(default_factory=list)


def check_answer(choice, rating, comment) -> Answer:
    """Clean a submitted answer (form strings); ``errors`` lists what is wrong."""
    answer = Answer()
    choice = (choice or "").strip().lower()
    if choice in (YES, NO):
        answer.satisfied = choice == YES
    else:
        answer.errors.append(CHOICE_REQUIRED)
    rating = (rating or "").strip() if isinstance(rating, str) else rating
    if rating not in (None, ""):
        try:
            answer.rating = int(rating)
        except (TypeError, ValueError):
            answer.errors.append(BAD_RATING)
        else:
            if not MIN_RATING <= answer.rating <= MAX_RATING:
                answer.errors.append(BAD_RATING)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        answer.errors.append(COMMENT_TOO_LONG)
    answer.comment = comment or None
    return answer


def should_reopen(satisfied: bool | None, reopen_setting: bool, already_reopened: bool,
                  still_closed: bool) -> bool:
    """Reopen on a "not satisfied" answer, once per survey, if the complaint is still
    closed and the setting asks for it."""
    return satisfied is False and reopen_setting and not already_reopened and still_closed


def parse_valid_days(value: str | None) -> int:
    """The link validity setting as a number of days (the default when unusable)."""
    try:
        days = int((value or "").strip())
    except ValueError:
        return DEFAULT_VALID_DAYS
    return days if 1 <= days <= MAX_VALID_DAYS else DEFAULT_VALID_DAYS


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on", "oui"}
