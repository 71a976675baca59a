"""The retention job at scale: the admin page's preview and one run of the daily job
(its default 50 batches of RETENTION_BATCH complaints) on a demo register, in-process.

    .venv/bin/python bench/retention.py                       # 100,000 complaints, SQLite
    .venv/bin/python bench/retention.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Every request type gets a retention of ``--months`` (12): the demo register spans two
years, so about half its closed complaints are past it. The run anonymises them for good:
a later run on the same database finds fewer (the figures say how many were taken).
The report of the register's two years is built before and after and must be equal.
"""

import sys
import time
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_arguments, database_url, ensure_database, print_table  # noqa: E402


def parse_args(argv=None):
    parser = bench_arguments(__doc__, 100_000)
    parser.add_argument("--months", type=int, default=12)
    return parser.parse_args(argv)


def report(session, now):
    from app.services import reports

    built = reports.build_report(session, "agency", (now - timedelta(days=800)).date(),
                                 now.date() + timedelta(days=1), now)
    return [asdict(r) for r in built.rows], asdict(built.total)


def main(argv=None):
    args = parse_args(argv)
    url = database_url(args)
    app = ensure_database(url, args.complaints)
    from sqlalchemy import update

    from app.extensions import db
    from app.models import RequestType
    from app.services import retention
    from app.services.clock import utcnow

    with app.app_context():
        session, now = db.session, utcnow()
        session.execute(update(RequestType).values(retention_months=args.months))
        session.commit()
        before = report(session, now)
        started = time.perf_counter()
        preview = retention.preview(session, now)
        preview_ms = (time.perf_counter() - started) * 1000
        expected = sum(item["count"] for item in preview)
        started = time.perf_counter()
        counts = retention.run_retention(session, app.config, now,
                                         batch=app.config["RETENTION_BATCH"])
        run_s = time.perf_counter() - started
        same = report(session, now) == before
        session.execute(update(RequestType).values(retention_months=None))
        session.commit()
        session.remove()
    rate = counts["anonymised"] / run_s if run_s else 0
    print_table(f"retention, {args.complaints:,} complaints, {url.split(':')[0]}", [
        ("preview", f"{preview_ms:.0f} ms", f"{expected:,} expired"),
        ("one run (50 batches)", f"{run_s:.1f} s",
         f"{counts['anonymised']:,} anonymised, {rate:,.0f}/s"),
    ], headers=["step", "time", "complaints"])
    print(f"\nreport by agency identical before and after: {same}")


if __name__ == "__main__":
    main()
