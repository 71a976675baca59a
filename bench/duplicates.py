"""The duplicate hint at scale, and the cost of an assignment rule on creation.

    .venv/bin/python bench/duplicates.py                         # 1,000,000 complaints, SQLite
    .venv/bin/python bench/duplicates.py --complaints 100000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Two figures, warm, in-process:
- the hint (``merge.duplicate_candidates``) for open complaints picked at random, as the
  complaint page computes it for a supervisor (every complaint visible) and for an agent
  (their scope only): the query reads the client, contract and email indexes;
- ``open_complaint`` without any rule, then with a round-robin rule matching every
  complaint (the rule lookup, the team's rotation row locked and bumped, two history
  lines and the assignee's notification and email).
"""

import random
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_arguments, database_url, ensure_database, percentiles, print_table  # noqa: E402


def parse_args(argv=None):
    parser = bench_arguments(__doc__, 1_000_000, runs=200)
    return parser.parse_args(argv)


def time_hint(session, reader, ids):
    from app.models import Complaint
    from app.services import merge

    samples, found = [], 0
    for pk in ids:
        complaint = session.get(Complaint, pk)
        started = time.perf_counter()
        found += len(merge.duplicate_candidates(session, complaint, reader))
        samples.append((time.perf_counter() - started) * 1000)
        session.rollback()
    return samples, found


def time_creations(session, runs):
    from app.models import Complaint, Complexity
    from app.services.complaints import open_complaint

    complexity = session.query(Complexity).filter_by(code="standard").one()
    samples = []
    for n in range(runs):
        started = time.perf_counter()
        open_complaint(session, Complaint(received_at=datetime(2027, 1, 1, 9, 0),
                                          subject=f"Bench rule {n}", complexity=complexity))
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def with_round_robin(session):
    """A catch-all round-robin rule over the demo team with the most active members."""
    from sqlalchemy import func, select

    from app.models import AppUser, AssignmentRule

    team_id = session.scalar(select(AppUser.team_id).where(
        AppUser.team_id.is_not(None), AppUser.active.is_(True)).group_by(AppUser.team_id)
        .order_by(func.count().desc()).limit(1))
    rule = AssignmentRule(name="Bench round-robin", team_id=team_id, round_robin=True,
                          active=True)
    session.add(rule)
    session.commit()
    return rule


def main(argv=None):
    args = parse_args(argv)
    app = ensure_database(database_url(args), args.complaints)
    with app.app_context():
        from sqlalchemy import delete, select

        from app.extensions import db
        from app.models import AppUser, AssignmentRule, Complaint
        from app.services.visibility import reader_of

        session = db.session
        open_ids = session.scalars(select(Complaint.id).where(
            Complaint.closed_at.is_(None)).order_by(Complaint.id)).all()
        ids = random.Random(42).sample(open_ids, min(args.runs, len(open_ids)))
        supervisor = session.scalars(select(AppUser).where(AppUser.username == "bench")).one()
        agent = session.scalars(select(AppUser).where(AppUser.team_id.is_not(None))).first()
        rows = []
        for who, user in (("supervisor (all)", supervisor), ("agent (own scope)", agent)):
            reader = reader_of(user)
            time_hint(session, reader, ids[:20])  # warm-up
            samples, found = time_hint(session, reader, ids)
            median, p95 = percentiles(samples)
            rows.append((f"hint, {who}", len(ids), f"{median:.2f}", f"{p95:.2f}",
                         f"{found / len(ids):.1f}"))
        runs = max(20, args.runs // 4)
        time_creations(session, 5)  # warm-up
        for label, rule in (("open_complaint, no rule", None),
                            ("open_complaint, round-robin rule", with_round_robin)):
            if rule:
                rule(session)
            median, p95 = percentiles(time_creations(session, runs))
            rows.append((label, runs, f"{median:.2f}", f"{p95:.2f}", ""))
        session.execute(delete(AssignmentRule).where(AssignmentRule.name == "Bench round-robin"))
        session.commit()
        db.session.remove()
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    print_table(f"{args.complaints:,} complaints ({dialect})", rows,
                ["what", "runs", "median ms", "p95 ms", "hints/complaint"])


if __name__ == "__main__":
    main()
