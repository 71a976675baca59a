"""Configuration → Mailboxes through the web pages, in French and English: an admin adds
a mailbox (its password stored encrypted, never shown back), tests the connection
against a real Dovecot (the server's reason when it fails), and sees a failing mailbox in
red; settings that cannot work are refused with a translated message."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.models import Mailbox
from app.services import mailboxes, secret_box
from tests import factories as f
from tests.integration.imap_server import PASSWORD, USER


def form(port, **changes):
    values = {"name": f.unique("Accueil "), "host": "127.0.0.1", "port": str(port),
              "security": "none", "username": USER, "password": PASSWORD,
              "folder": "INBOX", "processed_action": "seen", "move_to": "", "active": "y"}
    return {**values, **changes}


def in_language(client, language):
    client.get(f"/lang/{language}")  # the session's language (FAB)
    return client


def by_name(dbs, name):
    with dbs() as s:
        return s.scalars(select(Mailbox).where(Mailbox.name == name)).one_or_none()


@pytest.mark.parametrize("language, succeeded, failed, typed_again", [
    # f.messages joins words with plain spaces (the catalog has no-break ones).
    ("fr", "Connexion réussie : 1 courriel(s) en attente dans le dossier.",
     "La connexion à la boîte aux lettres a échoué :", "Saisissez de nouveau le mot de passe"),
    ("en", "Connection succeeded: 1 mail(s) waiting in the folder.",
     "The connection to the mailbox failed:", "Type the password again"),
])
def test_admin_adds_a_mailbox_and_tests_its_connection(app, admin_client, dbs, dovecot,
                                                       language, succeeded, failed,
                                                       typed_again):
    client = in_language(admin_client, language)
    data = form(dovecot.port)
    assert client.post("/config/mailboxes/add", data=data).status_code == 302
    mailbox = by_name(dbs, data["name"])
    assert PASSWORD not in (mailbox.password_encrypted or "")
    dovecot.deliver(b"From: a@example.net\r\nSubject: essai\r\n\r\nbonjour\r\n")

    page = client.post(f"/config/mailboxes/action/test_connection/{mailbox.id}",
                      follow_redirects=True)
    assert succeeded in f.messages(page)

    edit = client.get(f"/config/mailboxes/edit/{mailbox.id}").get_data(as_text=True)
    assert 'name="password"' in edit and PASSWORD not in edit  # never shown back
    # Left empty: unchanged. Another one: the test says what the server answered.
    unchanged = {**data, "password": ""}
    assert client.post(f"/config/mailboxes/edit/{mailbox.id}",
                       data=unchanged).status_code == 302
    assert secret_box.decrypt(app.config["SECRET_KEY"], mailboxes.PURPOSE,
                              by_name(dbs, data["name"]).password_encrypted) == PASSWORD
    # Another server with the stored password: refused, the password must be typed again.
    elsewhere = client.post(f"/config/mailboxes/edit/{mailbox.id}",
                            data={**unchanged, "host": "localhost"}, follow_redirects=True)
    assert any(typed_again in text for text in f.messages(elsewhere))
    assert by_name(dbs, data["name"]).host == "127.0.0.1"
    client.post(f"/config/mailboxes/edit/{mailbox.id}", data={**data, "password": "faux"})
    page = client.post(f"/config/mailboxes/action/test_connection/{mailbox.id}",
                      follow_redirects=True)
    (shown,) = [text for text in f.messages(page) if text.startswith(failed)]
    assert "AUTHENTICATIONFAILED" in shown


@pytest.mark.parametrize("language, refusal", [
    ("fr", "Sans chiffrement, seul un serveur sur cette machine"),
    ("en", "Without encryption, only a server on this machine"),
])
def test_settings_that_cannot_work_are_refused(admin_client, dbs, language, refusal):
    client = in_language(admin_client, language)
    data = form(993, host="imap.example.org")
    page = client.post("/config/mailboxes/add", data=data, follow_redirects=True)
    assert any(refusal in text for text in f.messages(page))
    assert by_name(dbs, data["name"]) is None
    page = client.post("/config/mailboxes/add", data={**data, "password": ""},
                       follow_redirects=True)
    assert by_name(dbs, data["name"]) is None


@pytest.mark.parametrize("language, word, button", [
    ("fr", "Dernière erreur", "Tester la connexion"),
    ("en", "Last error", "Test the connection")])
def test_a_failing_mailbox_is_shown_in_red_with_its_error(admin_client, dbs, language, word,
                                                          button):
    client = in_language(admin_client, language)
    data = form(1, name=f.unique("Panne "))
    assert client.post("/config/mailboxes/add", data=data).status_code == 302
    with dbs() as s:
        mailbox = s.scalars(select(Mailbox).where(Mailbox.name == data["name"])).one()
        mailbox.last_error, mailbox.failures = "[Errno 111] Connection refused", 1
        mailbox.last_error_at = mailbox.last_polled_at = datetime(2026, 12, 6, 9, 30)
        s.commit()
        pk = mailbox.id
    for path in ("/config/mailboxes/list/", f"/config/mailboxes/show/{pk}"):
        html = client.get(path).get_data(as_text=True)
        assert word in html
        assert ('<span class="text-danger"><strong>[Errno 111] Connection refused'
                '</strong></span>') in html
    assert "btn-action-MailboxView.action-test_connection" in html and button in html


def test_mailboxes_are_for_admins_only(agent_client, supervisor_client):
    for client in (agent_client, supervisor_client):
        assert client.get("/config/mailboxes/list/").status_code in (302, 403)
        assert client.post("/config/mailboxes/add", data=form(143)).status_code in (302, 403)
