"""Complaints sent through the public JSON API: accepted at once, registered moments later.

``accept_submission`` does what the caller must wait for and nothing more: check the
fields (the same rules as the form), take the tracking number (atomically, as for any
complaint) and keep the submission, in one short transaction. ``register_submissions``
(a scheduler job, every SCHEDULER_INTAKE_SECONDS) turns each into a complaint with that
very number, client matching, deadline, history and confirmation email, one short
transaction per complaint, so the API never waits behind a batch.
"""

import json
import logging
import time
from dataclasses import asdict

from sqlalchemy import select, update

from app.domain import portal as rules
from app.models import Category, PublicSubmission, RequestType
from app.services import portal, sms_settings
from app.services.clock import utcnow
from app.services.settings import get_setting
from app.services.tracking import allocate_tracking_number

logger = logging.getLogger(__name__)

# Reference codes and the tracking prefix change seldom (admins): read once a minute.
CACHE_SECONDS = 60
_cache: dict = {}


def accept_submission(session, data: dict, language="fr", now=None) -> str:
    """Check ``data``, allocate its tracking number, keep it; commit; return the number.
    Raises portal.SubmissionInvalid, and then nothing is stored."""
    request_types, categories, prefix = _reference(session)
    checked = rules.check_submission(data, request_types, categories,
                                     phone_region=sms_settings.region(session))
    if checked.errors:
        session.rollback()
        raise portal.SubmissionInvalid(checked.errors)
    now = now or utcnow()
    fields = {k: v for k, v in asdict(checked).items() if k != "errors"}
    try:
        number = allocate_tracking_number(session, prefix, now.year)
        session.add(PublicSubmission(tracking_number=number, payload=json.dumps(fields),
                                     language=language, received_at=now))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return number


def register_submissions(session, batch=200, now=None) -> dict:
    """Register up to ``batch`` waiting submissions as complaints, one transaction each."""
    registered = 0
    for _ in range(batch):
        if not _register_one(session, now or utcnow()):
            break
        registered += 1
    return {"registered": registered}


def _register_one(session, now) -> bool:
    """Claim the oldest waiting submission (SKIP LOCKED on PostgreSQL, the write lock on
    SQLite), register it and commit; False when none waits."""
    waiting = PublicSubmission.registered_at.is_(None)
    row_id = session.scalar(select(PublicSubmission.id).where(waiting)
                            .order_by(PublicSubmission.id).limit(1)
                            .with_for_update(skip_locked=True))
    if row_id is None:
        session.commit()
        return False
    submission = session.get(PublicSubmission, row_id)
    try:
        data = rules.Submission(**json.loads(submission.payload))
        complaint = portal.stage_public_complaint(
            session, data, submission.language, "web", submission.received_at,
            tracking_number=submission.tracking_number)
        claimed = session.execute(update(PublicSubmission).where(
            PublicSubmission.id == row_id, waiting)
            .values(registered_at=now, complaint_id=complaint.id)
            .execution_options(synchronize_session=False)).rowcount
        if not claimed:  # registered by another scheduler meanwhile
            session.rollback()
            return True
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return True


def _reference(session):
    cached = _cache.get("reference")
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS and cached[1] == id(
            session.get_bind()):
        return cached[2]
    request_types = set(session.scalars(select(RequestType.code).where(
        RequestType.active.is_(True))))
    categories = set(session.scalars(select(Category.code).where(Category.active.is_(True))))
    value = (request_types, categories, get_setting(session, "tracking_prefix"))
    _cache["reference"] = (time.monotonic(), id(session.get_bind()), value)
    return value
