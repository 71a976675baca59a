"""Email intake (``flask intake email``) from .eml fixtures: a new mail becomes a
complaint (channel email) with its accepted attachments and a confirmation email; a
reply quoting a tracking number becomes a message on it when the sender matches;
auto-replies and bounces are ignored; a mail taken in twice counts once."""

import shutil
from pathlib import Path

from sqlalchemy import select

from app.domain import events
from app.models import (
    Attachment,
    Complaint,
    Event,
    InboundEmail,
    Message,
    Notification,
    OutboundEmail,
)
from tests import factories

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "intake"


def render(name, **values) -> bytes:
    text = (FIXTURES / name).read_text()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text.encode()


def intake(app, *args, input=None):
    result = app.test_cli_runner().invoke(args=["intake", "email", *args], input=input)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_folder_of_eml_files_is_taken_in_once(app, dbs, tmp_path):
    folder = tmp_path / "mails"
    folder.mkdir()
    shutil.copy(FIXTURES / "new_complaint.eml", folder)
    shutil.copy(FIXTURES / "bounce.eml", folder)
    (folder / "auto.eml").write_bytes(render("auto_reply.eml", SENDER="a@example.net",
                                             TRACKING="REC-2026-000001"))
    output = intake(app, "--dir", str(folder))
    assert "new_complaint.eml: complaint REC-" in output
    assert "bounce.eml: ignored" in output and "auto.eml: ignored" in output

    with dbs() as s:
        taken = s.scalars(select(InboundEmail).where(
            InboundEmail.message_id == "<new-complaint-0001@example.net>")).one()
        complaint = s.get(Complaint, taken.complaint_id)
        assert complaint.channel.code == "email"
        assert complaint.complainant_email == "paul.dure@example.net"
        assert complaint.complainant_name == "Paul Duré"
        assert complaint.subject == "Compteur défectueux depuis lundi"
        assert "compteur d'eau n°A-77" in complaint.description
        names = [a.original_name for a in s.scalars(select(Attachment).where(
            Attachment.complaint_id == complaint.id))]
        assert names == ["facture.pdf"]  # the program disguised as a PDF is left out
        created = s.scalars(select(Event).where(Event.complaint_id == complaint.id,
                                                Event.kind == events.CREATED)).one()
        assert created.actor_kind == events.ACTOR_COMPLAINANT
        confirmation = s.scalars(select(OutboundEmail).where(
            OutboundEmail.complaint_id == complaint.id)).one()
        assert confirmation.recipient == "paul.dure@example.net"
        assert "/public/track/" in confirmation.body_text
        count = s.query(Complaint).count()

    again = intake(app, "--dir", str(folder))
    assert "Done: 3 duplicate." in again
    with dbs() as s:
        assert s.query(Complaint).count() == count


def test_a_reply_becomes_an_unread_message_with_its_attachment(app, dbs):
    email = f"{factories.unique('jeanne')}@example.org"
    with dbs() as s:
        agent = factories.user(s, "agent")
        complaint = factories.make_complaint(s, complainant_email=email, assignee=agent)
        pk, number, agent_id = complaint.id, complaint.tracking_number, agent.id
        emails_before = s.query(OutboundEmail).count()
    output = intake(app, input=render("reply.eml", SENDER=email.upper(), TRACKING=number))
    assert output.strip() == f"message {number}"

    with dbs() as s:
        message = s.scalars(select(Message).where(Message.complaint_id == pk)).one()
        assert message.direction == "in" and message.unread and message.source == "email"
        assert message.body == "Voici la photo du compteur demandée."  # quote left out
        assert [a.original_name for a in message.attachments] == ["compteur.png"]
        assert s.scalars(select(Notification).where(
            Notification.complaint_id == pk, Notification.user_id == agent_id,
            Notification.kind == "message_received")).one()
        assert s.query(OutboundEmail).count() == emails_before  # nothing answered
    # Delivered twice by the mail server: taken in once.
    assert intake(app, input=render("reply.eml", SENDER=email, TRACKING=number)).strip() \
        == "duplicate"


def test_a_reply_from_another_address_does_not_reach_the_complaint(app, dbs):
    with dbs() as s:
        complaint = factories.make_complaint(
            s, complainant_email=f"{factories.unique('owner')}@example.org")
        pk, number = complaint.id, complaint.tracking_number
    output = intake(app, input=render("reply.eml", SENDER="intruder@example.net",
                                      TRACKING=number))
    assert output.startswith("complaint REC-") and number not in output
    with dbs() as s:
        assert not s.scalars(select(Message).where(Message.complaint_id == pk)).all()


def test_an_auto_reply_to_a_complaint_is_ignored(app, dbs):
    email = f"{factories.unique('away')}@example.org"
    with dbs() as s:
        complaint = factories.make_complaint(s, complainant_email=email)
        pk, number = complaint.id, complaint.tracking_number
        before = s.query(OutboundEmail).count()
    assert intake(app, input=render("auto_reply.eml", SENDER=email,
                                    TRACKING=number)).strip() == "ignored"
    with dbs() as s:
        assert not s.scalars(select(Message).where(Message.complaint_id == pk)).all()
        assert s.query(OutboundEmail).count() == before
