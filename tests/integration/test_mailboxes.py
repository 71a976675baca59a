"""IMAP mailboxes read by the scheduler, against a real Dovecot on loopback: mails become
complaints and messages exactly once (two polls at once, a poll that died half-way), are
marked processed as configured, and a wrong password or a dead server is reported on the
mailbox without stopping the others."""

import re
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from app.jobs import poll_mailboxes
from app.models import Attachment, Channel, Complaint, InboundEmail, Mailbox, Message
from app.services import intake, mailboxes, secret_box
from tests import factories
from tests.integration.conftest import run_concurrently
from tests.integration.imap_server import PASSWORD, USER

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "intake"


def mail(sender=None, subject="Coupure d'eau rue des Lilas", body="Plus d'eau depuis hier.",
         message_id=None, **headers) -> tuple[bytes, str]:
    message = EmailMessage()
    message["From"] = f"Claire Dubois <{sender or factories.unique('claire') + '@example.net'}>"
    message["To"] = "accueil@example.org"
    message["Subject"] = subject
    message["Message-ID"] = message_id or f"<{factories.unique('imap')}@example.net>"
    for key, value in headers.items():
        message[key.replace("_", "-")] = value
    message.set_content(body)
    return bytes(message), message["Message-ID"]


def make_mailbox(app, dbs, server_port, password=PASSWORD, **fields) -> int:
    with dbs() as s:
        values = {"name": factories.unique("Accueil "), "host": "127.0.0.1",
                  "port": server_port, "security": "none", "username": USER,
                  "folder": "INBOX", "processed_action": "seen", "active": True,
                  "failures": 0, "taken_in": 0,
                  "password_encrypted": mailboxes.encrypt_password(
                      app.config["SECRET_KEY"], password)}
        box = Mailbox(**{**values, **fields})
        s.add(box)
        s.commit()
        return box.id


def poll(app, dbs, mailbox_id):
    with dbs() as s:
        return mailboxes.poll_mailbox(s, s.get(Mailbox, mailbox_id), app.config)


def complaints_from(dbs, message_id):
    with dbs() as s:
        return s.scalars(select(Complaint).join(
            InboundEmail, InboundEmail.complaint_id == Complaint.id).where(
            InboundEmail.message_id == message_id)).all()


@pytest.fixture
def only_mailbox(dbs):
    """No other mailbox of the session's database is polled by the job meanwhile."""
    with dbs() as s:
        s.query(Mailbox).update({Mailbox.active: False})
        s.commit()


def test_a_mail_becomes_a_complaint_once_with_the_mailboxs_defaults(app, dbs, dovecot):
    with dbs() as s:
        team = factories.make_team(s)
        phone = s.scalars(select(Channel).where(Channel.code != "email")).first()
        team_id, channel_id = team.id, phone.id
    box = make_mailbox(app, dbs, dovecot.port, team_id=team_id, channel_id=channel_id)
    raw = (FIXTURES / "new_complaint.eml").read_bytes().replace(
        b"<new-complaint-0001@example.net>", b"<imap-new-0001@example.net>")
    dovecot.deliver(raw)

    assert poll(app, dbs, box) == {"complaint": 1}
    (complaint,) = complaints_from(dbs, "<imap-new-0001@example.net>")
    assert complaint.complainant_email == "paul.dure@example.net"
    assert complaint.team_id == team_id and complaint.channel_id == channel_id
    with dbs() as s:  # attachments checked like uploads: the disguised program left out
        names = s.scalars(select(Attachment.original_name).where(
            Attachment.complaint_id == complaint.id)).all()
    assert names == ["facture.pdf"]
    assert dovecot.uids(criteria=["UNSEEN"]) == []  # marked read once committed
    # Unread again on the server (a user's mail client): still taken in once.
    client = dovecot.client()
    client.select_folder("INBOX")
    client.remove_flags(client.search(["ALL"]), [b"\\Seen"])
    client.logout()
    assert poll(app, dbs, box) == {"duplicate": 1}
    assert len(complaints_from(dbs, "<imap-new-0001@example.net>")) == 1


def test_a_reply_becomes_a_message_and_an_auto_reply_is_ignored(app, dbs, dovecot):
    sender = f"{factories.unique('jeanne')}@example.org"
    with dbs() as s:
        complaint = factories.make_complaint(s, complainant_email=sender)
        pk, number = complaint.id, complaint.tracking_number
    box = make_mailbox(app, dbs, dovecot.port)
    reply, _ = mail(sender, subject=f"Re: [{number}] Votre réclamation",
                    body="Voici le relevé demandé.")
    auto, _ = mail(sender, subject=f"Absent : [{number}]", Auto_Submitted="auto-replied")
    dovecot.deliver(reply)
    dovecot.deliver(auto)

    assert poll(app, dbs, box) == {"message": 1, "ignored": 1}
    with dbs() as s:
        bodies = s.scalars(select(Message.body).where(Message.complaint_id == pk)).all()
    assert bodies == ["Voici le relevé demandé."]
    assert dovecot.uids(criteria=["UNSEEN"]) == []


@pytest.mark.parametrize("action", ["move", "delete"])
def test_processed_mails_are_moved_or_deleted(app, dbs, dovecot, action):
    box = make_mailbox(app, dbs, dovecot.port, processed_action=action,
                       move_to="Traitées" if action == "move" else None)
    raw, message_id = mail()
    dovecot.deliver(raw)
    assert poll(app, dbs, box) == {"complaint": 1}
    assert dovecot.uids() == []
    assert len(dovecot.uids("Traitées")) == (1 if action == "move" else 0)
    assert poll(app, dbs, box) == {}
    assert len(complaints_from(dbs, message_id)) == 1


def test_two_polls_at_once_take_each_mail_once(app, dbs, dovecot):
    box = make_mailbox(app, dbs, dovecot.port)
    sent = []
    for _ in range(6):
        raw, message_id = mail()
        dovecot.deliver(raw)
        sent.append(message_id)
    # Both read the same mails at the same time (no claim): the Message-ID decides.
    run_concurrently(app, lambda s: mailboxes.poll_mailbox(s, s.get(Mailbox, box),
                                                           app.config), workers=2)
    for message_id in sent:
        assert len(complaints_from(dbs, message_id)) == 1, message_id
    assert dovecot.uids(criteria=["UNSEEN"]) == []


def test_two_schedulers_at_once_take_each_mail_once(app, dbs, dovecot, only_mailbox):
    box = make_mailbox(app, dbs, dovecot.port)
    sent = []
    for _ in range(4):
        raw, message_id = mail()
        dovecot.deliver(raw)
        sent.append(message_id)
    run_concurrently(app, lambda s: mailboxes.poll_due_mailboxes(s, app.config), workers=2)
    for message_id in sent:
        assert len(complaints_from(dbs, message_id)) == 1, message_id
    with dbs() as s:
        mailbox = s.get(Mailbox, box)
        assert mailbox.taken_in == 4 and mailbox.claimed_until is None
        assert mailbox.last_error is None and mailbox.last_polled_at is not None


def test_a_poll_that_died_before_marking_does_not_take_the_mail_twice(app, dbs, dovecot):
    box = make_mailbox(app, dbs, dovecot.port)
    raw, message_id = mail()
    dovecot.deliver(raw)
    with dbs() as s:  # the last poll committed the complaint, then died
        assert intake.take_in(s, raw, app.config)[0] == "complaint"
    assert dovecot.uids(criteria=["UNSEEN"]) != []

    assert poll(app, dbs, box) == {"duplicate": 1}
    assert dovecot.uids(criteria=["UNSEEN"]) == []
    assert len(complaints_from(dbs, message_id)) == 1


def test_a_wrong_password_and_a_dead_server_are_reported_and_retried_later(
        app, dbs, dovecot, only_mailbox):
    wrong = make_mailbox(app, dbs, dovecot.port, password="pas-le-bon")
    good = make_mailbox(app, dbs, dovecot.port)
    raw, message_id = mail()
    dovecot.deliver(raw)

    results = poll_mailboxes(app)
    assert "AUTHENTICATIONFAILED" in results[wrong]["error"]
    assert results[good] == {"complaint": 1}  # the failing one did not stop it
    assert len(complaints_from(dbs, message_id)) == 1
    with dbs() as s:
        failed = s.get(Mailbox, wrong)
        assert "AUTHENTICATIONFAILED" in failed.last_error and failed.failures == 1
        assert failed.last_error_at is not None
        first_wait = failed.next_poll_at - failed.last_error_at
        assert first_wait >= timedelta(seconds=app.config["SCHEDULER_MAILBOX_SECONDS"])
        assert s.get(Mailbox, good).failures == 0
    assert wrong not in poll_mailboxes(app)  # waiting for its next try

    dovecot.stop()
    with dbs() as s:
        s.query(Mailbox).update({Mailbox.next_poll_at: None})
        s.commit()
    results = poll_mailboxes(app)
    assert set(results) == {wrong, good}
    assert re.search(r"refused|Errno", results[good]["error"])
    with dbs() as s:
        failed = s.get(Mailbox, wrong)
        assert failed.failures == 2 and re.search(r"refused|Errno", failed.last_error)
        assert failed.next_poll_at - failed.last_error_at > first_wait  # backing off
        assert failed.claimed_until is None


def test_the_password_is_stored_encrypted_with_a_key_from_secret_key(app, dbs, dovecot):
    box = make_mailbox(app, dbs, dovecot.port)
    with dbs() as s:
        stored = s.get(Mailbox, box).password_encrypted
    assert PASSWORD not in stored
    assert secret_box.decrypt(app.config["SECRET_KEY"], mailboxes.PURPOSE, stored) == PASSWORD
    with pytest.raises(secret_box.SecretUnreadable):
        secret_box.decrypt("another-secret-key-of-the-same-length-or-not", mailboxes.PURPOSE,
                           stored)




@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_tls_and_starttls_check_the_servers_certificate(app, dbs, dovecot_tls, security):
    port = dovecot_tls.tls_port if security == "tls" else dovecot_tls.port
    box = make_mailbox(app, dbs, port, security=security, host="localhost")
    raw, message_id = mail()
    dovecot_tls.deliver(raw)
    with dbs() as s:  # a certificate no trusted authority signed: refused
        with pytest.raises(mailboxes.MailboxUnreachable, match="CERTIFICATE_VERIFY_FAILED"):
            mailboxes.poll_mailbox(s, s.get(Mailbox, box), app.config)
    trusting = {**app.config, "MAILBOX_CA_FILE": dovecot_tls.ca_file}
    with dbs() as s:
        assert mailboxes.test_connection(s.get(Mailbox, box), trusting) == 1
        assert mailboxes.poll_mailbox(s, s.get(Mailbox, box), trusting) == {"complaint": 1}
    assert len(complaints_from(dbs, message_id)) == 1
