"""Ids read from a URL or a form, shared by the pages, the REST API and the portal."""

MAX_ID = 2**31 - 1  # PostgreSQL INTEGER: a larger id is refused as a data error


def parse_id(raw) -> int | None:
    """A positive integer id from a form or URL argument, or None when it is malformed."""
    text = str(raw or "").strip()
    if not (text.isascii() and text.isdigit()):  # "²".isdigit() is True, int("²") fails
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
