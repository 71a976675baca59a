"""Backup and restore (``flask --app run backup`` / ``restore``) of an instance with
complaints, history, attachments and letters, taken while a thread keeps writing, restored
into a fresh instance: every complaint, event, file and count matches; a damaged archive or
a non-empty target is refused. On SQLite, and on PostgreSQL with TEST_DATABASE_URL."""

import hashlib
import json
import tarfile
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.domain import backup as rules

WRITES_BEFORE_BACKUP = 5


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)


def populate(app):
    """Complaints with history (demo), an attachment on five of them, two letters each."""
    from app.extensions import db
    from app.models import Complaint, GeneratedDocument
    from app.services import attachments, demo

    result = invoke(app, "setup", "--no-admin")
    assert result.exit_code == 0, result.output
    with app.app_context():
        demo.load_demo(db.session, clients=5, complaints=30, seed=7)
        for complaint in db.session.scalars(select(Complaint).order_by(Complaint.id).limit(5)):
            attachments.add_attachments(
                db.session, complaint,
                [attachments.Upload(f"pièce-{complaint.id}.txt",
                                    f"contenu {complaint.id}\n".encode() * 50)],
                None, app.config)
            for n in range(2):
                db.session.add(GeneratedDocument(
                    complaint_id=complaint.id, filename=f"lettre-{n}.docx",
                    content=f"lettre {complaint.id}-{n}".encode()))
        db.session.commit()
        db.session.remove()


class Writer(threading.Thread):
    """Adds a note (and its event) to complaints until stopped: the application writing."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app, self.stop, self.written, self.errors = app, threading.Event(), 0, []
        self.started_writing = threading.Event()

    def run(self):
        from app.extensions import db
        from app.models import Complaint, Note

        with self.app.app_context():
            ids = db.session.scalars(select(Complaint.id)).all()
            db.session.remove()
            while not self.stop.is_set():
                try:
                    db.session.add(Note(complaint_id=ids[self.written % len(ids)],
                                        body=f"écrit pendant la sauvegarde {self.written}"))
                    db.session.commit()
                    self.written += 1
                except Exception as exc:  # noqa: BLE001 - reported by the test
                    self.errors.append(exc)
                    db.session.rollback()
                    break
                finally:
                    db.session.remove()
                if self.written >= WRITES_BEFORE_BACKUP:
                    self.started_writing.set()
            self.started_writing.set()


def snapshot(app):
    """Complaints, events, attachments' bytes and letters of ``app``, comparable."""
    from app.extensions import db
    from app.models import Attachment, Complaint, Event, GeneratedDocument
    from app.services import attachments

    with app.app_context():
        s = db.session
        taken = {
            "complaints": {c.id: (c.tracking_number, c.subject, c.state_id, c.received_at)
                           for c in s.scalars(select(Complaint))},
            "events": {e.id: (e.complaint_id, e.kind, e.created_at)
                       for e in s.scalars(select(Event))},
            "files": {a.id: hashlib.sha256(attachments.content_of(s, a, app.config))
                      .hexdigest() for a in s.scalars(select(Attachment))},
            "sha256": {a.id: a.sha256 for a in s.scalars(select(Attachment))},
            "letters": {d.id: d.content for d in s.scalars(select(GeneratedDocument))},
        }
        s.remove()
    return taken


@pytest.mark.parametrize("file_storage", ["local", "database"])
def test_a_backup_taken_while_writing_restores_everything(instance, tmp_path, file_storage):
    source = instance("src", FILE_STORAGE=file_storage)
    populate(source)
    writer = Writer(source)
    writer.start()
    assert writer.started_writing.wait(30)
    result = invoke(source, "backup", "--to", str(tmp_path / "archives"))
    writer.stop.set()
    writer.join(30)
    assert result.exit_code == 0, result.output
    assert not writer.errors
    archive = next((tmp_path / "archives").glob("reclamations-*.tar"))

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(rules.MANIFEST))
    kind = "sqlite" if source.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") \
        else "postgresql"
    assert manifest["database"] == kind
    assert manifest["revision"] and manifest["product_version"]
    assert manifest["counts"]["complaint"] == 30
    assert manifest["counts"]["attachment"] == 5
    assert manifest["counts"]["generated_document"] == 10
    attachment_members = [m for m in manifest["files"] if m.startswith(rules.FILES)]
    assert len(attachment_members) == (5 if file_storage == "local" else 0)
    before = snapshot(source)

    target = instance("dst", FILE_STORAGE=file_storage)
    result = invoke(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "Schema up to date" in result.output
    after = snapshot(target)

    assert after["complaints"] == before["complaints"]
    assert after["letters"] == before["letters"]
    assert after["files"] == after["sha256"] == before["sha256"]
    # The events of the snapshot, exactly; the notes written after it are not there.
    assert len(after["events"]) == manifest["counts"]["event"]
    assert all(before["events"][i] == row for i, row in after["events"].items())
    from app.extensions import db
    from app.services.backup import target_counts

    with target.app_context():
        counts = target_counts(db.engine, list(manifest["counts"]))
    assert counts == manifest["counts"]
    assert writer.written >= WRITES_BEFORE_BACKUP


def test_a_damaged_archive_and_a_busy_target_are_refused(instance, tmp_path):
    source = instance("src")
    populate(source)
    assert invoke(source, "backup", "--to", str(tmp_path / "a.tar")).exit_code == 0
    with tarfile.open(tmp_path / "a.tar") as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith(rules.FILES))
    data = bytearray((tmp_path / "a.tar").read_bytes())
    data[member.offset_data + 3] ^= 0x01  # one byte of one attached file
    (tmp_path / "bad.tar").write_bytes(bytes(data))

    target = instance("dst")
    result = invoke(target, "restore", str(tmp_path / "bad.tar"))
    assert result.exit_code == 1
    assert member.name in result.output
    assert not (tmp_path / "dst" / "files").exists()  # nothing restored

    assert invoke(target, "restore", str(tmp_path / "a.tar")).exit_code == 0
    again = invoke(target, "restore", str(tmp_path / "a.tar"))
    assert again.exit_code == 1
    assert "--force" in again.output
    assert invoke(target, "restore", "--force", str(tmp_path / "a.tar")).exit_code == 0


def test_backup_keep_rotates_and_the_daily_job_runs_once(instance, tmp_path):
    from app.jobs import backup_daily

    folder = tmp_path / "daily"
    folder.mkdir()
    for day in ("20200101", "20200102", "20200103"):
        (folder / f"reclamations-{day}-020000.tar").write_bytes(b"old")
    (folder / "notes.txt").write_text("not an archive")
    source = instance("src", BACKUP_DIR=str(folder), BACKUP_KEEP=2)
    assert invoke(source, "setup", "--no-admin").exit_code == 0

    first = backup_daily(source)
    assert first["backup"].startswith(f"reclamations-{datetime.now(UTC):%Y%m%d}")
    assert first["removed"] == ["reclamations-20200101-020000.tar",
                                "reclamations-20200102-020000.tar"]
    assert backup_daily(source)["backup"] is None  # today's archive exists
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["notes.txt", "reclamations-20200103-020000.tar", first["backup"]])

    result = invoke(source, "backup", "--to", str(folder), "--keep", "1")
    assert result.exit_code == 0
    assert "reclamations-20200103-020000.tar" in result.output
    assert len(rules.archives(p.name for p in folder.iterdir())) == 1
