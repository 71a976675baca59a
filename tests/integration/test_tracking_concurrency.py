"""Tracking numbers stay unique and gapless when several processes open complaints at once
(DESIGN.md §2), on SQLite and on PostgreSQL."""

import multiprocessing
import queue
import re
import time
import traceback
from datetime import datetime

from sqlalchemy import select

from app.models import Complaint, TrackingSequence
from app.services.settings import get_setting
from app.services.tracking import allocate_tracking_number, reserve_numbers

WORKERS = 4
PER_WORKER = 25
YEAR = 2031  # no other test receives complaints in 2031: its sequence starts here
RESERVE_YEAR = 2032
TIMEOUT = 120


def open_complaints(database_url, instance_path, worker, count, barrier, results):
    """Worker process: build the app, wait for the others, open ``count`` complaints."""
    try:
        from app import create_app
        from app.extensions import db
        from app.models import Complaint, Complexity
        from app.services.complaints import open_complaint

        app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url,
                         INSTANCE_PATH=instance_path, FILE_STORAGE_PATH=f"{instance_path}/files")
        numbers = []
        with app.app_context():
            session = db.session
            complexity_id = session.scalars(
                select(Complexity.id).where(Complexity.code == "standard")).one()
            session.rollback()  # hold no transaction (on SQLite, no lock) while waiting
            barrier.wait(timeout=TIMEOUT)
            for i in range(count):
                complaint = open_complaint(session, Complaint(
                    received_at=datetime(YEAR, 1 + worker, 1 + i, 8, 0),
                    subject=f"Concurrent {worker}-{i}", complexity_id=complexity_id))
                numbers.append(complaint.tracking_number)
            db.engine.dispose()
        results.put((worker, numbers, None))
    except BaseException:  # reported to the test, which fails with the traceback
        results.put((worker, [], traceback.format_exc()))
        raise


def collect(workers, results, barrier) -> list[tuple]:
    """The workers' reports; stops early (and releases the barrier) when one fails."""
    reports, deadline = [], time.monotonic() + TIMEOUT
    while len(reports) < len(workers) and time.monotonic() < deadline:
        try:
            reports.append(results.get(timeout=0.5))
        except queue.Empty:
            if any(process.exitcode not in (None, 0) for process in workers):
                barrier.abort()  # a worker died before reporting (e.g. at import)
                break
            continue
        if reports[-1][2] is not None:
            barrier.abort()  # the others would wait for it at the barrier
    while len(reports) < len(workers):  # what the others reported meanwhile
        try:
            reports.append(results.get(timeout=5))
        except queue.Empty:
            break
    return reports


def test_concurrent_processes_get_unique_consecutive_numbers(app, database_url,
                                                             tmp_path):
    with app.app_context():
        from app.extensions import db

        prefix = get_setting(db.session, "tracking_prefix")
        start = db.session.scalar(select(TrackingSequence.last_value).where(
            TrackingSequence.prefix == prefix, TrackingSequence.year == YEAR)) or 0
        db.session.remove()  # no open transaction may block the workers on SQLite

    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(WORKERS), ctx.Queue()
    workers = [ctx.Process(target=open_complaints, args=(
        database_url, str(tmp_path / f"instance{n}"), n, PER_WORKER, barrier, results))
        for n in range(WORKERS)]
    for process in workers:
        process.start()
    try:
        reports = collect(workers, results, barrier)
    finally:
        for process in workers:
            process.join(timeout=TIMEOUT)
            if process.is_alive():
                process.kill()
    assert [error for _, _, error in reports if error] == []
    assert [process.exitcode for process in workers] == [0] * WORKERS
    assert len(reports) == WORKERS

    handed_out = [number for _, numbers, _ in reports for number in numbers]
    assert all(len(numbers) == PER_WORKER for _, numbers, _ in reports)
    assert len(handed_out) == len(set(handed_out)) == WORKERS * PER_WORKER
    pattern = re.compile(rf"{re.escape(prefix)}-{YEAR}-(\d{{6,}})")
    sequence = sorted(int(pattern.fullmatch(number).group(1)) for number in handed_out)
    assert sequence == list(range(start + 1, start + WORKERS * PER_WORKER + 1))
    assert start == 0  # a fresh year really started at 000001

    with app.app_context():
        from app.extensions import db

        stored = db.session.scalars(select(Complaint.tracking_number).where(
            Complaint.tracking_number.like(f"{prefix}-{YEAR}-%"))).all()
        last = db.session.scalar(select(TrackingSequence.last_value).where(
            TrackingSequence.prefix == prefix, TrackingSequence.year == YEAR))
        db.session.remove()
    assert sorted(stored) == sorted(handed_out)
    assert last == start + WORKERS * PER_WORKER


def test_reserved_numbers_are_skipped_by_the_next_allocation(session):
    first = reserve_numbers(session, "RSV", RESERVE_YEAR, count=10)
    session.commit()
    assert first == 1
    assert allocate_tracking_number(session, "RSV", RESERVE_YEAR) == f"RSV-{RESERVE_YEAR}-000011"
    assert reserve_numbers(session, "RSV", RESERVE_YEAR, count=3) == 12
    assert allocate_tracking_number(session, "RSV", RESERVE_YEAR) == f"RSV-{RESERVE_YEAR}-000015"
    session.commit()


def test_rolled_back_numbers_are_given_back(session):
    assert allocate_tracking_number(session, "RBK", RESERVE_YEAR) == f"RBK-{RESERVE_YEAR}-000001"
    session.rollback()
    assert allocate_tracking_number(session, "RBK", RESERVE_YEAR) == f"RBK-{RESERVE_YEAR}-000001"
    session.commit()
    assert allocate_tracking_number(session, "RBK", RESERVE_YEAR) == f"RBK-{RESERVE_YEAR}-000002"
    session.commit()


def test_sequences_are_per_prefix_and_year(session):
    assert allocate_tracking_number(session, "PPA", RESERVE_YEAR) == f"PPA-{RESERVE_YEAR}-000001"
    assert allocate_tracking_number(session, "PPA", RESERVE_YEAR + 1) == (
        f"PPA-{RESERVE_YEAR + 1}-000001")
    assert allocate_tracking_number(session, "PPB", RESERVE_YEAR) == f"PPB-{RESERVE_YEAR}-000001"
    session.commit()
