"""Excel exports run in the background (too large to build while the browser waits)."""

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import deferred, relationship

from app.models.base import Model, utcnow

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"


class BackgroundProgress:
    """How far a background job is (its ``status``, ``rows_done`` of ``total_rows``), for
    its progress bar: 100 only once done, 99 at most before."""

    @property
    def progress_pct(self) -> int:
        if self.status == DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(100 * (self.rows_done or 0) / self.total_rows))


class ExportJob(BackgroundProgress, Model):
    """One requested export: what (``kind`` and its ``params`` as JSON), for whom, how far
    it got, and the file once written (only its owner may download it)."""

    __tablename__ = "export_job"
    __table_args__ = (
        Index("ix_export_job_status_created", "status", "created_at"),
        Index("ix_export_job_user_created", "user_id", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(20), nullable=False)  # complaints | report
    params = Column(Text, nullable=False)
    language = Column(String(5), nullable=False, default="fr")
    status = Column(String(10), nullable=False, default=PENDING)
    total_rows = Column(Integer)
    rows_done = Column(Integer, nullable=False, default=0)
    # Where the finished file is: "local" (file_path on the scheduler's disk) or
    # "database" (ExportChunk rows, served by any web host: FILE_STORAGE=database).
    storage = Column(String(10), nullable=False, default="local", server_default="local")
    file_path = Column(String(500))
    file_name = Column(String(200))
    error = Column(Text)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # The lease: set when a scheduler claims the job; a job whose lease expired (its
    # process died) is claimed again.
    started_at = Column(DateTime)
    finished_at = Column(DateTime)

    user = relationship("AppUser")


class ExportChunk(Model):
    """A slice of a finished export's file kept in the database (FILE_STORAGE=database):
    written and read one chunk at a time, so neither the worker nor a download holds the
    whole file in memory."""

    __tablename__ = "export_chunk"

    job_id = Column(Integer, ForeignKey("export_job.id", ondelete="CASCADE"),
                    primary_key=True)
    seq = Column(Integer, primary_key=True, autoincrement=False)
    data = deferred(Column(LargeBinary, nullable=False))
