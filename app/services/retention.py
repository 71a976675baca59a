"""Retention: anonymise the personal data of closed complaints past their request type's
retention period, keeping what reports read (app/domain/retention.py says which fields).

``preview`` lists what the next run takes, ``run_retention`` does it in batches. A batch
is claimed by stamping ``anonymised_at`` in one ``UPDATE … WHERE anonymised_at IS NULL``
(after ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite writes one at a time), so two
runs at once never take the same complaint, and a second run finds nothing left.

Custom fields' free text goes too (numbers, dates and choices stay, as the reports group
by them). The full-text index, kept by triggers, follows these UPDATEs by itself.
"""

import logging

from sqlalchemy import and_, exists, func, or_, select, update

from app.domain import events
from app.domain import retention as rules
from app.models import (
    Attachment,
    Client,
    Complaint,
    Contract,
    DeletedComplaint,
    Event,
    GeneratedDocument,
    InboundEmail,
    Message,
    Note,
    OutboundEmail,
    OutboundSms,
    PublicSubmission,
    Reminder,
    RequestType,
    SatisfactionSurvey,
)
from app.services import custom_fields, storage
from app.services.clock import utcnow

logger = logging.getLogger(__name__)

ANONYMISED = "[anonymised]"
ANONYMISED_EVENT = "anonymised"
DEFAULT_BATCH = 200
# History values that name a person, an address or a file.
VALUE_EVENTS = (events.EMAIL_SENT, events.EMAIL_FAILED, events.SMS_SENT, events.SMS_FAILED,
                events.ATTACHMENT_ADDED,
                events.ATTACHMENT_REMOVED, events.DOCUMENT_GENERATED)
# History details kept: the deadline's reason codes and the retention line itself.
KEPT_DETAILS = (events.DEADLINE_CHANGED, ANONYMISED_EVENT)


def retention_periods(session) -> dict[int, int]:
    """``{request type id: months}`` of the types with a retention."""
    rows = session.execute(select(RequestType.id, RequestType.retention_months)
                           .where(RequestType.retention_months.isnot(None)))
    return dict(rows.all())


def set_retention(session, request_type, value) -> None:
    """Set a request type's retention from what an admin typed; commit. ValueError when
    it is neither empty nor a number of months from 1 to 1200."""
    request_type.retention_months = rules.parse_months(value)
    session.commit()


def expired_condition(periods: dict[int, int], now):
    """SQL condition: closed, not anonymised, past its type's retention."""
    per_type = [and_(Complaint.request_type_id == type_id,
                     Complaint.closed_at < rules.cutoff(now, months))
                for type_id, months in periods.items()]
    if not per_type:
        return None
    return and_(Complaint.anonymised_at.is_(None), Complaint.closed_at.isnot(None),
                or_(*per_type))


def preview(session, now=None, limit=rules.PREVIEW_NUMBERS) -> list[dict]:
    """What the next run anonymises, per request type: its retention, how many
    complaints and the first ``limit`` tracking numbers, in the order the run takes them."""
    now = now or utcnow()
    periods = retention_periods(session)
    found = []
    for request_type in session.scalars(select(RequestType).order_by(RequestType.position)):
        months = periods.get(request_type.id)
        if months is None:
            continue
        condition = expired_condition({request_type.id: months}, now)
        count = session.scalar(select(func.count()).where(condition))
        numbers = session.scalars(select(Complaint.tracking_number).where(condition)
                                  .order_by(Complaint.closed_at, Complaint.id)
                                  .limit(limit)).all()
        found.append({"request_type": request_type, "months": months, "count": count or 0,
                      "numbers": list(numbers)})
    return found


def run_retention(session, config, now=None, batch=DEFAULT_BATCH, max_batches=50) -> dict:
    """Anonymise expired complaints, ``batch`` at a time (one commit each), and reduce the
    deleted complaints' snapshots past retention. Returns the counts."""
    now = now or utcnow()
    periods = retention_periods(session)
    done = 0
    for _ in range(max_batches):
        ids = _claim(session, periods, now, batch)
        if not ids:
            break
        _scrub(session, ids, periods, config, now)
        session.commit()  # the files leave the folder after this commit
        done += len(ids)
    snapshots = _reduce_snapshots(session, periods, now)
    session.commit()
    if done or snapshots:
        logger.info("retention: %s complaints anonymised, %s snapshots reduced", done,
                    snapshots)
    return {"anonymised": done, "snapshots": snapshots}


def _claim(session, periods, now, batch) -> list[int]:
    condition = expired_condition(periods, now)
    if condition is None:
        return []
    candidates = session.scalars(select(Complaint.id).where(condition)
                                 .order_by(Complaint.closed_at, Complaint.id).limit(batch)
                                 .with_for_update(skip_locked=True)).all()
    if not candidates:
        session.commit()
        return []
    claimed = session.scalars(
        update(Complaint).where(Complaint.id.in_(candidates), Complaint.anonymised_at.is_(None))
        .values(anonymised_at=now).returning(Complaint.id)
        .execution_options(synchronize_session=False)).all()
    return sorted(claimed)


def _scrub(session, ids, periods, config, now):
    """Clear every personal value of the claimed complaints and of what hangs off them."""
    def wipe(model, *where, **values):
        session.execute(update(model).where(*where).values(**values)
                        .execution_options(synchronize_session=False))

    wipe(Complaint, Complaint.id.in_(ids), **dict.fromkeys(rules.PERSONAL_FIELDS))
    wipe(Note, Note.complaint_id.in_(ids), body="")
    wipe(Reminder, Reminder.complaint_id.in_(ids), note=None)
    wipe(Message, Message.complaint_id.in_(ids), body="", sender_email=None)
    wipe(Event, Event.complaint_id.in_(ids), Event.kind.notin_(KEPT_DETAILS), detail=None)
    wipe(Event, Event.complaint_id.in_(ids), or_(Event.field.in_(rules.PERSONAL_FIELDS),
                                                 Event.kind.in_(VALUE_EVENTS)),
         old_value=None, new_value=None)
    wipe(OutboundEmail, OutboundEmail.complaint_id.in_(ids), recipient="", body_text="",
         body_html=None, last_error=None, refused_recipients=None)
    wipe(OutboundSms, OutboundSms.complaint_id.in_(ids), recipient="", body="",
         last_error=None)
    wipe(PublicSubmission, PublicSubmission.complaint_id.in_(ids), payload="{}")
    wipe(InboundEmail, InboundEmail.complaint_id.in_(ids), sender=None, subject=None)
    wipe(SatisfactionSurvey, SatisfactionSurvey.complaint_id.in_(ids), comment=None)
    wipe(GeneratedDocument, GeneratedDocument.complaint_id.in_(ids), content=b"",
         filename=ANONYMISED)
    _remove_files(session, ids, config)
    custom_fields.clear_text_values(session, ids)
    _anonymise_clients(session, ids)
    _log(session, ids, periods, now)


def _remove_files(session, ids, config):
    """The attachments' bytes leave the store; their rows stay, marked removed."""
    for attachment in session.scalars(select(Attachment).where(
            Attachment.complaint_id.in_(ids), Attachment.storage != storage.REMOVED)):
        storage.storage_for(attachment.storage, config).remove(session,
                                                               attachment.stored_name)
    session.execute(update(Attachment).where(Attachment.complaint_id.in_(ids))
                    .values(storage=storage.REMOVED, original_name=ANONYMISED)
                    .execution_options(synchronize_session=False))


def _anonymise_clients(session, ids):
    """A person client left with no complaint holding personal data and no contract is
    anonymised too; companies and clients under contract are business records, kept."""
    client_ids = session.scalars(select(Complaint.client_id).where(
        Complaint.id.in_(ids), Complaint.client_id.isnot(None)).distinct()).all()
    if not client_ids:
        return
    live = exists().where(Complaint.client_id == Client.id, Complaint.anonymised_at.is_(None))
    contract = exists().where(Contract.client_id == Client.id)
    session.execute(update(Client).where(
        Client.id.in_(client_ids), Client.kind == "person", ~live, ~contract)
        .values(name=ANONYMISED, email=None, phone=None, address=None)
        .execution_options(synchronize_session=False))


def _log(session, ids, periods, now):
    rows = session.execute(select(Complaint.id, Complaint.request_type_id)
                           .where(Complaint.id.in_(ids)))
    for complaint_id, type_id in rows:
        session.add(Event(complaint_id=complaint_id, created_at=now,
                          actor_kind=events.ACTOR_SYSTEM, kind=ANONYMISED_EVENT,
                          new_value=str(periods.get(type_id, ""))))


def _reduce_snapshots(session, periods, now) -> int:
    """Deleted complaints' audit snapshots past their type's retention (from deletion)
    keep their non-personal columns only. Deletions are rare: read them all."""
    if not periods:
        return 0
    oldest = rules.cutoff(now, min(periods.values()))
    reduced = 0
    for record in session.scalars(select(DeletedComplaint).where(
            DeletedComplaint.anonymised_at.is_(None), DeletedComplaint.deleted_at < oldest)
            .with_for_update(skip_locked=True)):
        months = periods.get(rules.snapshot_request_type(record.snapshot))
        if months is not None and rules.is_expired(record.deleted_at, months, now):
            record.snapshot = rules.reduced_snapshot(record.snapshot)
            record.anonymised_at = now
            reduced += 1
    return reduced
