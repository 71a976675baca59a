"""Personal data export: an admin downloads, for one email address, a ZIP of everything
held about it (complaints with history, notes, messages and files; clients; portal
submissions; emails), with nothing of another person's; the export is logged."""

import io
import json
import zipfile

from sqlalchemy import func, select

from app.models import Event, Message, Note, OutboundEmail, PublicSubmission
from app.models.messages import IN
from app.services import attachments, outbox
from app.services.personal_data import EXPORTED
from tests import factories as f

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def person(session, app, email, name, secret):
    complaint = f.make_complaint(session, complainant_email=email, complainant_name=name,
                                 description=secret)
    session.add_all([Note(complaint_id=complaint.id, body=f"Note sur {name}"),
                     Message(complaint_id=complaint.id, direction=IN, body=f"Ici {name}",
                             sender_email=email, source="portal"),
                     PublicSubmission(tracking_number=f.unique("PUB-"),
                                      payload=json.dumps({"email": email, "name": name}))])
    outbox.queue_email(session, email, f"Bonjour {name}", f"Texte pour {name}")
    session.commit()
    attachments.add_attachments(session, complaint, [attachments.Upload(f"{name}.pdf", PDF)],
                                None, app.config)
    return complaint


def test_the_export_holds_the_person_and_nobody_else(app, session, admin_client):
    email = f"{f.unique('anne')}@example.org"
    mine = person(session, app, email, "Anne Sujet", "Secret d'Anne")
    client = f.make_client(session, email=email.upper(), name="Anne Sujet SARL")
    by_client = f.make_complaint(session, client=client, complainant_email=None)
    other = person(session, app, f"{f.unique('paul')}@example.org", "Paul Autre",
                   "Secret de Paul")
    response = admin_client.post("/audit/personal-data/", data={"email": f" {email.upper()} "})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("data.json"))
    numbers = {c["complaint"]["tracking_number"] for c in data["complaints"]}
    assert numbers == {mine.tracking_number, by_client.tracking_number}
    ours = next(c for c in data["complaints"]
                if c["complaint"]["tracking_number"] == mine.tracking_number)
    assert ours["complaint"]["description"] == "Secret d'Anne"
    assert [n["body"] for n in ours["notes"]] == ["Note sur Anne Sujet"]
    assert [m["body"] for m in ours["messages"]] == ["Ici Anne Sujet"]
    assert ours["events"] and ours["attachments"][0]["original_name"] == "Anne Sujet.pdf"
    assert archive.read(ours["attachments"][0]["file_in_export"]) == PDF
    assert [c["id"] for c in data["clients"]] == [client.id]
    assert [s["payload"]["name"] for s in data["portal_submissions"]] == ["Anne Sujet"]
    assert "Bonjour Anne Sujet" in {e["subject"] for e in data["emails_sent"]}
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for foreign in ("Paul Autre", "Secret de Paul", other.tracking_number):
        assert foreign.encode() not in everything
    logged = session.scalars(select(Event).where(Event.kind == EXPORTED,
                                                 Event.complaint_id == mine.id)).all()
    assert [e.user_id for e in logged] == [f.user(session, "admin").id]
    assert not session.scalar(select(func.count()).select_from(Event).where(
        Event.kind == EXPORTED, Event.complaint_id == other.id))
    session.query(OutboundEmail).filter(OutboundEmail.status == "pending",
                                        OutboundEmail.subject.like("Bonjour %")).update(
        {"status": "failed"})
    session.commit()


def test_a_bad_address_gets_a_message_and_exports_nothing(session, admin_client):
    before = session.scalar(select(func.count()).select_from(Event).where(
        Event.kind == EXPORTED))
    for bad in ("", "not-an-address", "x" * 400 + "@example.org"):
        page = admin_client.post("/audit/personal-data/", data={"email": bad})
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
        assert "Saisissez une adresse e-mail ou un numéro de téléphone valide." in page.get_data(
            as_text=True)
    assert session.scalar(select(func.count()).select_from(Event).where(
        Event.kind == EXPORTED)) == before
    assert admin_client.get("/audit/personal-data/").status_code == 200


def test_a_phone_only_complainant_gets_their_export(app, session, admin_client):
    """A complainant with a phone and no email (SMS, issue [15]) is found by their number,
    typed as they say it, and so is a number stored as typed before numbers were checked."""
    import random

    from app.models import OutboundSms

    # A number no other test texted, in a range allotted to mobiles (06 12 …).
    digits = f"12{random.randrange(10**6):06d}"
    e164, spaced = f"+336{digits}", "06 " + " ".join(digits[i:i + 2] for i in range(0, 8, 2))
    mine = f.make_complaint(session, complainant_email=None, complainant_phone=e164,
                            complainant_name="Inès Téléphone", description="Secret d'Inès")
    older = f.make_complaint(session, complainant_email=None,
                             complainant_phone=spaced, complainant_name="Inès")
    other = f.make_complaint(session, complainant_email=None,
                             complainant_phone="+33700000001", description="Secret d'autrui")
    session.add(OutboundSms(complaint_id=mine.id, recipient=e164,
                            body=f"Votre réclamation {mine.tracking_number}", status="sent"))
    session.commit()

    response = admin_client.post("/audit/personal-data/",
                                 data={"email": spaced.replace(" ", ".")})

    assert response.headers["Content-Type"] == "application/zip"
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.data)).read("data.json"))
    assert data["phone"] == e164
    assert {c["complaint"]["tracking_number"] for c in data["complaints"]} == {
        mine.tracking_number, older.tracking_number}
    # Its acknowledgements by SMS, and the one added here: all to that number.
    assert {m["recipient"] for m in data["sms_sent"]} == {e164}
    assert f"Votre réclamation {mine.tracking_number}" in {m["body"] for m in data["sms_sent"]}
    assert other.tracking_number not in response.data.decode("latin-1")
