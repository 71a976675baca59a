"""When each scheduler job last ran, for /health and /metrics (app/models/jobs.py)."""

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.models import JobRun


def record_run(session, name: str, started_at, finished_at, succeeded: bool) -> None:
    """Keep this run as the job's last one; commit. Two schedulers may record at once."""
    values = {"started_at": started_at, "finished_at": finished_at, "succeeded": succeeded,
              "duration_seconds": (finished_at - started_at).total_seconds()}
    for _attempt in range(2):  # the other scheduler may insert the first row meanwhile
        row = session.get(JobRun, name)
        if row is None:
            session.add(JobRun(name=name, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
        try:
            session.commit()
            return
        except IntegrityError:
            session.rollback()


def last_runs(session) -> list[JobRun]:
    """The last run of every job that ran, by name."""
    return list(session.scalars(select(JobRun).order_by(JobRun.name)))


def latest_finish(session):
    """When any job last finished (None: the scheduler never ran on this database)."""
    return session.scalar(select(func.max(JobRun.finished_at)))
