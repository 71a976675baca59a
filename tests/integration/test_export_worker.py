"""Background exports in the lean worker process (app/export_worker.py): its imports, the
statement handed over as plain SQL, the whole path from the request to the download, a
worker that fails, is killed or runs too long, and two scheduler passes at once."""

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime

import pytest
from sqlalchemy import literal, select

from app.models import Complaint, ExportJob
from app.services import complaints as service
from app.services import export_jobs, plain_sql
from app.services.clock import to_local
from config import ROOT
from tests import factories as f
from tests.conftest import login
from tests.integration.test_exports import INJECTION, export, rows_of, workbook

WEB_MODULES = ("flask", "flask_appbuilder", "flask_babel", "flask_login", "werkzeug",
               "jinja2", "wtforms", "marshmallow", "config", "app.models", "app.views")


@pytest.fixture
def worker_runs(monkeypatch):
    """Every worker run of the test: ``(job id, the worker's answer)``."""
    runs, run_worker = [], export_jobs.run_worker

    def recording(spec, *args, **kwargs):
        answer = run_worker(spec, *args, **kwargs)
        runs.append((spec["job_id"], answer))
        return answer

    monkeypatch.setattr(export_jobs, "run_worker", recording)
    return runs


def test_the_worker_imports_neither_flask_nor_the_models():
    code = ("import json, sys, app.export_worker as w; "
            "print(json.dumps([sorted(sys.modules), w.peak_rss_kb()]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    modules, peak_kb = json.loads(out)
    heavy = [m for m in modules if any(m == w or m.startswith(w + ".") for w in WEB_MODULES)]
    assert heavy == []
    assert "sqlalchemy" in modules and "xlsxwriter" in modules
    assert peak_kb < 70 * 1024  # the application alone takes more than 100 MB


def test_a_statement_handed_over_as_plain_sql_reads_the_same_rows(app_ctx):
    from app.extensions import db

    token = f.unique("Plain")
    made = [f.make_complaint(db.session, subject=f"{token} {i}% _x", confidential=i == 1,
                             received_at=datetime(2026, 3, 1 + i, 8, 30, 15))
            for i in range(3)]
    c = Complaint
    stmt = (select(c.tracking_number, c.received_at, c.confidential, c.processing_seconds,
                   literal("L'été & <b>"), c.due_at)
            .where(c.subject.ilike(f"{token}%"),
                   c.received_at.in_([m.received_at for m in made[1:]]),
                   c.received_at > datetime(2026, 3, 1, 8, 30, 15), c.confidential.in_(
                       [True, False]))
            .order_by(c.received_at.desc()))
    plain = json.loads(json.dumps(plain_sql.compile_select(stmt, db.engine.dialect)))
    expected = [tuple(row) for row in db.session.execute(stmt)]
    db.session.commit()
    with db.engine.connect().execution_options(read_only=True) as connection:
        got = [tuple(row) for row in plain_sql.execute(connection, plain)]
    assert len(expected) == 2 and got == expected
    assert got[0][1] == datetime(2026, 3, 3, 8, 30, 15) and got[1][2] is True


def test_a_background_export_goes_through_the_worker(app, dbs, monkeypatch, worker_runs):
    from app import jobs

    monkeypatch.setitem(app.config, "EXPORT_BACKGROUND_ROWS", 0)
    token = f.unique("Worker")
    received = datetime(2026, 7, 14, 6, 5)  # summer time in Paris: UTC+2
    with dbs() as s:
        agent = f.user(s, "agent")
        client = f.make_client(s, name=f"{token} & Fils", portfolio_owner_id=agent.id)
        mine = f.make_complaint(s, client=client, subject=f"{token} mine",
                                description=INJECTION, received_at=received,
                                state_code="in_progress")
        service.change_state(s, mine, f.state(s, "answered"),
                             now=datetime(2026, 7, 16, 18, 5))
        f.make_complaint(s, subject=f"{token} theirs", client=f.make_client(s))
        f.make_complaint(s, subject=f"{token} secret", client=client, confidential=True)
        number = mine.tracking_number

    owner = login(app.test_client(), "agent")
    response = export(owner, f"_l_=en&_flt_2_subject={token}")
    assert response.headers["Location"] == "/exports/"
    assert jobs.run_exports(app)["exports"] == 1
    (job_id, answer), = worker_runs
    assert answer["rows"] == 1 and answer["peak_rss_kb"] < 100 * 1024
    with dbs() as s:
        job = s.get(ExportJob, job_id)
        assert (job.status, job.rows_done, job.total_rows) == ("done", 1, 1)

    sheet = workbook(owner.get(f"/exports/{job_id}/download")).active
    header, rows = rows_of(sheet)
    assert header[:2] == ["Tracking number", "Received at"]
    row, = rows
    assert row["Tracking number"] == number and row["Client"] == f"{token} & Fils"
    assert row["Received at"] == to_local(received, "Europe/Paris") == datetime(2026, 7, 14,
                                                                                  8, 5)
    assert row["Processing time (days)"] == pytest.approx(2.5)
    assert (row["State"], row["Answered on time"], row["Confidential"]) == (
        "Answered", "Yes", "No")
    cell = sheet.cell(row=2, column=header.index("Description") + 1)
    assert cell.value == INJECTION and cell.data_type == "s"
    for other in ("agent2", "supervisor"):
        assert login(app.test_client(), other).get(
            f"/exports/{job_id}/download").status_code == 404


def queue(dbs, username="supervisor", language="en", args=None):
    """Queue an export of the list filtered by ``args``, as the list's export does."""
    from werkzeug.datastructures import MultiDict

    from app.services.settings import get_setting
    from app.services.visibility import reader_for, visible_condition
    from app.views.exports import complaint_list_view, list_statement

    args = args or {"_flt_2_subject": ["x"]}
    with dbs() as s:
        user = f.user(s, username)
        base = list_statement(complaint_list_view(), MultiDict(args))
        params = export_jobs.complaints_params(s.connection(), base,
                                               visible_condition(reader_for(user)), language,
                                               get_setting(s, "time_zone"))
        job = export_jobs.request_export(s, user, "complaints", {"args": args, **params},
                                         language)
        return job.id


def job_of(dbs, job_id):
    with dbs() as s:
        job = s.get(ExportJob, job_id)
        return job.status, job.error, job.file_path


def test_a_killed_worker_leaves_the_job_failed_with_a_message(app, dbs, monkeypatch):
    from app import jobs

    monkeypatch.setattr(export_jobs, "worker_command", lambda: [
        sys.executable, "-c", f"import os; os.kill(os.getpid(), {int(signal.SIGKILL)})"])
    job_id = queue(dbs, language="fr")
    assert jobs.run_exports(app)["exports"] == 1
    status, error, path = job_of(dbs, job_id)
    assert (status, path) == ("failed", None)
    assert error == "Cet export a échoué. Réessayez, ou exportez une liste plus courte."
    page = login(app.test_client(), "supervisor").get("/exports/?_l_=fr")
    assert error in page.get_data(as_text=True).replace("&#39;", "'")
    folder = os.path.join(app.config["FILE_STORAGE_PATH"], "exports")
    assert not [name for name in os.listdir(folder) if name.startswith(f"export-{job_id}-")]


def test_a_worker_that_fails_leaves_the_job_failed_and_no_file(app, dbs, monkeypatch):
    from app import jobs

    prepare = export_jobs.prepare_spec

    def unwritable(*args, **kwargs):  # a destination the worker cannot write
        spec = prepare(*args, **kwargs)
        spec["path"] = os.path.join(os.path.dirname(spec["path"]), "gone", "x.xlsx")
        return spec

    monkeypatch.setattr(export_jobs, "prepare_spec", unwritable)
    job_id = queue(dbs)
    assert jobs.run_exports(app)["exports"] == 1
    assert job_of(dbs, job_id) == (
        "failed", "This export failed. Try again, or export a shorter list.", None)


def test_a_worker_that_runs_too_long_is_stopped(app, dbs, monkeypatch):
    monkeypatch.setattr(export_jobs, "worker_command",
                        lambda: [sys.executable, "-c", "import time; time.sleep(30)"])
    job_id = queue(dbs)
    from app.extensions import db
    from app.services.clock import utcnow

    with app.app_context():
        started = utcnow()
        export_jobs.run_next(db.session, db.engine, app.config["FILE_STORAGE_PATH"],
                             timeout=1)
        assert (utcnow() - started).total_seconds() < 20
        db.session.remove()
    assert job_of(dbs, job_id) == (
        "failed", "This export took too long and was stopped. Export a shorter list.", None)


def test_two_scheduler_passes_at_once_run_each_job_once(app, dbs, worker_runs):
    from app import jobs

    queued = {queue(dbs, args={"_flt_2_subject": [f.unique("Twice")]}) for _ in range(3)}
    start, counts = threading.Barrier(2), []

    def scheduler():
        start.wait(10)
        counts.append(jobs.run_exports(app)["exports"])

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    ran = [job_id for job_id, _ in worker_runs]
    assert sorted(ran) == sorted(queued) and sum(counts) == 3
    assert {job_of(dbs, job_id)[0] for job_id in queued} == {"done"}


def test_with_file_storage_database_any_web_host_serves_the_export(app, dbs, make_app,
                                                                    monkeypatch, worker_runs):
    from app import jobs
    from app.models import ExportChunk
    from app.services.clock import utcnow

    monkeypatch.setitem(app.config, "EXPORT_BACKGROUND_ROWS", 0)
    monkeypatch.setitem(app.config, "FILE_STORAGE", "database")
    token = f.unique("Stored")
    with dbs() as s:
        for i in range(3):
            f.make_complaint(s, subject=f"{token} {i}", description=INJECTION)
    assert export(login(app.test_client(), "supervisor"),
                  f"_l_=en&_flt_2_subject={token}").status_code == 302
    assert jobs.run_exports(app)["exports"] == 1
    (job_id, answer), = worker_runs
    assert answer["chunks"] == 1
    with dbs() as s:
        job = s.get(ExportJob, job_id)
        assert (job.status, job.storage, job.file_path) == ("done", "database", None)
    folder = os.path.join(app.config["FILE_STORAGE_PATH"], "exports")
    assert not [name for name in os.listdir(folder) if name.startswith(f"export-{job_id}-")]

    other_host = make_app(FILE_STORAGE="database")  # another disk, the same database
    owner = login(other_host.test_client(), "supervisor")
    _, rows = rows_of(workbook(owner.get(f"/exports/{job_id}/download")).active)
    assert len(rows) == 3 and {r["Description"] for r in rows} == {INJECTION}
    assert login(other_host.test_client(), "agent").get(
        f"/exports/{job_id}/download").status_code == 404

    with dbs() as s:
        s.get(ExportJob, job_id).finished_at = datetime(2026, 1, 1)
        s.commit()
        assert export_jobs.remove_expired(s, utcnow(), 3) >= 1
        assert s.scalars(select(ExportChunk).where(ExportChunk.job_id == job_id)).all() == []
    assert owner.get(f"/exports/{job_id}/download").status_code == 404


def test_a_file_in_the_database_reads_back_chunk_by_chunk(app, dbs, tmp_path):
    from app import export_worker
    from app.extensions import db
    from app.services import export_files

    data = os.urandom(2500)
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    first.write_bytes(data)
    second.write_bytes(data[:1500])
    job_id = queue(dbs)
    with app.app_context():
        engine = db.engine
        assert export_worker.store_in_database(engine, job_id, str(first), 1000) == 3
        # A job run again after an expired lease replaces the chunks of the first run.
        assert export_worker.store_in_database(engine, job_id, str(second), 1000) == 2
        job = db.session.get(ExportJob, job_id)
        job.storage = "database"
        with export_files.file_source(engine, job) as handle:
            assert handle.read() == data[:1500]
        db.session.delete(job)  # its chunks go with it; no pending job left behind
        db.session.commit()
    assert not first.exists() and not second.exists()
