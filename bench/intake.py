"""The public intake API under gunicorn: ``POST /api/v1/public/complaints`` (no
attachment) from many concurrent clients, on a fresh database.

    .venv/bin/python bench/intake.py                          # SQLite, 3 workers, 16 clients
    .venv/bin/python bench/intake.py --requests 6000 --clients 24 --workers 4
    .venv/bin/python bench/intake.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Target (issue [07]): at least 300 requests/s with p99 ≤ 100 ms, and no duplicate tracking
number. The server is started exactly as in production (the release step ``flask setup``,
then gunicorn with several workers); the API keeps each submission with its tracking
number and the scheduler registers it as a complaint right after (timed here too, after
the run, as "registered as complaints"); the per-address limit (PUBLIC_RATE_LIMIT) is raised
for the run, since every request comes from 127.0.0.1. **``--database-url`` drops and
recreates the ``public`` schema of that database.**
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BIN = ROOT / ".venv" / "bin"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="timed requests")
    parser.add_argument("--warmup", type=int, default=200, help="untimed requests first")
    parser.add_argument("--clients", type=int, default=16, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--database-url", help="PostgreSQL URL (its schema is wiped)")
    return parser.parse_args(argv)


def payload(n: int) -> bytes:
    return json.dumps({
        "name": f"Client banc {n}", "email": f"banc{n}@example.org", "phone": "0102030405",
        "request_type": "complaint", "category": "billing", "consent": True,
        "subject": f"Facture erronée {n}",
        "description": "Le montant facturé ne correspond pas au relevé du compteur.",
    }).encode()


def server_env(url: str, instance: Path, args) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "FLASK_"))}
    env.update(DATABASE_URL=url, INSTANCE_PATH=str(instance), APP_ENV="development",
               SECRET_KEY="bench-intake-secret-" + "x" * 32, ADMIN_PASSWORD="Bench-pass-123",
               PUBLIC_RATE_LIMIT="1000000 per minute", EMBEDDED_SCHEDULER="0",
               # Every simulated browser signs in from 127.0.0.1 within a second or two.
               AUTH_RATE_LIMIT="1000000 per minute")
    return env


def start(env, args, workdir: Path):
    subprocess.run([str(BIN / "flask"), "--app", "run", "setup"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115 - closed by stop()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{args.port}", "--workers",
         str(args.workers), "--threads", str(args.threads), "--log-level", "warning",
         "run:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/health", timeout=2):
                return process, log
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not start: see " + str(workdir / "gunicorn.log"))


def post(port: int, n: int):
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST", "/api/v1/public/complaints", body=payload(n),
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    elapsed = (time.perf_counter() - started) * 1000
    number = json.loads(body).get("tracking_number") if response.status == 201 else None
    return response.status, elapsed, number


def hammer(port: int, first: int, count: int, clients: int):
    """``count`` POSTs from ``clients`` threads; returns (results, wall seconds)."""
    results, lock, counter = [], threading.Lock(), iter(range(first, first + count))

    def worker():
        while True:
            with lock:
                n = next(counter, None)
            if n is None:
                return
            outcome = post(port, n)
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def percentile(ordered, q):
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


def count_rows(url: str, table: str) -> tuple[int, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*), count(DISTINCT tracking_number) "
                                  f"FROM {table}")).one()
    engine.dispose()
    return tuple(total)


def register_all(url: str, instance: Path) -> tuple[int, float]:
    """What the scheduler does next: register every accepted submission as a complaint
    (deadline, history, confirmation email); returns (count, seconds)."""
    from app import create_app
    from app.extensions import db
    from app.services import submissions

    app = create_app("development", SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=str(instance),
                     SECRET_KEY="bench-intake-secret-" + "x" * 32)
    started = time.perf_counter()
    with app.app_context():
        count = submissions.register_submissions(db.session, batch=10**9)["registered"]
        db.session.remove()
        db.engine.dispose()
    return count, time.perf_counter() - started


def main(argv=None):
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    if args.database_url:
        from bench.demo import reset_postgresql

        reset_postgresql(args.database_url)
        url = args.database_url
    else:
        url = f"sqlite:///{workdir / 'intake.db'}"
    process, log = start(server_env(url, workdir / "instance", args), args, workdir)
    try:
        hammer(args.port, 0, args.warmup, args.clients)
        results, wall = hammer(args.port, args.warmup, args.requests, args.clients)
    finally:
        process.terminate()
        process.wait(30)
        log.close()
    statuses = {}
    for status, _elapsed, _number in results:
        statuses[status] = statuses.get(status, 0) + 1
    latencies = sorted(elapsed for _s, elapsed, _n in results)
    numbers = [n for _s, _e, n in results if n]
    rows, distinct = count_rows(url, "public_submission")
    rate = len(results) / wall
    p50, p95, p99 = (percentile(latencies, q) for q in (0.50, 0.95, 0.99))
    print(f"database {url.split(':', 1)[0]}, gunicorn {args.workers} workers x "
          f"{args.threads} threads, {args.clients} clients, {len(results)} timed requests")
    print(f"statuses: {statuses}")
    print(f"throughput: {rate:.0f} requests/s over {wall:.1f} s")
    print(f"latency ms: p50 {p50:.1f}  p95 {p95:.1f}  p99 {p99:.1f}  max {latencies[-1]:.1f}"
          f"  mean {statistics.mean(latencies):.1f}")
    print(f"tracking numbers: {len(numbers)} returned, {len(set(numbers))} distinct; "
          f"{rows} submissions in the database, {distinct} distinct numbers")
    registered, seconds = register_all(url, workdir / "instance")
    complaints, complaint_numbers = count_rows(url, "complaint")
    print(f"registered as complaints afterwards: {registered} in {seconds:.1f} s "
          f"({registered / seconds:.0f}/s); {complaints} complaints, "
          f"{complaint_numbers} distinct numbers")
    ok = (rate >= 300 and p99 <= 100 and statuses == {201: len(results)}
          and len(set(numbers)) == len(numbers) and rows == distinct
          and complaints == complaint_numbers == rows)
    print("target (>= 300 req/s, p99 <= 100 ms, all 201, no duplicate):",
          "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
