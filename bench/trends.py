"""Emerging trends at scale: the daily job (whole register) and what a reader is shown.

    .venv/bin/python bench/trends.py                         # 1,000,000 complaints, SQLite
    .venv/bin/python bench/trends.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    .venv/bin/python bench/trends.py --reader agent           # shown to an agent's scope

Target (issue [18]): the job runs in seconds at 1,000,000 complaints.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    bench_arguments,
    database_url,
    ensure_database,
    print_table,
    reader_username,
)


def main(argv=None):
    args = bench_arguments(__doc__, 1_000_000, runs=5).parse_args(argv)
    url = database_url(args)
    app = ensure_database(url, args.complaints)
    from sqlalchemy import select

    from app.extensions import db
    from app.models import AppUser
    from app.services import trends
    from app.services.clock import to_local, utcnow
    from app.services.settings import get_setting
    from app.services.visibility import reader_of, visible_condition

    rows = []
    with app.app_context():
        session = db.session
        today = to_local(utcnow(), get_setting(session, "time_zone")).date()
        user = session.scalars(select(AppUser).where(
            AppUser.username == reader_username(app, args.reader))).one()
        scope = visible_condition(reader_of(user))
        for name, run in (
                ("daily job (count 9 weeks, assess, store)",
                 lambda: trends.flag_trends(session, today, force=True)),
                (f"shown to {args.reader} (recount of each flag)",
                 lambda: trends.shown_trends(session, scope, today))):
            samples = []
            for _ in range(args.runs):
                started = time.perf_counter()
                result = run()
                samples.append(time.perf_counter() - started)
            size = result.get("rising") if isinstance(result, dict) else len(result)
            rows.append((name, f"{min(samples):.2f}", f"{max(samples):.2f}", size))
        session.remove()
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print_table(f"Emerging trends, {args.complaints:,} complaints, {dialect}", rows,
                ("step", "best s", "worst s", "flags"))


if __name__ == "__main__":
    main()
