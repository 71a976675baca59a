"""Tracking numbers: ``PREFIX-YYYY-NNNNNN``, one sequence per prefix and year."""

import re

TRACKING_RE = re.compile(r"\b([A-Z]{2,8})-(\d{4})-(\d{6,})\b")


def format_tracking_number(prefix: str, year: int, number: int) -> str:
    """Render the tracking number for the ``number``-th complaint of ``year``."""
    if number < 1:
        raise ValueError("tracking sequence starts at 1")
    return f"{prefix}-{year:04d}-{number:06d}"


def find_tracking_number(text: str) -> str | None:
    """Return the first tracking number written in ``text`` (case-insensitive), if any."""
    match = TRACKING_RE.search((text or "").upper())
    return match.group(0) if match else None


def looks_like_tracking_number(text: str) -> bool:
    """True when ``text`` is nothing but a tracking number (spaces allowed around it)."""
    return bool(TRACKING_RE.fullmatch((text or "").strip().upper()))
