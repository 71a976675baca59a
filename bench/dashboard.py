"""Dashboard latency at scale: the whole page, in-process and warm, plus each query.

    .venv/bin/python bench/dashboard.py                         # 1,000,000 complaints, SQLite
    .venv/bin/python bench/dashboard.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    .venv/bin/python bench/dashboard.py --reader agent            # an agent of the largest team

Target (issue [03]): p95 ≤ 150 ms at 1,000,000 complaints on SQLite and PostgreSQL.
"""

import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    bench_arguments,
    database_url,
    ensure_database,
    logged_in_client,
    percentiles,
    print_table,
    reader_username,
)


def parse_args(argv=None):
    parser = bench_arguments(__doc__, 1_000_000, runs=50)
    return parser.parse_args(argv)


def time_page(client, url, runs):
    for _ in range(3):  # warm caches and the connection pool
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return percentiles(samples)


def time_queries(app, runs):
    from app.extensions import db
    from app.services import dashboard
    from app.services.clock import utcnow
    from app.services.settings import get_setting

    now, today = utcnow(), date.today()
    start = today.replace(day=1)
    with app.app_context():
        zone = get_setting(db.session, "time_zone")
        db.session.remove()
    queries = {
        "open by state": lambda: dashboard.open_by_state(db.session),
        "urgent list": lambda: dashboard.urgent(db.session, now),
        "urgent counts": lambda: dashboard.count_urgent(db.session, now),
        "KPIs (month, daily counts)": lambda: dashboard.kpis(
            db.session, start, start + timedelta(days=31), time_zone=zone),
        "trend (12 months, monthly counts)": lambda: dashboard.trend_by_category(
            db.session, today, 12, time_zone=zone, share=dashboard.WHOLE_REGISTER),
        "trend (12 months, counted for a scope)": lambda: dashboard.trend_by_category(
            db.session, today, 12, time_zone=zone),
    }
    rows = []
    with app.app_context():
        for name, run in queries.items():
            run()
            samples = []
            for _ in range(max(5, runs // 5)):
                started = time.perf_counter()
                run()
                samples.append((time.perf_counter() - started) * 1000)
            p50, p95 = percentiles(samples)
            rows.append((name, f"{p50:.1f}", f"{p95:.1f}"))
        db.session.remove()
    return rows


def main(argv=None):
    args = parse_args(argv)
    url = database_url(args)
    app = ensure_database(url, args.complaints)
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    client = logged_in_client(app, reader_username(app, args.reader))
    rows = []
    for label, url_path in (("dashboard (this month, default)", "/dashboard/"),
                            ("dashboard (this quarter)", "/dashboard/?period=quarter"),
                            ("dashboard (this year)", "/dashboard/?period=year")):
        p50, p95 = time_page(client, url_path, args.runs)
        rows.append((dialect, f"{args.complaints:,}", label, args.runs, f"{p50:.1f}",
                     f"{p95:.1f}", "yes" if p95 <= 150 else "NO"))
    print_table(f"Dashboard page, in-process, warm, signed in as {args.reader} (ms)", rows,
                ["database", "complaints", "page", "runs", "p50", "p95", "p95 ≤ 150"])
    print_table("Queries for the whole register (ms)", time_queries(app, args.runs),
                ["query", "p50", "p95"])


if __name__ == "__main__":
    main()
