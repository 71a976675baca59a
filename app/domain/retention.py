"""Retention rules, in plain Python: when a closed complaint's personal data expires, and
which of its fields are personal (anonymised) or kept (so reports stay true).

A request type's retention is a number of months after closure; None keeps its
complaints forever.
"""

import calendar
import json
from datetime import datetime

MAX_MONTHS = 1200  # a hundred years: beyond is a typing mistake
PREVIEW_NUMBERS = 20

# Columns of the complaint cleared by the anonymisation.
PERSONAL_FIELDS = (
    "complainant_name", "complainant_email", "complainant_phone", "complainant_address",
    "order_number", "subject", "description", "resolution", "corrective_actions",
)
# Kept: what reports, the dashboard and the deadline outcome read.
KEPT_FIELDS = (
    "tracking_number", "request_type_id", "channel_id", "client_id", "contract_id",
    "category_id", "severity_id", "complexity_id", "state_id", "team_id", "assignee_id",
    "confidential", "resolution_type_id", "received_at", "answered_at", "closed_at",
    "first_response_at", "satisfaction", "satisfaction_rating", "due_at", "warning_at",
    "processing_seconds", "answered_on_time", "paused_seconds", "clock", "sector_id",
    "agency_id", "analytic_code", "language", "created_at",
)


def cutoff(now: datetime, months: int) -> datetime:
    """Complaints closed before this moment are past a retention of ``months``."""
    index = now.year * 12 + now.month - 1 - months
    year, month = index // 12, index % 12 + 1
    day = min(now.day, calendar.monthrange(year, month)[1])  # 31 March - 1 month: 28/29 Feb
    return now.replace(year=year, month=month, day=day)


def is_expired(closed_at: datetime | None, months: int | None, now: datetime) -> bool:
    """Closed, with a retention, and closed longer ago than it."""
    if closed_at is None or months is None:
        return False
    return closed_at < cutoff(now, months)


def parse_months(value) -> int | None:
    """A retention typed by an admin: empty for "keep forever", else whole months
    from 1 to MAX_MONTHS. Raises ValueError otherwise."""
    text = ("" if value is None else str(value)).strip()
    if not text:
        return None
    months = int(text)  # ValueError for anything but a whole number
    if not 1 <= months <= MAX_MONTHS:
        raise ValueError(text)
    return months


def reduced_snapshot(text: str) -> str:
    """A deleted complaint's audit snapshot without its personal data: the kept columns
    of the complaint, and how many events, notes, messages and files it had."""
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return json.dumps({"anonymised": True})
    complaint = data.get("complaint") if isinstance(data, dict) else None
    kept = {k: v for k, v in (complaint or {}).items() if k in KEPT_FIELDS}
    counts = {key: len(data.get(key) or []) for key in
              ("events", "notes", "reminders", "attachments", "messages")} \
        if isinstance(data, dict) else {}
    return json.dumps({"complaint": kept, "counts": counts, "anonymised": True},
                      ensure_ascii=False, default=str)


def snapshot_request_type(text: str) -> int | None:
    """The request type id a deleted complaint's snapshot names, if any."""
    try:
        value = json.loads(text)["complaint"]["request_type_id"]
    except (TypeError, ValueError, KeyError):
        return None
    return value if isinstance(value, int) else None
