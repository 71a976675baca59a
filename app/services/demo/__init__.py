"""Demo data: French clients, contracts and complaints with their history, loaded in bulk.

``load_demo`` only adds rows, so a second run adds a second demo. It scales linearly
(a million complaints in minutes) because every text is picked from pools built once
(``data``, ``texts``), rows are plain dicts written straight through the driver
(``bulk``), one transaction per batch, and the ids of clients, contracts and complaints
are reserved at the start of each batch, so that events, notes and reminders point at
their complaint without reading it back. On SQLite the batch holds the write lock
(``BEGIN IMMEDIATE``) from that reservation to its commit; on PostgreSQL the reserved ids
are taken out of the table's sequence, so the application's own inserts never reuse them.

What each complaint carries (clock, dates, deadline, answer facts and events) is what
``services.complaints`` and ``services.deadlines`` would have written had it been moved
through the workflow one step at a time (``paths``); tests/integration/test_demo.py
replays loaded complaints through those services to check it.

Modules: ``references`` (lists and workflow read once), ``people`` (agents, clients,
contracts), ``paths`` (workflow paths and the clock along them), ``complaints`` (the
complaints), ``history`` (events, notes, reminders), ``bulk`` (the writer).
"""

import logging
import random

from sqlalchemy import select, text

from app.models import Complaint
from app.services import alert_rules, alerts, month_stats
from app.services.clock import utcnow
from app.services.deadlines import DeadlineContext
from app.services.demo.bulk import Bulk
from app.services.demo.complaints import ComplaintMaker, insert_complaints
from app.services.demo.people import ClientMaker, ensure_staff, insert_clients
from app.services.demo.references import load_references
from app.services.settings import get_setting

logger = logging.getLogger(__name__)

COUNT_NAMES = ("clients", "contracts", "complaints", "events", "notes", "reminders")


def has_complaints(session) -> bool:
    """True when the register holds at least one complaint."""
    return session.scalar(select(Complaint.id).limit(1)) is not None


def load_demo(session, clients: int = 200, complaints: int = 2000, seed: int = 42, now=None,
              security_manager=None, password: str | None = None) -> dict[str, int]:
    """Add demo clients, contracts, complaints, events, notes and reminders; commit.

    Reference data and the workflow must exist (the setup step). Demo sectors, agencies,
    teams and six agents are created when missing; new agents get ``password``, or a
    random one an admin resets. Returns the number of rows added, per table.
    """
    if clients < 0 or complaints < 0:
        raise ValueError("clients and complaints must be zero or more")
    rng = random.Random(seed)
    # Whole seconds: every date derives from it, and the services' arithmetic is in seconds.
    now = (now or utcnow()).replace(microsecond=0)
    refs = load_references(session)
    staff = ensure_staff(session, security_manager, password)
    counts = dict.fromkeys(COUNT_NAMES, 0)
    bulk = Bulk(session)
    customers = insert_clients(bulk, ClientMaker(rng, refs, staff, now), clients, counts)
    maker = ComplaintMaker(rng, refs, staff, customers, now,
                           get_setting(session, "tracking_prefix"),
                           DeadlineContext.load(session))
    insert_complaints(bulk, maker, complaints, counts)
    # The demo's history is the past: its late complaints and due reminders must not
    # alert every demo agent at the first scan, only what falls due from now on.
    alerts.mark_due_reminders_as_alerted(session, now)
    alert_rules.mark_current_as_alerted(session, now)
    _refresh_statistics(session)
    logger.info("demo data loaded: %s", counts)
    return counts


def _refresh_statistics(session) -> None:
    """Monthly and daily counts recounted from the bulk rows, and the planner's statistics updated
    (SQLite has no autovacuum: without ANALYZE it misjudges the new indexes)."""
    month_stats.rebuild_all(session)
    session.commit()
    engine = session.get_bind()
    if engine.dialect.name == "postgresql":
        # VACUUM (outside a transaction) also sets the visibility map, without which
        # PostgreSQL's index-only scans still read every row's page.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        session.execute(text("ANALYZE"))
        session.commit()
