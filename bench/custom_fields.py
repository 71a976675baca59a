"""Complaint list filtered on custom fields, and the export with their columns, at scale.

    .venv/bin/python bench/custom_fields.py --complaints 100000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1/bench_fields

Adds three custom fields (number, choice, date) if missing, gives every complaint a value
for each in one INSERT … SELECT, then times list pages filtered on them (in-process,
warm) and prints PostgreSQL's plan of the number-range filter.
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
    percentiles,
    print_table,
)

FIELDS = [("bench_amount", "number", None), ("bench_cause", "choice",
                                              "wear | Usure | Wear\nmisuse | Mauvais usage"
                                              " | Misuse\nother | Autre | Other"),
          ("bench_day", "date", None)]


def parse_args(argv=None):
    parser = bench_arguments(__doc__, 100_000, runs=20)
    return parser.parse_args(argv)


def ensure_values(app):
    """The bench fields and one value per complaint and field (idempotent)."""
    from sqlalchemy import func, select, text

    from app.extensions import db
    from app.models import CustomField, CustomFieldValue

    with app.app_context():
        session = db.session
        for key, type_, choices in FIELDS:
            if session.scalar(select(CustomField.id).where(CustomField.key == key)) is None:
                session.add(CustomField(key=key, label_fr=key, label_en=key, type=type_,
                                        choices=choices))
        session.commit()
        if session.scalar(select(func.count()).select_from(CustomFieldValue)) == 0:
            ids = dict(session.execute(select(CustomField.key, CustomField.id)).all())
            session.execute(text(
                "INSERT INTO custom_field_value (complaint_id, field_id, value_number) "
                "SELECT id, :f, (id * 37) % 10000 FROM complaint"), {"f": ids["bench_amount"]})
            session.execute(text(
                "INSERT INTO custom_field_value (complaint_id, field_id, value_text) "
                "SELECT id, :f, CASE id % 3 WHEN 0 THEN 'wear' WHEN 1 THEN 'misuse' "
                "ELSE 'other' END FROM complaint"), {"f": ids["bench_cause"]})
            session.execute(text(
                "INSERT INTO custom_field_value (complaint_id, field_id, value_date) "
                "SELECT id, :f, CAST(received_at AS DATE) FROM complaint"),
                {"f": ids["bench_day"]})
            session.commit()
            session.execute(text("ANALYZE"))
            session.commit()
        db.session.remove()


PAGES = [
    ("list, no custom filter", "/complaints/list/"),
    ("amount between 100 and 120 (~0.2%)",
     "/complaints/list/?cfmin_bench_amount=100&cfmax_bench_amount=120"),
    ("cause = misuse (~33%)", "/complaints/list/?cf_bench_cause=misuse"),
    ("day = one date", "/complaints/list/?cf_bench_day=2026-03-02"),
    ("cause + amount", "/complaints/list/?cf_bench_cause=wear&cfmin_bench_amount=9990"),
]


def explain(app):
    from sqlalchemy import text

    from app.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return
        plan = db.session.execute(text(
            "EXPLAIN ANALYZE SELECT id FROM complaint WHERE id IN (SELECT complaint_id FROM "
            "custom_field_value v JOIN custom_field f ON f.id = v.field_id WHERE f.key = "
            "'bench_amount' AND v.value_number BETWEEN 100 AND 120) ORDER BY received_at DESC "
            "LIMIT 25")).scalars().all()
        print("\n" + "\n".join(plan))
        db.session.remove()


def main(argv=None):
    args = parse_args(argv)
    url = database_url(args)
    app = ensure_database(url, args.complaints)
    started = time.perf_counter()
    ensure_values(app)
    print(f"values ready in {time.perf_counter() - started:.1f} s")
    client = logged_in_client(app)
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    rows = []
    for label, path in PAGES:
        for _ in range(2):
            assert client.get(path).status_code == 200, path
        samples = []
        for _ in range(args.runs):
            began = time.perf_counter()
            assert client.get(path).status_code == 200
            samples.append((time.perf_counter() - began) * 1000)
        p50, p95 = percentiles(samples)
        rows.append((dialect, label, f"{p50:.1f}", f"{p95:.1f}"))
    print_table(f"Custom-field filters, {args.complaints:,} complaints, in-process, warm (ms)",
                rows, ["database", "page", "p50", "p95"])
    explain(app)


if __name__ == "__main__":
    main()
