"""Duplicates: the hint (open complaints of the same client, contract or complainant email
around the same time) and the merge of a duplicate into the complaint that stays.

A merge, in one transaction: the duplicate's messages (with their files), internal notes,
attachments and reminders move to the target; the duplicate is closed through the normal
state change (its clock stops, its answer facts are fixed, the history says so), keeps a
link to the target (``merged_into_id``), and both histories get an event.

What stays on the duplicate: its history, the emails sent and the letters generated under
its number. They are the record of what was said to the complainant under that number
(a letter quoting REC-A must not appear in REC-B's file), and stay one link away.
"""

import logging
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from app.domain import events
from app.domain.portal import same_email
from app.models import Attachment, Complaint, Message, Note, Reminder, State
from app.services import complaints as complaint_service
from app.services.clock import utcnow
from app.services.event_log import log_event
from app.services.exceptions import MissingReferenceData, ServiceError
from app.services.visibility import can_see, visible_condition

logger = logging.getLogger(__name__)

WINDOW = timedelta(days=30)
HINT_LIMIT = 20
# Rows that move from the duplicate to the target (attachments of messages included).
MOVED = (Message, Note, Attachment, Reminder)


class MergeRefused(ServiceError):
    """Why two complaints cannot be merged; nothing was changed."""


def duplicate_candidates(session, complaint, reader, limit=HINT_LIMIT) -> list[Complaint]:
    """Open complaints of the same client, contract or complainant email received within
    30 days of ``complaint`` (either side), that ``reader`` may see; newest first.

    Each branch reads an index (client_id/received_at, contract_id, complainant_email);
    the email is compared as typed and lower-cased, so its index serves the lookup."""
    same = []
    if complaint.client_id is not None:
        same.append(Complaint.client_id == complaint.client_id)
    if complaint.contract_id is not None:
        same.append(Complaint.contract_id == complaint.contract_id)
    email = (complaint.complainant_email or "").strip()
    if email:
        same.append(Complaint.complainant_email.in_({email, email.lower()}))
    if not same or complaint.received_at is None:
        return []
    stmt = (select(Complaint).where(
        or_(*same), Complaint.id != complaint.id, Complaint.closed_at.is_(None),
        Complaint.merged_into_id.is_(None),
        Complaint.received_at.between(complaint.received_at - WINDOW,
                                      complaint.received_at + WINDOW),
        visible_condition(reader))
        .order_by(Complaint.received_at.desc()).limit(limit))
    return list(session.scalars(stmt))


def merge_complaint(session, duplicate, target, actor, reader, now=None) -> Complaint:
    """Merge ``duplicate`` into ``target`` (see the module's docstring) and commit.
    Raises MergeRefused, and then nothing changed."""
    _check(duplicate, target, reader)
    now = now or utcnow()
    final = _final_state(session)
    try:
        for model in MOVED:
            session.execute(update(model).where(model.complaint_id == duplicate.id)
                            .values(complaint_id=target.id)
                            .execution_options(synchronize_session=False))
        duplicate.merged_into_id = target.id
        log = log_event
        log(session, duplicate, actor, events.MERGED_INTO, now=now,
            new_value=target.tracking_number)
        log(session, target, actor, events.MERGED_FROM, now=now,
            new_value=duplicate.tracking_number)
        complaint_service.stage_closure(session, duplicate, final, actor, now)
        session.commit()  # expires both, whose notes, messages, … moved behind their back
    except BaseException:
        session.rollback()
        raise
    logger.info("complaint %s merged into %s", duplicate.tracking_number,
                target.tracking_number)
    return target


MERGE_EVENTS = (events.MERGED_INTO, events.MERGED_FROM)


def hidden_numbers(session, history, reader) -> set[str]:
    """The tracking numbers named by the merge events of ``history`` (each names the other
    complaint) that ``reader`` may not see: a history names another complaint only to
    those who may see it (a confidential one, one out of their scope, a deleted one)."""
    numbers = {event.new_value for event in history
               if event.kind in MERGE_EVENTS and event.new_value}
    if not numbers:
        return set()
    seen = session.scalars(select(Complaint.tracking_number).where(
        Complaint.tracking_number.in_(numbers), visible_condition(reader)))
    return numbers - set(seen)


def merged_target(session, complaint):
    """The complaint this one was merged into (followed to the end of a chain), or None."""
    seen, current = set(), complaint
    while current is not None and current.merged_into_id and current.id not in seen:
        seen.add(current.id)
        current = session.get(Complaint, current.merged_into_id)
    return current if current is not complaint else None


def public_notice(session, complaint) -> dict | None:
    """What the tracking page of a merged complaint says about where it went: the other
    number only when it is the same complainant's (same email), else nothing of it."""
    if not complaint.merged_into_id:
        return None
    target = merged_target(session, complaint)
    if target is None or not same_email(complaint.complainant_email or "",
                                        target.complainant_email):
        return {"target": None}
    return {"target": target}


def _check(duplicate, target, reader):
    if duplicate.id == target.id:
        raise MergeRefused(_l("A complaint cannot be merged into itself."))
    if not (can_see(reader, duplicate) and can_see(reader, target)):
        raise MergeRefused(_l("This complaint was not found."))
    for complaint in (duplicate, target):
        if complaint.merged_into_id:
            raise MergeRefused(_l("%(number)s has already been merged."),
                               number=complaint.tracking_number)
        if complaint.closed_at is not None:
            raise MergeRefused(_l("%(number)s is closed: reopen it first."),
                               number=complaint.tracking_number)
    if duplicate.confidential and not target.confidential:
        raise MergeRefused(_l("A confidential complaint can only be merged into a "
                              "confidential one."))


def _final_state(session) -> State:
    state = session.scalars(select(State).where(State.is_final.is_(True),
                                                State.active.is_(True))
                            .order_by(State.position)).first()
    if state is None:
        raise MissingReferenceData("state")
    return state
