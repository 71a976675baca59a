"""Complaint list pages and the quick search at scale, in-process and warm.

    .venv/bin/python bench/lists.py                         # 1,000,000 complaints, SQLite
    .venv/bin/python bench/lists.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    .venv/bin/python bench/lists.py --reader agent            # an agent of the largest team

Targets (issue [09]) at 1,000,000 complaints: list page p50 ≤ 25 ms on SQLite, p50 ≤ 35 ms
and p95 ≤ 80 ms on PostgreSQL; quick search p95 ≤ 100 ms. Also prints the SQL statements
each page runs (bounded whatever the page size).
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import (  # noqa: E402
    bench_arguments,
    database_url,
    ensure_database,
    logged_in_client,
    machine_speed,
    percentiles,
    print_table,
    reader_username,
)


def parse_args(argv=None):
    parser = bench_arguments(__doc__, 1_000_000, runs=30)
    return parser.parse_args(argv)


def pages(app):
    """(label, URL) of the pages measured, with ids read from the database."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Category, State

    with app.app_context():
        state = db.session.scalar(select(State.id).where(State.code == "in_progress"))
        category = db.session.scalar(select(Category.id).order_by(Category.id))
        db.session.remove()
    return [
        ("list, default (25 newest)", "/complaints/list/"),
        ("list, 100 a page", "/complaints/list/?psize_ComplaintView=100"),
        ("list, filter state", f"/complaints/list/?_flt_0_state={state}"),
        ("list, filter category + state",
         f"/complaints/list/?_flt_0_category={category}&_flt_0_state={state}"),
        ("list, filter overdue", "/complaints/list/?_flt_0_urgency=overdue"),
        ("list, sorted by deadline",
         "/complaints/list/?_oc_ComplaintView=due_at&_od_ComplaintView=asc"),
        ("list, page 1,000", "/complaints/list/?page_ComplaintView=1000"),
        ("list, full-text, a common word", "/complaints/list/?_flt_2_subject=facture"),
        ("list, full-text, two words", "/complaints/list/?_flt_2_subject=fuite+compteur"),
        ("list, full-text + state",
         f"/complaints/list/?_flt_2_subject=facture&_flt_0_state={state}"),
        ("list, full-text, no match", "/complaints/list/?_flt_2_subject=introuvable"),
        ("quick search, a word", "/search/?q=facture"),
        ("quick search, two words", "/search/?q=fuite+compteur"),
        ("quick search, a client name", "/search/?q=Martin"),
    ]


class StatementCounter:
    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args, **kwargs):
        self.count += 1


def main(argv=None):
    args = parse_args(argv)
    url = database_url(args)
    app = ensure_database(url, args.complaints)
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    client = logged_in_client(app, reader_username(app, args.reader))
    with app.app_context():
        from app.extensions import db

        counter = StatementCounter(db.engine)
    rows = []
    for label, path in pages(app):
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        before = counter.count
        client.get(path)
        statements = counter.count - before
        samples = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        p50, p95 = percentiles(samples)
        rows.append((dialect, label, f"{p50:.1f}", f"{p95:.1f}", statements))
    print_table(f"Lists and search, {args.complaints:,} complaints, in-process, warm, "
                f"signed in as {args.reader} (ms)", rows,
                ["database", "page", "p50", "p95", "SQL statements"])
    print(machine_speed())


if __name__ == "__main__":
    main()
