"""The background export worker: ``python -m app.export_worker`` writes one workbook.

The scheduler (app/services/export_jobs.py) claims an export, prepares everything that
needs the application — the statement with the list's filters and the reader's
visibility, compiled to plain SQL (app/services/plain_sql.py), the translated headers and
labels, the time zone, the file's path — and hands it over as JSON on stdin. This
process imports only SQLAlchemy's core, xlsxwriter and the workbook code: no Flask, no
Flask-AppBuilder, no models, so its whole memory stays far below the application's
(about 50 MB instead of 115; see bench/README.md, "Excel export").

It streams the rows into the file, records its progress on the job (which renews the
job's lease), with FILE_STORAGE=database copies the file into the database a chunk at a
time, and prints ``{"rows", "seconds", "cpu", "chunks", "peak_rss_kb"}`` as JSON on
stdout. Any failure exits non-zero with the traceback on stderr; the scheduler then marks
the job failed (or, if the scheduler died too, the expired lease hands it to the next).
"""

import json
import os
import sys
import time
import traceback
from datetime import UTC, datetime

from sqlalchemy import (
    DateTime,
    Integer,
    LargeBinary,
    String,
    column,
    create_engine,
    delete,
    insert,
    table,
    update,
)
from sqlalchemy.pool import NullPool

from app import database
from app.services import export_writer, plain_sql

STREAM_BATCH = 2000
CHUNK_BYTES = 1024 * 1024
EXPORT_JOB = table("export_job", column("id", Integer), column("status", String),
                   column("rows_done", Integer), column("started_at", DateTime))
EXPORT_CHUNK = table("export_chunk", column("job_id", Integer), column("seq", Integer),
                     column("data", LargeBinary))


class LeaseLost(RuntimeError):
    """The job is no longer this worker's (taken over after an expired lease, or
    removed): stop writing."""


def run(spec: dict) -> dict:
    """Write the export described by ``spec`` (see export_jobs.prepare_spec)."""
    database.register_listeners()  # SQLite pragmas; a read_only connection takes no lock
    engine = create_engine(spec["database_url"], poolclass=NullPool)
    job_id = spec["job_id"]

    def progress(rows):
        with engine.begin() as connection:
            changed = connection.execute(
                update(EXPORT_JOB).where(EXPORT_JOB.c.id == job_id,
                                         EXPORT_JOB.c.status == "running")
                .values(rows_done=rows, started_at=utcnow())).rowcount
        if not changed:
            raise LeaseLost(f"export {job_id} is no longer running here")

    started, cpu = time.perf_counter(), time.process_time()
    try:
        with engine.connect().execution_options(
                read_only=True, stream_results=True, yield_per=STREAM_BATCH) as connection:
            rows = export_writer.write_complaint_rows(
                plain_sql.execute(connection, spec["select"]), spec["path"], spec["sheet"],
                utcnow(), progress)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        chunks = store_in_database(engine, job_id, spec["path"]) if (
            spec.get("storage") == "database") else None
    finally:
        engine.dispose()
    return {"rows": rows, "seconds": seconds, "cpu": cpu, "chunks": chunks,
            "peak_rss_kb": peak_rss_kb()}


def store_in_database(engine, job_id: int, path: str, chunk_bytes: int = CHUNK_BYTES) -> int:
    """Copy the file into the job's ExportChunk rows (one transaction, one chunk in memory
    at a time; chunks of an earlier attempt replaced), then remove it. Returns how many."""
    count = 0
    with engine.begin() as connection, open(path, "rb") as source:
        connection.execute(delete(EXPORT_CHUNK).where(EXPORT_CHUNK.c.job_id == job_id))
        while data := source.read(chunk_bytes):
            connection.execute(insert(EXPORT_CHUNK).values(job_id=job_id, seq=count,
                                                           data=data))
            count += 1
    os.unlink(path)
    return count


def utcnow() -> datetime:
    """Naive UTC, as every timestamp is stored (app.models.base.utcnow)."""
    return datetime.now(UTC).replace(tzinfo=None)


def peak_rss_kb() -> int | None:
    """This process's peak resident memory (VmHWM, Linux), in kB."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def main() -> int:
    try:
        result = run(json.load(sys.stdin))
    except Exception:  # noqa: BLE001 - reported to the scheduler, which fails the job
        traceback.print_exc(file=sys.stderr)
        return 1
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
