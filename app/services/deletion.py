"""Deleting a complaint: checked against what was sent, and audited with a full snapshot.

Features that send things to the complainant (messages, emails, letters) register a
counter in ``TRACE_COUNTERS``; each one that finds something blocks the deletion with
its own reason.
"""

import json
import logging
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from app.domain.deletion import (
    GENERATED_DOCUMENTS,
    OUTGOING_MESSAGES,
    SENT_EMAILS,
    blocking_reasons,
)
from app.models import DeletedComplaint
from app.services import attachments
from app.services.clock import utcnow
from app.services.context import surroundings_of
from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)

# reason code -> function(session, complaint) -> int; filled by the features that send.
TRACE_COUNTERS: dict[str, Callable] = {}

REASON_TEXTS = {
    OUTGOING_MESSAGES: _l("%(n)s message(s) were sent to the complainant"),
    SENT_EMAILS: _l("%(n)s email(s) were sent about it"),
    GENERATED_DOCUMENTS: _l("%(n)s letter(s) were generated from it"),
}


class DeletionBlocked(ServiceError):
    def __init__(self, reasons: list[str]):
        super().__init__(_l("This complaint cannot be deleted: %(reasons)s."),
                         reasons="; ".join(reasons))
        self.reasons = reasons


def deletion_blockers(session, complaint) -> list[str]:
    """Translated reasons why ``complaint`` cannot be deleted; empty when it can."""
    counts = {reason: counter(session, complaint) for reason, counter in TRACE_COUNTERS.items()}
    return [str(REASON_TEXTS[reason]) % {"n": n} for reason, n in blocking_reasons(counts)]


def stage_deletion(session, complaint, actor, now=None, config=None) -> DeletedComplaint:
    """Check, then write the audit record; the caller deletes the row and commits.

    Attachments do not block: they go with the complaint (listed in the snapshot), their
    files leave the store once the deletion is committed. ``config`` says where the
    files are (the configuration of the session's application by default).
    """
    reasons = deletion_blockers(session, complaint)
    if reasons:
        raise DeletionBlocked(reasons)
    if complaint.attachments:
        attachments.discard_files_of(session, complaint, config or surroundings_of(session).config)
    record = DeletedComplaint(
        complaint_id=complaint.id, tracking_number=complaint.tracking_number,
        deleted_by_id=getattr(actor, "id", None),
        deleted_by_name=str(actor) if actor is not None else None,
        deleted_at=now or utcnow(), snapshot=json.dumps(snapshot(complaint), default=str,
                                                         ensure_ascii=False, indent=1),
    )
    session.add(record)
    logger.info("complaint %s deleted by %s", complaint.tracking_number, actor)
    return record


def delete_complaint(session, complaint, actor, now=None, config=None) -> DeletedComplaint:
    """Delete the complaint and its children, keeping the audit record; commit."""
    record = stage_deletion(session, complaint, actor, now, config)
    session.delete(complaint)
    session.commit()
    return record


def snapshot(complaint) -> dict:
    """The complaint's columns and its children (history, notes, reminders, the
    attachments' names and checksums, the complainant's messages) as plain data."""
    return {
        "complaint": _columns(complaint),
        "events": [_columns(e) for e in complaint.events],
        "notes": [_columns(n) for n in complaint.notes],
        "reminders": [_columns(r) for r in complaint.reminders],
        "attachments": [_columns(a) for a in complaint.attachments],
        "messages": [_columns(m) for m in complaint.messages],
        "custom_fields": complaint.custom_fields,
    }


def _columns(obj) -> dict:
    return {attr.key: getattr(obj, attr.key) for attr in inspect(obj).mapper.column_attrs}
