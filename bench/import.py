"""Time the import of a complaints file on a fresh database: rows/s and peak memory.

    .venv/bin/python bench/import.py                     # 100,000 rows, .xlsx, SQLite
    .venv/bin/python bench/import.py --rows 5000 --format csv
    .venv/bin/python bench/import.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

The file is written first (openpyxl write-only, or a ``;`` CSV in Windows-1252), with
200 clients to link to, then read, checked (dry run) and imported as the command does
(``flask --app run import complaints FILE --mapping …``); the read+import time is what
counts. Peak memory is the process's maximum resident size (``ru_maxrss``). A
``--database-url`` has its ``public`` schema DROPPED and recreated first.
"""

import argparse
import csv
import io
import os
import random
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADERS = ["Numéro de suivi", "Date de réception", "Objet", "Description", "Catégorie",
           "Canal", "Gravité", "État", "N° client", "Date de réponse", "Date de clôture",
           "Nom du réclamant", "Courriel"]
CATEGORIES = ["Facturation", "Technique", "Livraison", "Qualité du produit", "Contractuelle"]
CHANNELS = ["E-mail", "Téléphone", "Courrier", "Formulaire web"]
STATES = [("Clôturé", 0.7), ("Répondu", 0.1), ("En cours d'instruction", 0.15),
          ("Nouveau", 0.05)]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--years", type=float, default=5.0,
                        help="years the dates received spread over (5,000 rows over "
                             "0.25 years have the density of 100,000 over 5)")
    parser.add_argument("--database-url", help="PostgreSQL URL (its schema is reset)")
    return parser.parse_args(argv)


def rows(count, customers, rng, years=5.0):
    start = datetime(2020, 1, 1)
    states, weights = zip(*STATES, strict=True)
    for i in range(count):
        received = start + timedelta(seconds=int(i / count * years * 365 * 86400))
        state = rng.choices(states, weights)[0]
        answered = received + timedelta(days=rng.randint(1, 30)) \
            if state in ("Clôturé", "Répondu") else None
        closed = answered + timedelta(days=rng.randint(0, 5)) if state == "Clôturé" else None
        yield [f"REC-{received.year}-{900000 + i:06d}" if i % 2 else "",
               received.strftime("%d/%m/%Y %H:%M"), f"Réclamation {i}",
               "Le compteur affiche une consommation anormale depuis le mois dernier.",
               rng.choice(CATEGORIES), rng.choice(CHANNELS), "Mineure", state,
               rng.choice(customers), answered.strftime("%d/%m/%Y %H:%M") if answered else "",
               closed.strftime("%d/%m/%Y %H:%M") if closed else "", f"Client {i}",
               f"client{i}@example.org"]


def write_file(path, fmt, count, customers, seed, years=5.0):
    rng = random.Random(seed)
    if fmt == "csv":
        with open(path, "w", encoding="cp1252", newline="") as out:
            writer = csv.writer(out, delimiter=";")
            writer.writerow(HEADERS)
            writer.writerows(rows(count, customers, rng, years))
        return
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Réclamations")
    sheet.append(HEADERS)
    for row in rows(count, customers, rng, years):
        sheet.append(row)
    book.save(path)


def make_clients(app, count=200):
    from app.extensions import db
    from app.models import Client

    with app.app_context():
        numbers = [f"BENCH{i:05d}" for i in range(count)]
        db.session.add_all(Client(customer_number=n, name=f"Client {n}", kind="person")
                           for n in numbers)
        db.session.commit()
        db.session.remove()
    return numbers


def run(app, path, batch):
    from app.domain import imports as rules
    from app.extensions import db
    from app.services import imports

    with app.app_context():
        started, cpu = time.perf_counter(), time.process_time()
        table = imports.read_table(path.read_bytes(), path.name)
        mapping = imports.guess(db.session, rules.COMPLAINTS, table.headers)
        import_run = imports.start_import(db.session, rules.COMPLAINTS, path.name, mapping)
        report = imports.run_import(db.session, import_run, table, batch_size=batch)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        db.session.remove()
        db.engine.dispose()
    return report, elapsed, cpu


def main(argv=None) -> None:
    from bench.demo import fresh_database

    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        instance = Path(tmp)
        app, url, database = fresh_database(args.database_url, instance)
        customers = make_clients(app)
        path = instance / f"complaints.{args.format}"
        write_file(path, args.format, args.rows, customers, args.seed, args.years)
        size = path.stat().st_size
        before = os.getloadavg()[0]
        report, seconds, cpu = run(app, path, args.batch)
        load = f"{before:.1f}/{os.getloadavg()[0]:.1f}"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out = io.StringIO()
    print("database | format | rows | created | refused | seconds | rows/s | peak MB",
          file=out)
    print(f"{database} | {args.format} ({size / 1e6:.1f} MB) | {report.rows:,} | "
          f"{report.created:,} | {len(report.refused):,} | {seconds:.1f} | "
          f"{report.rows / seconds:,.0f} | {peak:.0f}", file=out)
    print(f"(CPU {cpu:.1f} s; load average before/after {load})", file=out)
    print(out.getvalue(), end="")


if __name__ == "__main__":
    main()
