"""Shared by the benchmarks: a database with N demo complaints, kept between runs.

A SQLite file under ``bench/data/`` (gitignored) or a PostgreSQL database given by URL is
filled once with the demo loader and reused while it holds the requested number of
complaints, so each benchmark measures the product, not the loading.
"""

import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data"
BENCH_PASSWORD = "Bench-password-123"


def database_url(args) -> str:
    if args.database_url:
        return args.database_url
    DATA.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DATA / f'bench-{args.complaints}.db'}"



def bench_arguments(doc: str, complaints: int, runs: int | None = None):
    """The options most benchmarks share: the number of demo complaints, of timed runs
    (when ``runs`` is given) and a PostgreSQL URL; the caller adds its own and parses."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=complaints)
    if runs is not None:
        parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--database-url", help="PostgreSQL URL (reset if it lacks the data)")
    parser.add_argument("--reader", choices=("admin", "agent"), default="admin",
                        help="who signs in: an admin sees every complaint; an agent of the "
                             "largest team sees its team's, its own and its portfolio's")
    return parser


def ensure_database(url: str, complaints: int, seed: int = 42):
    """The app on a database holding ``complaints`` demo complaints (loaded if needed)."""
    from sqlalchemy import func, inspect, select

    from bench.demo import prepare, reset_postgresql

    app = _app(url)
    with app.app_context():
        from app.extensions import db
        from app.models import Complaint

        ready = "complaint" in inspect(db.engine).get_table_names() and db.session.scalar(
            select(func.count()).select_from(Complaint)) >= complaints
        db.session.remove()
    if ready:  # a database kept from an earlier run: bring its schema up to date
        from flask_migrate import upgrade

        from app.services import month_stats

        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            from app.extensions import db

            month_stats.ensure_time_zone(db.session)  # as the release step does
            db.session.remove()
    else:
        if url.startswith("postgresql"):
            reset_postgresql(url)
        elif url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        app = prepare(url, DATA / "instance")
        _load(app, complaints, seed)
    _ensure_bench_admin(app)
    return app


def _app(url):
    from app import create_app

    return create_app("testing", SQLALCHEMY_DATABASE_URI=url,
                      INSTANCE_PATH=str(DATA / "instance"))


def _load(app, complaints, seed):
    from app.extensions import db
    from app.services import demo

    started = time.perf_counter()
    with app.app_context():
        demo.load_demo(db.session, clients=max(1, complaints // 10), complaints=complaints,
                       seed=seed)
        db.session.remove()
    print(f"loaded {complaints:,} demo complaints in {time.perf_counter() - started:.0f} s")


def _ensure_bench_admin(app):
    with app.app_context():
        sm = app.appbuilder.sm
        if sm.find_user(username="bench") is None:
            sm.add_user(username="bench", first_name="Bench", last_name="Admin",
                        email="bench@example.org", role=sm.find_role("Admin"),
                        password=BENCH_PASSWORD)


def reader_username(app, reader: str) -> str:
    """The bench user who signs in as ``reader`` (the agent created on first use, in the
    team that holds the most complaints)."""
    if reader == "admin":
        return "bench"
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Complaint

    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.find_user(username="bench_agent")
        if user is None:
            user = sm.add_user(username="bench_agent", first_name="Bench", last_name="Agent",
                               email="bench-agent@example.org", role=sm.find_role("Agent"),
                               password=BENCH_PASSWORD)
        user.team_id = db.session.scalar(
            select(Complaint.team_id).where(Complaint.team_id.isnot(None))
            .group_by(Complaint.team_id).order_by(func.count().desc()).limit(1))
        db.session.commit()
        db.session.remove()
    return "bench_agent"


def logged_in_client(app, username="bench"):
    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": BENCH_PASSWORD})
    assert response.status_code == 302, "bench login failed"
    return client


def machine_speed() -> str:
    """One line telling how fast this machine runs Python right now: a benchmark's figures
    compare only with figures measured at about the same speed (machines of the same
    kind differ from one session to the next, and with what else their host runs)."""
    best = min(_loop_seconds() for _ in range(3))
    return f"machine: 10,000,000 Python additions in {best:.2f} s (best of 3)"


def _loop_seconds() -> float:
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


def percentiles(samples_ms):
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered), p95


def print_table(title, rows, headers):
    print(f"\n{title}")
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
