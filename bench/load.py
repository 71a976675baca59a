"""Complaint list pages under gunicorn, from many signed-in clients, at 1,000,000 complaints.

    .venv/bin/python bench/load.py                                 # SQLite, 3 workers, 8 clients
    .venv/bin/python bench/load.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Target (issue [09]): at least 40 list pages/s with p95 ≤ 250 ms, 3 workers, on this machine.
The server starts as in production (the release step ``flask setup``, then gunicorn); each
client thread signs in once (CSRF token, session cookie) as the benchmark's admin, keeps
its connection open as a browser does, and asks in turn for the default list, a state
filter and a full-text search of the list. The 1M database is the one ``bench/lists.py``
builds (``bench/data/`` or ``--database-url``); SQLite runs on a copy of the file, PostgreSQL
on the database itself (the release step is idempotent and the pages only read).
"""

import argparse
import http.client
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import BENCH_PASSWORD, DATA, ensure_database, print_table  # noqa: E402
from bench.intake import percentile, server_env, start  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=900, help="timed pages")
    parser.add_argument("--warmup", type=int, default=90, help="untimed pages first")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=18766)
    parser.add_argument("--database-url", help="PostgreSQL URL (loaded if it lacks the data)")
    return parser.parse_args(argv)


def prepared_url(args, workdir: Path) -> str:
    """The database's URL, the 1M complaints loaded (SQLite: a copy of the kept file)."""
    if args.database_url:
        ensure_database(args.database_url, args.complaints)
        return args.database_url
    source = DATA / f"bench-{args.complaints}.db"
    ensure_database(f"sqlite:///{source}", args.complaints)
    with sqlite3.connect(source) as connection:  # the WAL folded into the file first
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(source, workdir / "load.db")
    return f"sqlite:///{workdir / 'load.db'}"


def pages(url: str) -> list[tuple[str, str]]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        state = connection.execute(text(
            "SELECT id FROM state WHERE code = 'in_progress'")).scalar()
    engine.dispose()
    return [("list, default", "/complaints/list/"),
            ("list, filter state", f"/complaints/list/?_flt_0_state={state}"),
            ("list, full-text search", "/complaints/list/?" + urlencode(
                {"_flt_2_subject": "fuite compteur"}))]


class Browser:
    """One signed-in visitor on one kept-alive connection."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        login = self.get("/login/")[1].decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login).group(1)
        status, _ = self.request("POST", "/login/", urlencode(
            {"username": "bench", "password": BENCH_PASSWORD, "csrf_token": token}),
            {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302, f"bench login failed ({status})"

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def get(self, path):
        return self.request("GET", path)


def drive(port: int, plan: list, clients: int):
    """Every (label, path) of ``plan`` asked once, by ``clients`` threads sharing it."""
    browsers = [Browser(port) for _ in range(clients)]
    results, lock, todo = [], threading.Lock(), iter(plan)

    def visitor(browser):
        while True:
            with lock:
                item = next(todo, None)
            if item is None:
                return
            started = time.perf_counter()
            status, _ = browser.get(item[1])
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                results.append((item[0], status, elapsed))

    threads = [threading.Thread(target=visitor, args=(b,)) for b in browsers]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def report(results, wall, args, url):
    rows = []
    for label in [None, *dict.fromkeys(label for label, _, _ in results)]:
        chosen = sorted(ms for lab, _, ms in results if label in (None, lab))
        rate = f"{len(chosen) / wall:.1f}" if label is None else ""
        rows.append((label or "all pages", len(chosen), rate,
                     *(f"{percentile(chosen, q):.1f}" for q in (0.50, 0.95, 0.99))))
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print_table(f"{database}, {args.complaints:,} complaints, gunicorn {args.workers} workers "
                f"x {args.threads} threads, {args.clients} clients (ms)", rows,
                ["page", "requests", "pages/s", "p50", "p95", "p99"])
    statuses = {}
    for _, status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    print(f"statuses: {statuses}")
    everything = sorted(ms for _, _, ms in results)
    ok = (len(results) / wall >= 40 and percentile(everything, 0.95) <= 250
          and statuses == {200: len(results)})
    print("target (>= 40 pages/s, p95 <= 250 ms, all 200):", "met" if ok else "NOT met")
    return ok


def main(argv=None):
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    url = prepared_url(args, workdir)
    kinds = pages(url)
    plan = [kinds[i % len(kinds)] for i in range(args.warmup + args.requests)]
    process, log = start(server_env(url, workdir / "instance", args), args, workdir)
    try:
        drive(args.port, plan[:args.warmup], args.clients)
        results, wall = drive(args.port, plan[args.warmup:], args.clients)
    finally:
        process.terminate()
        process.wait(30)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if report(results, wall, args, url) else 1


if __name__ == "__main__":
    sys.exit(main())
