"""Time the demo data loader on a fresh database.

    .venv/bin/python bench/demo.py                       # 100,000 complaints, SQLite
    .venv/bin/python bench/demo.py --complaints 1000000
    .venv/bin/python bench/demo.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

The database is prepared exactly like the test suite prepares it (migrations, roles and
permissions, reference data, workflow). A temporary SQLite file is created and removed;
a PostgreSQL database given with ``--database-url`` has its ``public`` schema DROPPED
and recreated first, so never point it at a database you care about.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--clients", type=int, help="default: complaints // 10")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", help="PostgreSQL URL (its schema is reset)")
    return parser.parse_args(argv)


def reset_postgresql(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def prepare(url: str, instance: Path):
    """The application on a migrated, seeded database (as in tests/conftest.py)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.services import setup

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(instance),
                     FILE_STORAGE_PATH=str(instance / "files"))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        setup.sync_roles_and_permissions(app.appbuilder)
        labels = setup.Labels(ROOT / "translations")
        setup.seed_reference_data(db.session, labels)
        setup.seed_workflow(db.session, labels)
        setup.seed_deadline_rules(db.session)
        setup.seed_notification_rules(db.session, labels)
    return app


def run(app, clients: int, complaints: int, seed: int) -> tuple[dict, float, float]:
    """Rows added, wall-clock seconds and this process's CPU seconds."""
    from app.extensions import db
    from app.services import demo

    with app.app_context():
        started, cpu = time.perf_counter(), time.process_time()
        counts = demo.load_demo(db.session, clients=clients, complaints=complaints, seed=seed)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        db.session.remove()
        db.engine.dispose()
    return counts, elapsed, cpu


def report(database: str, counts: dict, seconds: float, cpu: float, load: str) -> None:
    header = ("database", "clients", "complaints", "events", "seconds", "complaints/s")
    values = (database, f"{counts['clients']:,}", f"{counts['complaints']:,}",
              f"{counts['events']:,}", f"{seconds:.1f}",
              f"{counts['complaints'] / seconds:,.0f}" if seconds else "-")
    widths = [max(len(h), len(v)) for h, v in zip(header, values, strict=True)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    print(" | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)))
    print(f"(also {counts['contracts']:,} contracts, {counts['notes']:,} notes, "
          f"{counts['reminders']:,} reminders; loader CPU {cpu:.1f} s; "
          f"load average before/after {load})")


def fresh_database(database_url, instance: Path):
    """``(app, url, kind)``: the release step run on an emptied PostgreSQL database
    (``database_url``) or, without one, on a new SQLite file in ``instance``."""
    if database_url:
        url, database = database_url, "PostgreSQL"
        reset_postgresql(url)
    else:
        url, database = f"sqlite:///{instance / 'bench.db'}", "SQLite"
    return prepare(url, instance), url, database


def main(argv=None) -> None:
    args = parse_args(argv)
    clients = args.complaints // 10 if args.clients is None else args.clients
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        instance = Path(tmp)
        app, url, database = fresh_database(args.database_url, instance)
        before = os.getloadavg()[0]
        counts, seconds, cpu = run(app, clients, args.complaints, args.seed)
        load = f"{before:.1f}/{os.getloadavg()[0]:.1f}"
    report(database, counts, seconds, cpu, load)


if __name__ == "__main__":
    main()
