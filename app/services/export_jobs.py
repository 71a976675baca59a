"""Background exports: requested by a user, run by the scheduler exactly once, downloaded
by their owner only, and removed after a few days.

The export's statement (the list's filters and sort, its owner's visibility, the
exported columns) and the workbook's texts are compiled to plain data when the export is
requested (``complaints_params``) and kept with the job: the scheduler never rebuilds a
list's filters. A pass claims one pending job (a lease, taken atomically as the outbox
does, so two schedulers never run the same export) and has a lean worker process
(app/export_worker.py, without Flask) write the workbook under ``directory`` while
recording its progress; then it marks the job done or failed.
"""

import json
import logging
import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from app.models import ExportJob
from app.models.exports import DONE, FAILED, PENDING, RUNNING
from app.services import export_files, exports, plain_sql
from app.services.clock import utcnow
from app.services.exceptions import ServiceError
from app.services.export_files import LOCAL

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 3600
# A worker is stopped before its lease can expire: a job is never run by two at once.
WORKER_TIMEOUT = LEASE_SECONDS - 60
FAILED_MESSAGE = _l("This export failed. Try again, or export a shorter list.")
TOO_LONG = _l("This export took too long and was stopped. Export a shorter list.")


class WorkerError(RuntimeError):
    """The worker process failed, was killed or answered nonsense."""


class WorkerTimeout(WorkerError):
    """The worker process ran past its time and was stopped."""


def complaints_params(connection, base, scope, language: str, time_zone: str) -> dict:
    """What a background export of complaints keeps with its job: its SELECT (``base``,
    a SELECT of complaints with the list's filters and sort, restricted by ``scope``, the
    requester's visibility, with every exported column) compiled to plain SQL for
    ``connection``'s database, and the workbook's texts in ``language``."""
    with force_locale(language):
        stmt = exports.complaints_statement(base, scope, language)
        stmt, sheet = exports.with_custom_fields(connection, stmt, language, time_zone)
    return {"select": plain_sql.compile_select(stmt, connection.dialect), "sheet": sheet}


def request_export(session, user, kind: str, params: dict, language: str, total=None):
    """Queue an export for ``user`` and commit; the scheduler runs it. ``params``: for
    complaints, ``complaints_params`` (and the list's URL arguments, for the record)."""
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


def run_next(session, engine, directory, now=None, timeout: int = WORKER_TIMEOUT,
             storage: str = LOCAL) -> int | None:
    """Run one pending export, if any, in a worker process; return its id. The file is
    written under ``directory``, and kept there (``storage`` "local") or moved into the
    database ("database")."""
    job_id = claim_next(session, now or utcnow())
    if job_id is None:
        return None
    job = session.get(ExportJob, job_id)
    language = job.language
    path = Path(directory) / f"export-{job_id}-{secrets.token_hex(8)}.xlsx"
    try:
        spec = prepare_spec(session, engine, job, path)
        result = run_worker({**spec, "storage": storage}, timeout)
    except (ServiceError, SQLAlchemyError, OSError, ValueError, LookupError, TypeError,
            WorkerError) as exc:
        _fail(session, job_id, language, exc, path)
        return job_id
    logger.info("export %s: %s", job_id, result)
    with force_locale(language):
        name = exports.complaints_filename(utcnow())
    _set(session, job_id, status=DONE, rows_done=result["rows"], total_rows=result["rows"],
         storage=storage, file_path=str(path) if storage == LOCAL else None, file_name=name,
         finished_at=utcnow())
    return job_id


def _fail(session, job_id, language, exc, path):
    """Record the failure with a message for the user (the details go to the log)."""
    session.rollback()
    logger.error("export %s failed: %s", job_id, exc,
                 exc_info=not isinstance(exc, WorkerError))
    path.unlink(missing_ok=True)
    with force_locale(language):
        message = str(TOO_LONG if isinstance(exc, WorkerTimeout) else FAILED_MESSAGE)
    _set(session, job_id, status=FAILED, finished_at=utcnow(), error=message)


def prepare_spec(session, engine, job, path) -> dict:
    """Everything the worker needs, as plain data: the job's compiled SELECT and workbook
    texts (kept since it was requested), and where to write it. Records the number of
    rows to come. A job without them (or with a malformed one) fails."""
    params = json.loads(job.params)
    plain, sheet = params.get("select"), params.get("sheet")
    if not isinstance(plain, dict) or not isinstance(sheet, dict):
        raise ValueError(f"export {job.id} keeps no compiled statement")
    job_id = job.id
    session.commit()  # no transaction (on SQLite, no write lock) while the worker runs
    with exports.read_only(engine) as connection:
        total = plain_sql.count(connection, plain)
    _set(session, job_id, total_rows=total)
    path.parent.mkdir(parents=True, exist_ok=True)
    return {"job_id": job_id, "database_url": engine.url.render_as_string(hide_password=False),
            "select": plain, "path": str(path), "sheet": sheet}


def worker_command() -> list[str]:
    """How the worker process is started (tests replace it to crash one)."""
    return [sys.executable, "-m", "app.export_worker"]


def run_worker(spec: dict, timeout: int = WORKER_TIMEOUT) -> dict:
    """Run the lean worker process on ``spec`` and return its figures; raise
    ``WorkerError`` when it fails, is killed, or outlives ``timeout`` seconds."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    try:
        done = subprocess.run(worker_command(), input=json.dumps(spec), capture_output=True,
                              text=True, timeout=timeout, cwd=ROOT, env=env, check=False)
    except subprocess.TimeoutExpired:  # run() has killed it
        raise WorkerTimeout(f"the export worker ran for more than {timeout} s") from None
    if done.returncode != 0:
        raise WorkerError(f"the export worker exited with {done.returncode}: "
                          f"{done.stderr[-4000:]}")
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise WorkerError(f"the export worker answered {done.stdout[-500:]!r}") from None


def remove_expired(session, now, keep_days: int) -> int:
    """Delete the files and rows of exports finished more than ``keep_days`` ago."""
    limit = now - timedelta(days=keep_days)
    old = session.scalars(select(ExportJob).where(ExportJob.status.in_([DONE, FAILED]),
                                                  ExportJob.finished_at < limit)).all()
    export_files.remove_files(session, old)
    if old:
        session.execute(delete(ExportJob).where(ExportJob.id.in_([j.id for j in old])))
    session.commit()
    return len(old)


def owned_file(session, job_id: int, user_id: int) -> ExportJob | None:
    """The finished export ``job_id`` if it belongs to ``user_id`` and its file exists."""
    job = session.get(ExportJob, job_id)
    if job is None or job.user_id != user_id or job.status != DONE:
        return None
    return job if export_files.file_exists(session, job) else None


def _set(session, job_id, **values):
    session.execute(update(ExportJob).where(ExportJob.id == job_id).values(**values))
    session.commit()
