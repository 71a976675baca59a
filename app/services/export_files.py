"""Where a finished background export's file is, and how it is read back: a file on the
scheduler's disk (``local``), or ExportChunk rows (``database``, FILE_STORAGE=database),
which every web host can serve. A download reads one chunk at a time, so a large export
never sits whole in a web worker's memory."""

import io
from pathlib import Path

from sqlalchemy import delete, exists, select

from app.models import ExportChunk, ExportJob

LOCAL, DATABASE = "local", "database"


def file_exists(session, job: ExportJob) -> bool:
    """Whether the file of the finished ``job`` is still there."""
    if job.storage == DATABASE:
        return bool(session.scalar(select(exists().where(ExportChunk.job_id == job.id))))
    return bool(job.file_path) and Path(job.file_path).is_file()


def file_source(engine, job: ExportJob):
    """What ``send_file`` sends for ``job``: the path of a local file, or a binary file
    object that reads the database's chunks through ``engine`` as the response is sent
    (after the request's session is gone)."""
    if job.storage == DATABASE:
        return ChunkReader(engine, job.id)
    return job.file_path


def remove_files(session, jobs) -> None:
    """Delete the files of ``jobs`` (the caller deletes the rows and commits)."""
    ids = [job.id for job in jobs if job.storage == DATABASE]
    if ids:
        session.execute(delete(ExportChunk).where(ExportChunk.job_id.in_(ids)))
    for job in jobs:
        if job.file_path:
            Path(job.file_path).unlink(missing_ok=True)


class ChunkReader(io.RawIOBase):
    """An export's chunks read in order, one short read-only query per chunk."""

    def __init__(self, engine, job_id: int):
        super().__init__()
        self.engine, self.job_id = engine, job_id
        self.seq, self.chunk, self.offset = 0, b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        if self.offset >= len(self.chunk):
            self.chunk, self.offset = self._next_chunk(), 0
            if not self.chunk:
                return 0
        size = min(len(target), len(self.chunk) - self.offset)
        target[:size] = self.chunk[self.offset:self.offset + size]
        self.offset += size
        return size

    def _next_chunk(self) -> bytes:
        with self.engine.connect().execution_options(read_only=True) as connection:
            data = connection.scalar(select(ExportChunk.data).where(
                ExportChunk.job_id == self.job_id, ExportChunk.seq == self.seq))
        self.seq += 1
        return data or b""
