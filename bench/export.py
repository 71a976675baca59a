"""Excel export throughput and memory: the whole complaint list as a background export.

    .venv/bin/python bench/export.py                         # 100,000 complaints, SQLite
    .venv/bin/python bench/export.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    .venv/bin/python bench/export.py --file-storage database   # the file moved into the DB

Each run is what the product does with a large export: an export of the complaint list
without filters is requested for an admin (an ExportJob), and the scheduler's job
(``app.jobs.run_exports``) claims it, counts its compiled statement, and has the lean
worker process (``python -m app.export_worker``) stream the rows into the workbook. The
figures are the worker's own: the time from its first query to the closed file, its CPU
time, and the peak resident memory (VmHWM) of that process — the interpreter, its
imports and the export together — plus the job's time end to end as the user waits for
it (claim, count, worker start-up, export, bookkeeping). On SQLite the database works in
the worker, so rows per CPU second is the figure that depends least on what else the
machine runs. Target (issue [06]): ≥ 15,000 rows/s with a peak ≤ 100 MB.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_arguments, database_url, ensure_database, print_table  # noqa: E402


def parse_args(argv=None):
    parser = bench_arguments(__doc__, 100_000, runs=3)
    parser.add_argument("--file-storage", choices=("local", "database"), default="local",
                        help="where the finished file goes (FILE_STORAGE)")
    return parser.parse_args(argv)


def one_export(app) -> dict:
    """Queue one background export of every complaint and run the scheduler's job."""
    from sqlalchemy import func, select

    from app import jobs
    from app.extensions import db
    from app.models import Complaint, ExportChunk, ExportJob, User
    from app.services import export_jobs
    from app.services.settings import get_setting
    from app.services.visibility import reader_for, visible_condition

    seen = []
    run_worker = export_jobs.run_worker

    def recording(spec, *args, **kwargs):  # the product's call, its answer kept
        seen.append(run_worker(spec, *args, **kwargs))
        return seen[-1]

    with app.app_context():
        bench = db.session.query(User).filter_by(username="bench").one()
        # As the list's export does: its statement (no filter, the list's default sort)
        # compiled with the job.
        base = select(Complaint).order_by(Complaint.received_at.desc())
        params = export_jobs.complaints_params(
            db.session.connection(), base, visible_condition(reader_for(bench)), "fr",
            get_setting(db.session, "time_zone"))
        job = export_jobs.request_export(db.session, bench, "complaints",
                                         {"args": {}, **params}, "fr")
        job_id = job.id
        db.session.remove()
    export_jobs.run_worker = recording
    try:
        started = time.perf_counter()
        jobs.run_exports(app)
        wall = time.perf_counter() - started
    finally:
        export_jobs.run_worker = run_worker
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        assert job.status == "done", job.error
        if job.file_path:
            size = os.path.getsize(job.file_path)
            os.unlink(job.file_path)
        else:  # FILE_STORAGE=database: the chunks go with the job
            size = db.session.scalar(select(func.sum(func.length(ExportChunk.data)))
                                     .where(ExportChunk.job_id == job_id))
        db.session.delete(job)
        db.session.commit()
        db.session.remove()
    return {**seen[0], "wall": wall, "bytes": size}


def main(argv=None):
    args = parse_args(argv)
    url = database_url(args)
    app = ensure_database(url, args.complaints)
    app.config["FILE_STORAGE"] = args.file_storage
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    if args.file_storage == "database":
        dialect += " (file in DB)"
    rows = []
    for _ in range(args.runs):
        result = one_export(app)
        rate = result["rows"] / result["seconds"]
        peak_mb = result["peak_rss_kb"] / 1024
        rows.append((dialect, f"{result['rows']:,}", f"{result['seconds']:.2f}",
                     f"{rate:,.0f}", f"{result['rows'] / result['cpu']:,.0f}",
                     f"{peak_mb:.0f}", f"{result['wall']:.2f}",
                     f"{result['rows'] / result['wall']:,.0f}",
                     f"{result['bytes'] / 1e6:.1f}",
                     "yes" if rate >= 15000 and peak_mb <= 100 else "NO"))
    print_table("Background Excel export of every complaint (worker process per run)", rows,
                ["database", "rows", "seconds", "rows/s", "rows/CPU s", "worker peak RSS MB",
                 "job seconds", "job rows/s", "file MB", "target met"])
    print(f"\nload average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    main()
