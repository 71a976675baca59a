"""Ids read from a URL or a form, shared by the pages, the REST API and the portal."""

from app.domain.numbers import MAX_ID, is_digits


def parse_id(raw) -> int | None:
    """A positive integer id from a form or URL argument, or None when it is malformed."""
    text = str(raw or "").strip()
    if not is_digits(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
