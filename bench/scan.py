"""The notification rule scan at scale: one pass over the register, warm, in-process.

    .venv/bin/python bench/scan.py                         # 1,000,000 complaints, SQLite
    .venv/bin/python bench/scan.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench

Target (issue [04]): a rule scan over 1,000,000 complaints takes at most 2 s.

The rules are the two seeded ones (deadline approaching, deadline passed, to the assignee
and the team manager, email and on screen) plus "no action for 7 days" and "reminder due
to the supervisors", so every condition is read. Three figures:
- a *quiet* pass: what a scheduler does every few minutes once the register is alerted
  (each rule reads what fell due or changed since its previous pass, 5 minutes before);
- a *busy* pass: the register one hour later, so that the deadlines and reminders
  falling due in that hour raise their alerts (notifications and emails rendered and
  queued), as a scheduler back from an hour's downtime would;
- a *full* pass: every rule reads every match again, as a new or edited rule does once
  (all are already alerted: the cost of the reading).
"""

import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import bench_arguments, database_url, ensure_database, percentiles, print_table  # noqa: E402

EXTRA_RULES = [
    {"name": "Sans action depuis 7 jours", "condition": "no_action", "days": 7,
     "to_assignee": True, "on_screen": True, "by_email": False},
    {"name": "Rappel échu (superviseurs)", "condition": "reminder_due",
     "to_supervisors": True, "on_screen": True, "by_email": True},
]


def parse_args(argv=None):
    parser = bench_arguments(__doc__, 1_000_000, runs=20)
    return parser.parse_args(argv)


def ensure_rules(session, now):
    """The seeded rules and the two extra ones, the register's past already alerted."""
    from sqlalchemy import select

    from app.models import NotificationRule
    from app.services import alert_rules

    names = set(session.scalars(select(NotificationRule.name)))
    for values in EXTRA_RULES:
        if values["name"] not in names:
            session.add(NotificationRule(active=True, **values))
    session.commit()
    marked = alert_rules.mark_current_as_alerted(session, now)
    print(f"{marked:,} current occurrences recorded as alerted")


def set_marks(session, moment):
    """Every rule as if its previous pass ran at ``moment`` (None: as if new or just
    edited, so that its next pass reads the whole register)."""
    from sqlalchemy import update

    from app.models import NotificationRule

    session.execute(update(NotificationRule).values(checked_until=moment))
    session.commit()


def main(argv=None):
    args = parse_args(argv)
    url = database_url(args)
    app = ensure_database(url, args.complaints)
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import RuleAlert
    from app.services import alert_rules
    from app.services.clock import utcnow

    with app.app_context():
        session = db.session
        now = utcnow()
        ensure_rules(session, now)
        alert_rules.scan_rules(session, now)  # warm, and anything marked since
        quiet = []
        for _ in range(args.runs):
            set_marks(session, now - timedelta(minutes=5))  # the previous pass
            started = time.perf_counter()
            counts = alert_rules.scan_rules(session, now)
            quiet.append((time.perf_counter() - started) * 1000)
            assert counts["alerts"] == 0, counts
        # An hour past the latest pass (an earlier run of this bench may be ahead of now).
        latest = max(now, session.scalar(select(func.max(RuleAlert.created_at))) or now)
        later = latest + timedelta(hours=1)
        set_marks(session, latest)
        started = time.perf_counter()
        busy_counts = alert_rules.scan_rules(session, later)
        busy = (time.perf_counter() - started) * 1000
        full = []
        for _ in range(3):
            set_marks(session, None)
            started = time.perf_counter()
            counts = alert_rules.scan_rules(session, later)
            full.append((time.perf_counter() - started) * 1000)
            assert counts["alerts"] == 0, counts
        session.remove()

    p50, p95 = percentiles(quiet)
    print_table(f"rule scan, {args.complaints:,} complaints, {url.split(':')[0]}", [
        ("quiet pass (nothing new)", f"{p50:.0f}", f"{p95:.0f}", "0"),
        ("busy pass (one hour later)", f"{busy:.0f}", f"{busy:.0f}",
         f"{busy_counts['alerts']} alerts, {busy_counts['notifications']} notifications, "
         f"{busy_counts['emails']} emails"),
        ("full pass (a new or edited rule)", f"{sorted(full)[1]:.0f}", f"{max(full):.0f}",
         "0"),
    ], headers=["pass", "p50 ms", "p95 ms", "raised"])
    worst = max(p95, busy, *full)
    print(f"\ntarget ≤ 2000 ms: {'met' if worst <= 2000 else 'MISSED'} (worst {worst:.0f} ms)")


if __name__ == "__main__":
    main()
