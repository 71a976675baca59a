"""Attachments on complaints: accepted by their content, stored under random names with
their checksum, downloadable only within the reader's scope, removed with an Event —
in the local folder and in the database."""

import hashlib
import io
from pathlib import Path
from urllib.parse import quote

import pytest
from docx import Document
from sqlalchemy import select

from app.domain import events as ev
from app.models import Attachment, DeletedComplaint, Event, StoredFile
from tests import factories as f
from tests.conftest import login

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200


def docx_bytes(text="Bonjour") -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()




def complaint_of(app, username="agent"):
    """A complaint assigned to ``username`` (so in an agent's scope)."""
    with app.app_context():
        from app.extensions import db

        s = db.session
        complaint = f.make_complaint(s, actor=f.user(s, "admin"),
                                     assignee=f.user(s, username))
        return complaint.id


def upload(client, pk, *files):
    data = {"files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(f"/complaints/{pk}/attachments?_l_=en", data=data,
                       content_type="multipart/form-data", follow_redirects=True)


def attachments(app, pk):
    with app.app_context():
        from app.extensions import db

        rows = db.session.scalars(select(Attachment).where(Attachment.complaint_id == pk)
                                  .order_by(Attachment.id)).all()
        db.session.expunge_all()
        return rows


def files_in(app) -> list[Path]:
    root = Path(app.config["FILE_STORAGE_PATH"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_several_files_at_once_stored_with_checksum_and_events(app, agent_client):
    pk = complaint_of(app)
    docx = docx_bytes()
    page = upload(agent_client, pk, ("Réponse signée.pdf", PDF), ("lettre.docx", docx),
                  ("notes.txt", "Relevé : 42 m³\n".encode()))
    assert "3 file(s) attached." in " ".join(f.messages(page))
    rows = attachments(app, pk)
    assert [(a.original_name, a.content_type) for a in rows] == [
        ("Réponse signée.pdf", "application/pdf"),
        ("lettre.docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("notes.txt", "text/plain"),
    ]
    assert rows[1].sha256 == hashlib.sha256(docx).hexdigest() and rows[1].size == len(docx)
    for row in rows:
        assert row.storage == "local" and len(row.stored_name) == 32
        stored = Path(app.config["FILE_STORAGE_PATH"]) / row.stored_name[:2] / row.stored_name
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == row.sha256
        assert row.original_name not in str(stored)
    with app.app_context():
        from app.extensions import db

        added = db.session.scalars(select(Event.new_value).where(
            Event.complaint_id == pk, Event.kind == ev.ATTACHMENT_ADDED)).all()
    assert set(added) == {"lettre.docx", "notes.txt", "Réponse signée.pdf"}
    assert "Réponse signée.pdf" in page.text  # listed on the Documents & emails tab


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("facture.pdf", EXE, "is a program or a script"),
    ("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\0" * 100, "is a program or a script"),
    ("lisez-moi.txt", b"#!/bin/sh\nrm -rf /\n", "is a program or a script"),
    ("rapport.docx", f.zip_bomb_docx(), "inflates to an unreasonable size"),
    ("data.bin", bytes(range(256)), "is not an accepted kind of file"),
])
def test_refused_by_content_whatever_the_name(app, agent_client, name, content, expected):
    pk = complaint_of(app)
    before = files_in(app)
    page = upload(agent_client, pk, ("ok.pdf", PDF), (name, content))
    text = " ".join(f.messages(page)) + " "
    assert f"“{name}” " in text and expected in text.replace("\u202f", " ")
    # All or nothing: the good file of the same upload is not kept either.
    assert attachments(app, pk) == [] and files_in(app) == before


def test_oversize_file_is_refused_with_a_clear_message(app, make_app):
    small = make_app(ATTACHMENT_MAX_BYTES=1000, WTF_CSRF_ENABLED=False)
    client = login(small.test_client(), "agent")
    pk = complaint_of(app)
    page = upload(client, pk, ("gros.pdf", PDF + b"x" * 1000))
    assert "“gros.pdf” is too large: at most 1000 B a file." in f.messages(page)
    assert attachments(app, pk) == [] and files_in(small) == []


def test_request_over_the_limit_gets_a_message_not_an_error(app, make_app):
    small = make_app(ATTACHMENT_MAX_BYTES=1000, ATTACHMENT_MAX_FILES=1,
                     MAX_CONTENT_LENGTH=4000)
    client = login(small.test_client(), "agent")
    pk = complaint_of(app)
    show = f"http://localhost/complaints/show/{pk}"
    response = client.post(f"/complaints/{pk}/attachments?_l_=en",
                           data={"files": [(io.BytesIO(b"x" * 10000), "big.pdf")]},
                           content_type="multipart/form-data", headers={"Referer": show})
    assert response.status_code == 302 and response.headers["Location"] == show
    page = client.get(f"/complaints/show/{pk}?_l_=en")
    assert any("too large" in m for m in f.messages(page))
    assert attachments(app, pk) == []


def test_download_keeps_the_unicode_name_and_the_sniffed_type(app, agent_client):
    pk = complaint_of(app)
    upload(agent_client, pk, ("Compte-rendu été 2026 «final».pdf", PDF))
    (row,) = attachments(app, pk)
    response = agent_client.get(f"/complaints/{pk}/attachments/{row.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("Compte-rendu été 2026 «final».pdf") in disposition


def test_agent_cannot_download_another_scopes_file(app, agent_client, supervisor_client):
    pk = complaint_of(app, "agent2")
    upload(supervisor_client, pk, ("secret.pdf", PDF))
    (row,) = attachments(app, pk)
    url = f"/complaints/{pk}/attachments/{row.id}"
    assert supervisor_client.get(url).status_code == 200
    assert agent_client.get(url).status_code == 404
    assert agent_client.post(f"{url}/remove").status_code == 404
    assert upload(agent_client, pk, ("x.pdf", PDF)).status_code == 404
    other = complaint_of(app)  # the agent's own complaint: the id does not belong to it
    assert agent_client.get(f"/complaints/{other}/attachments/{row.id}").status_code == 404


def test_removal_writes_an_event_and_deletes_the_file(app, agent_client, supervisor_client):
    pk = complaint_of(app)
    upload(agent_client, pk, ("a.pdf", PDF), ("b.pdf", PDF + b"b"))
    first, second = attachments(app, pk)
    stored = Path(app.config["FILE_STORAGE_PATH"]) / first.stored_name[:2] / first.stored_name
    assert stored.exists()
    page = agent_client.post(f"/complaints/{pk}/attachments/{first.id}/remove?_l_=en",
                             follow_redirects=True)
    assert "“a.pdf” removed." in f.messages(page)
    assert not stored.exists()
    assert [a.id for a in attachments(app, pk)] == [second.id]
    with app.app_context():
        from app.extensions import db

        event = db.session.scalars(select(Event).where(
            Event.complaint_id == pk, Event.kind == ev.ATTACHMENT_REMOVED)).one()
        assert event.old_value == "a.pdf" and event.user.username == "agent"
    # Another agent's file: only its uploader or a supervisor removes it.
    with app.app_context():
        from app.extensions import db

        row = db.session.get(Attachment, second.id)
        row.uploaded_by_id = f.user(db.session, "admin").id
        db.session.commit()
    agent_client.post(f"/complaints/{pk}/attachments/{second.id}/remove")
    assert [a.id for a in attachments(app, pk)] == [second.id]
    supervisor_client.post(f"/complaints/{pk}/attachments/{second.id}/remove")
    assert attachments(app, pk) == []


def test_viewer_may_not_attach(app, viewer_client):
    pk = complaint_of(app)
    assert upload(viewer_client, pk, ("a.pdf", PDF)).status_code == 403


def test_deleting_the_complaint_removes_its_files_and_lists_them(app, supervisor_client):
    pk = complaint_of(app)
    upload(supervisor_client, pk, ("pièce.pdf", PDF))
    (row,) = attachments(app, pk)
    stored = Path(app.config["FILE_STORAGE_PATH"]) / row.stored_name[:2] / row.stored_name
    assert stored.exists()
    page = supervisor_client.get(f"/complaints/show/{pk}")
    assert 'id="delete-blocked"' not in page.text  # attachments do not block deletion
    supervisor_client.post(f"/complaints/delete/{pk}")
    assert not stored.exists() and attachments(app, pk) == []
    with app.app_context():
        from app.extensions import db

        record = db.session.scalars(select(DeletedComplaint)
                                    .where(DeletedComplaint.complaint_id == pk)).one()
        assert "pièce.pdf" in record.snapshot and row.sha256 in record.snapshot


def test_database_storage(app, make_app):
    shared = make_app(FILE_STORAGE="database", WTF_CSRF_ENABLED=False)
    client = login(shared.test_client(), "agent")
    pk = complaint_of(app)
    data = b"id;montant\n1;42,50\n2;13,00\n"
    upload(client, pk, ("relevé.csv", data))
    (row,) = attachments(app, pk)
    assert row.storage == "database" and row.content_type == "text/csv"
    assert files_in(shared) == []
    with app.app_context():
        from app.extensions import db

        assert db.session.get(StoredFile, row.stored_name).content == data
    response = client.get(f"/complaints/{pk}/attachments/{row.id}")
    assert response.data == data and response.mimetype == "text/csv"
    client.post(f"/complaints/{pk}/attachments/{row.id}/remove")
    with app.app_context():
        from app.extensions import db

        assert db.session.get(StoredFile, row.stored_name) is None
