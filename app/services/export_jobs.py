"""Background exports: requested by a user, run by the scheduler exactly once, downloaded
by their owner only, and removed after a few days.

A pass claims one pending job (a lease, taken atomically as the outbox does, so two
schedulers never run the same export), writes the workbook under ``directory`` while
recording its progress, and marks it done or failed.
"""

import json
import logging
import secrets
from datetime import timedelta
from pathlib import Path

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from app.models import ExportJob
from app.models.exports import DONE, FAILED, PENDING, RUNNING
from app.services import exports
from app.services.clock import utcnow
from app.services.exceptions import ServiceError
from app.services.visibility import reader_for, visible_condition

logger = logging.getLogger(__name__)

LEASE_SECONDS = 3600


def request_export(session, user, kind: str, params: dict, language: str, total=None):
    """Queue an export for ``user`` and commit; the scheduler runs it."""
    job = ExportJob(user_id=user.id, kind=kind, params=json.dumps(params), language=language,
                    status=PENDING, total_rows=total, rows_done=0, created_at=utcnow())
    session.add(job)
    session.commit()
    return job


def jobs_of(session, user_id: int, limit: int = 50) -> list[ExportJob]:
    return session.scalars(select(ExportJob).where(ExportJob.user_id == user_id)
                           .order_by(ExportJob.id.desc()).limit(limit)).all()


def claim_next(session, now, lease_seconds: int = LEASE_SECONDS) -> int | None:
    """Take the lease on the oldest pending job (or one whose runner died) and commit."""
    # The lease (started_at) is renewed at every progress step: only a job whose runner
    # stopped reporting for lease_seconds is taken over.
    free = or_(ExportJob.status == PENDING,
               (ExportJob.status == RUNNING)
               & (ExportJob.started_at < now - timedelta(seconds=lease_seconds)))
    candidate = session.scalars(select(ExportJob.id).where(free).order_by(ExportJob.id)
                                .limit(1).with_for_update(skip_locked=True)).first()
    claimed = None
    if candidate is not None:
        claimed = session.scalars(
            update(ExportJob).where(ExportJob.id == candidate, free)
            .values(status=RUNNING, started_at=now, rows_done=0).returning(ExportJob.id)
            .execution_options(synchronize_session=False)).first()
    session.commit()
    return claimed


def run_next(session, engine, build_statement, directory, time_zone: str,
             now=None) -> int | None:
    """Run one pending export, if any; return its id. ``build_statement(params)`` turns
    the saved list arguments into a SELECT of complaints (the list's filters and sort)."""
    job_id = claim_next(session, now or utcnow())
    if job_id is None:
        return None
    job = session.get(ExportJob, job_id)
    language, params, reader = job.language, json.loads(job.params), reader_for(job.user)
    path = Path(directory) / f"export-{job_id}-{secrets.token_hex(8)}.xlsx"
    try:
        with force_locale(language):
            stmt = exports.complaints_statement(build_statement(params),
                                                visible_condition(reader), language)
            session.commit()  # no transaction (on SQLite, no write lock) while rows stream
            path.parent.mkdir(parents=True, exist_ok=True)
            with exports.read_only(engine) as connection:
                _set(session, job_id, total_rows=exports.count_rows(connection, stmt))
                rows = exports.write_complaints(
                    connection, stmt, path, utcnow(), language, time_zone,
                    progress=lambda n: _set(session, job_id, rows_done=n, started_at=utcnow()))
            name = exports.complaints_filename(utcnow())
    except (ServiceError, SQLAlchemyError, OSError, ValueError, LookupError, TypeError):
        session.rollback()
        logger.exception("export %s failed", job_id)
        path.unlink(missing_ok=True)
        with force_locale(language):  # the details are in the log, not for the user
            message = str(_l("This export failed. Try again, or export a shorter list."))
        _set(session, job_id, status=FAILED, finished_at=utcnow(), error=message)
        return job_id
    _set(session, job_id, status=DONE, rows_done=rows, total_rows=rows, file_path=str(path),
         file_name=name, finished_at=utcnow())
    return job_id


def remove_expired(session, now, keep_days: int) -> int:
    """Delete the files and rows of exports finished more than ``keep_days`` ago."""
    limit = now - timedelta(days=keep_days)
    old = session.scalars(select(ExportJob).where(ExportJob.status.in_([DONE, FAILED]),
                                                  ExportJob.finished_at < limit)).all()
    for job in old:
        if job.file_path:
            Path(job.file_path).unlink(missing_ok=True)
    if old:
        session.execute(delete(ExportJob).where(ExportJob.id.in_([j.id for j in old])))
    session.commit()
    return len(old)


def owned_file(session, job_id: int, user_id: int) -> ExportJob | None:
    """The finished export ``job_id`` if it belongs to ``user_id`` and its file exists."""
    job = session.get(ExportJob, job_id)
    if job is None or job.user_id != user_id or job.status != DONE or not job.file_path:
        return None
    return job if Path(job.file_path).is_file() else None


def _set(session, job_id, **values):
    session.execute(update(ExportJob).where(ExportJob.id == job_id).values(**values))
    session.commit()
