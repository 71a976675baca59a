"""Imports run in the background by the scheduler, with their progress, like exports.

A run queued by the Import page (status pending, its file on the scheduler's disk) is
claimed with a lease (``started_at``), renewed at every batch; a run whose runner died
is claimed again and resumed, skipping the rows it already wrote (``ImportRow``).
"""

import logging
from datetime import timedelta
from pathlib import Path

from sqlalchemy import or_, select, update

from app.models import ImportRun
from app.models.imports import DONE, FAILED, PENDING, RUNNING
from app.services import imports
from app.services.clock import utcnow
from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)

LEASE_SECONDS = 600


def queue_import(session, kind, file_name, path: Path, sheet, mapping, user_id=None,
                 total=None) -> ImportRun:
    """Record a run for the scheduler and commit."""
    run = ImportRun(kind=kind, file_name=file_name[:255], mapping=mapping.to_json(),
                    user_id=user_id, total_rows=total, status=PENDING, file_path=str(path),
                    sheet=sheet, created_at=utcnow())
    session.add(run)
    session.commit()
    return run


def claim_next(session, now, lease_seconds: int = LEASE_SECONDS) -> int | None:
    """Take the lease on the oldest pending run (or one whose runner died); commit."""
    free = or_(ImportRun.status == PENDING,
               (ImportRun.status == RUNNING) & ImportRun.file_path.isnot(None)
               & (ImportRun.started_at < now - timedelta(seconds=lease_seconds)))
    candidate = session.scalars(select(ImportRun.id).where(free).order_by(ImportRun.id)
                                .limit(1).with_for_update(skip_locked=True)).first()
    claimed = None
    if candidate is not None:
        claimed = session.scalars(
            update(ImportRun).where(ImportRun.id == candidate, free)
            .values(status=RUNNING, started_at=now).returning(ImportRun.id)
            .execution_options(synchronize_session=False)).first()
    session.commit()
    return claimed


def run_next(session, now=None) -> int | None:
    """Claim and run one queued import; its id, or None when none waits."""
    run_id = claim_next(session, now or utcnow())
    if run_id is None:
        return None
    run = session.get(ImportRun, run_id)
    path = Path(run.file_path)
    try:
        table = imports.read_table(path.read_bytes(), run.file_name, run.sheet)
    except (OSError, ServiceError) as error:
        run.status, run.error, run.finished_at = FAILED, str(error)[:500], utcnow()
        session.commit()
        return run_id

    def progress(done, _total):
        run.started_at = utcnow()  # the lease, renewed
        session.commit()

    imports.run_import(session, run, table, progress=progress)
    if run.status == DONE:
        path.unlink(missing_ok=True)
    logger.info("import %s: %s, %s created, %s updated, %s refused", run.id, run.status,
                run.created, run.updated, run.refused)
    return run_id
