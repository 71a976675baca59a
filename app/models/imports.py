"""Imports of clients, contracts and complaints from a spreadsheet, and what they made."""

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
)
from sqlalchemy.orm import relationship

from app.models.base import Model, utcnow
from app.models.exports import DONE, FAILED, PENDING, RUNNING, BackgroundProgress  # noqa: F401


class ImportRun(BackgroundProgress, Model):
    """One import of one file: what it holds, the mapping used, and how far it got. A run
    resumed with the same id skips the rows it already wrote (``ImportRow``)."""

    __tablename__ = "import_run"
    __table_args__ = (Index("ix_import_run_status", "status", "id"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False)  # clients | contracts | complaints
    file_name = Column(String(255), nullable=False)
    mapping = Column(Text, nullable=False)  # JSON, see services.imports.Mapping
    status = Column(String(10), nullable=False, default=PENDING)
    total_rows = Column(Integer)
    rows_done = Column(Integer, nullable=False, default=0)
    created = Column(Integer, nullable=False, default=0)
    updated = Column(Integer, nullable=False, default=0)
    refused = Column(Integer, nullable=False, default=0)
    error = Column(Text)
    # A run in the background: the uploaded file (on the scheduler's disk), its sheet,
    # and the lease (renewed at every batch; a run whose runner died is taken over).
    file_path = Column(String(500))
    sheet = Column(String(100))
    started_at = Column(DateTime)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    finished_at = Column(DateTime)

    user = relationship("AppUser")


class ImportRow(Model):
    """A row of a file written by an import: the record it created or updated."""

    __tablename__ = "import_row"
    __table_args__ = (PrimaryKeyConstraint("import_id", "row_number"),)

    import_id = Column(Integer, ForeignKey("import_run.id", ondelete="CASCADE"),
                       nullable=False)
    row_number = Column(Integer, nullable=False)
    record_id = Column(Integer, nullable=False)
    created = Column(Integer, nullable=False, default=1)  # 1 created, 0 updated
