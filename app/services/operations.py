"""Figures for operations (/metrics, /health), read from the database at each scrape so
that every host and every gunicorn worker answers the same."""

from sqlalchemy import func, select

from app.models import ExportJob, OutboundEmail
from app.models.exports import PENDING as EXPORT_PENDING
from app.models.outbox import FAILED, PENDING
from app.services.job_runs import last_runs, latest_finish


def outbox_counts(session) -> dict[str, int]:
    """Emails waiting to leave (``pending``) and given up (``failed``)."""
    rows = dict(session.execute(
        select(OutboundEmail.status, func.count()).where(
            OutboundEmail.status.in_((PENDING, FAILED))).group_by(OutboundEmail.status)).all())
    return {PENDING: rows.get(PENDING, 0), FAILED: rows.get(FAILED, 0)}


def exports_queued(session) -> int:
    """Background exports asked for and not yet written."""
    return session.scalar(select(func.count()).select_from(ExportJob).where(
        ExportJob.status == EXPORT_PENDING)) or 0


def scheduler_state(session, now, late_after_seconds: int) -> dict:
    """``{"status": "ok" | "late" | "never", "last_run": datetime | None}``: whether any
    scheduler job finished within ``late_after_seconds``."""
    last = latest_finish(session)
    if last is None:
        return {"status": "never", "last_run": None}
    late = (now - last).total_seconds() > late_after_seconds
    return {"status": "late" if late else "ok", "last_run": last}


__all__ = ["outbox_counts", "exports_queued", "scheduler_state", "last_runs"]
