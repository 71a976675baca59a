"""The last run of each scheduler job, kept in the database: whichever host runs the
scheduler, /health and /metrics on every host see when each job last ran."""

from sqlalchemy import Boolean, Column, DateTime, Float, String

from app.models.base import Model


class JobRun(Model):
    __tablename__ = "job_run"

    name = Column(String(40), primary_key=True)
    started_at = Column(DateTime, nullable=False)
    finished_at = Column(DateTime, nullable=False)
    duration_seconds = Column(Float, nullable=False)
    succeeded = Column(Boolean, nullable=False)
