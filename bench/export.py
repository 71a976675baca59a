"""Excel export throughput and memory: the whole complaint list written to a workbook.

    .venv/bin/python bench/export.py                         # 100,000 complaints, SQLite
    .venv/bin/python bench/export.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Each run happens in a fresh subprocess that exports exactly as the product does (the
list's statement without filters, for an admin, streamed from a read-only connection
into a constant-memory workbook), and reports rows/s, the peak resident memory of the
process (VmHWM: the interpreter, the application and the export together), its
growth during the export, and the peak of Python allocations during the export
(tracemalloc). On SQLite the database works in the exporting process, so rows per CPU
second (the export's own CPU time) is the figure that does not depend on what else the
machine is running. Target (issue [06]): ≥ 15,000 rows/s with a peak ≤ 100 MB.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import database_url, ensure_database, print_table  # noqa: E402


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", help="PostgreSQL URL (reset if it lacks the data)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tracemalloc", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def peak_rss_kb() -> int:
    """Peak resident memory of this process in kB: VmHWM on Linux (ru_maxrss would carry
    the peak of the parent that forked this process), else ru_maxrss."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(url: str, trace: bool) -> dict:
    """One export in this process; prints its figures as JSON."""
    import tracemalloc

    from werkzeug.datastructures import MultiDict

    from app import create_app
    from app.extensions import db
    from app.services import exports
    from app.services.clock import utcnow
    from app.views.exports import complaint_list_view, list_statement

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url,
                     INSTANCE_PATH=str(Path(tempfile.gettempdir()) / "bench-export"))
    with app.app_context():
        view = complaint_list_view()
        stmt = exports.complaints_statement(list_statement(view, MultiDict()), None, "fr")
        db.session.commit()
        before = peak_rss_kb()
        if trace:
            tracemalloc.start()
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        started, cpu = time.perf_counter(), time.process_time()
        with exports.read_only(db.engine) as connection:
            rows = exports.write_complaints(connection, stmt, path, utcnow(), "fr",
                                            "Europe/Paris")
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        traced = tracemalloc.get_traced_memory()[1] if trace else None
        size = os.path.getsize(path)
        os.unlink(path)
    peak = peak_rss_kb()
    return {"rows": rows, "seconds": seconds, "cpu": cpu, "rss_before_kb": before,
            "rss_peak_kb": peak, "traced_peak": traced, "bytes": size}


def run_child(url: str, trace: bool) -> dict:
    command = [sys.executable, __file__, "--child", "--database-url", url]
    if trace:
        command.append("--tracemalloc")
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        print(json.dumps(child(args.database_url, args.tracemalloc)))
        return
    url = database_url(args)
    ensure_database(url, args.complaints)
    dialect = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    rows = []
    for _ in range(args.runs):
        result = run_child(url, trace=False)
        rate = result["rows"] / result["seconds"]
        peak_mb = result["rss_peak_kb"] / 1024
        growth_mb = (result["rss_peak_kb"] - result["rss_before_kb"]) / 1024
        rows.append((dialect, f"{result['rows']:,}", f"{result['seconds']:.2f}",
                     f"{rate:,.0f}", f"{result['rows'] / result['cpu']:,.0f}", f"{peak_mb:.0f}",
                     f"{growth_mb:.0f}",
                     f"{result['bytes'] / 1e6:.1f}",
                     "yes" if rate >= 15000 and growth_mb <= 100 else "NO"))
    print_table("Excel export of every complaint (fresh process per run)", rows,
                ["database", "rows", "seconds", "rows/s", "rows/CPU s", "peak RSS MB",
                 "RSS growth MB", "file MB", "target met"])
    traced = run_child(url, trace=True)
    print(f"\nPython allocations during the export (tracemalloc peak): "
          f"{traced['traced_peak'] / 1e6:.1f} MB (the run is slower while traced)")


if __name__ == "__main__":
    main()
