"""The complainant's journey, end to end: submit the public form in the browser → the
confirmation email arrives on a real SMTP server (aiosmtpd) → follow its signed link →
reply with a file → the assignee sees the message unread, with the bell, and opens it.

The server is a gunicorn of its own (release step, agent account) whose outbox is
delivered by the embedded scheduler every second to the SMTP server of this module."""

import re
import time

import pytest

from tests.e2e.support import SKIP_REASON

if SKIP_REASON:
    pytest.skip(SKIP_REASON, allow_module_level=True)

from email import message_from_bytes, policy  # noqa: E402

from playwright.sync_api import expect  # noqa: E402

from tests.e2e import support  # noqa: E402
from tests.e2e.conftest import pages_on  # noqa: E402

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


class Mailbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def wait_for(self, recipient, subject_part, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for envelope in self.envelopes:
                mail = message_from_bytes(envelope.content, policy=policy.default)
                if recipient in envelope.rcpt_tos and subject_part in str(mail["Subject"]):
                    return mail
            time.sleep(0.3)
        raise AssertionError(f"no email to {recipient} about {subject_part!r}")


@pytest.fixture(scope="module")
def mailbox():
    from aiosmtpd.controller import Controller

    handler = Mailbox()
    handler.port = support.free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture(scope="module")
def portal_server(tmp_path_factory, mailbox):
    workdir = tmp_path_factory.mktemp("e2e-portal")
    env = support.server_environment(f"sqlite:///{workdir / 'portal.db'}",
                                     workdir / "instance")
    env.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(mailbox_port(mailbox)),
               EMBEDDED_SCHEDULER="1", SCHEDULER_OUTBOX_SECONDS="1")
    support.run_cli(["setup"], env)
    support.run_cli(["fab", "create-user", "--role", "Agent", "--username", support.AGENT[0],
                     "--firstname", "Agent", "--lastname", "Test",
                     "--email", "agent@example.org", "--password", support.AGENT[1]], env)
    server = support.start_server(env, workdir)
    yield server
    support.stop_server(server)


def mailbox_port(mailbox):
    return mailbox.port


@pytest.fixture
def open_page(browser, portal_server, request):
    with pages_on(browser, portal_server, request) as make:
        yield make


def test_complainant_submits_follows_the_emailed_link_and_replies(open_page, mailbox,
                                                                   tmp_path):
    email = f"jeanne.{int(time.time() * 1000)}@example.org"
    page = open_page()
    page.goto("/public/complaint")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.fill("#f-name", "Jeanne Martin")
    page.fill("#f-email", email)
    page.fill("#f-customer_number", "")
    page.select_option("#f-category", "billing")
    page.fill("#f-subject", "Facture de mars erronée")
    page.fill("#f-description", "Le montant de ma facture de mars est deux fois trop élevé.")
    attachment = tmp_path / "releve.pdf"
    attachment.write_bytes(PDF)
    page.set_input_files("#f-files", str(attachment))
    page.click("#submit-complaint")  # consent not ticked: refused with a message
    expect(page.locator('[data-field="consent"]')).to_be_visible()
    page.check("#f-consent")
    page.set_input_files("#f-files", str(attachment))
    page.click("#submit-complaint")
    number = page.locator("#tracking-number").inner_text().strip()
    assert support.TRACKING_RE.match(number)

    mail = mailbox.wait_for(email, number)
    text = mail.get_body(("plain",)).get_content()
    link = re.search(r"(http://\S+/public/track/\S+)", text).group(1)

    reader = open_page()  # the complainant's mailbox, another browser
    reader.goto(link)
    expect(reader.locator("h1")).to_contain_text(number)
    expect(reader.locator("#public-history li")).to_have_count(1)
    reader.fill("#f-body", "Voici le relevé du compteur.")
    photo = tmp_path / "compteur.pdf"
    photo.write_bytes(PDF)
    reader.set_input_files("#f-reply-files", str(photo))
    reader.click("#send-reply")
    expect(reader.locator("#reply-sent")).to_be_visible()
    expect(reader.locator('[data-direction="in"]')).to_contain_text("Voici le relevé")
    expect(reader.locator('[data-direction="in"] a')).to_have_text("compteur.pdf")

    # Staff: the admin assigns it to the agent, who then sees the message unread.
    admin = open_page()
    support.login(admin, *support.ADMIN)
    admin.goto("/complaints/list/")
    admin.locator("tr", has_text=number).locator("a[href*='/complaints/show/']").first.click()
    agent_option = admin.locator("#assignee_id option", has_text="Agent Test").first
    admin.select_option("#assignee_id", value=agent_option.get_attribute("value"))
    admin.locator("form[action$='/assign'] button[type=submit]").click()
    expect(admin.locator("#assignee_id option:checked")).to_have_text(
        re.compile("Agent Test"))

    reader.fill("#f-body", "Avez-vous bien reçu le relevé ?")
    reader.click("#send-reply")
    expect(reader.locator("#reply-sent")).to_be_visible()

    agent = open_page()
    support.login(agent, *support.AGENT)
    agent.goto("/notifications/")
    expect(agent.locator("body")).to_contain_text(f"Le réclamant de {number} a écrit")
    agent.goto(admin.url.split("#")[0])
    expect(agent.locator("#messages-unread")).to_be_visible()
    agent.click("#tab-messages")
    expect(agent.locator('#messages .rec-message[data-direction="in"]')).to_have_count(2)
    expect(agent.locator("#messages")).to_contain_text("Voici le relevé du compteur.")
    expect(agent.locator("#messages-unread")).to_have_count(0)  # opened: read
    agent.reload()
    expect(agent.locator("#messages-unread")).to_have_count(0)

    # The agent answers; the complainant receives it by email.
    agent.click("#tab-messages")
    agent.fill("#message-body", "Bien reçu, merci. Nous corrigeons la facture.")
    agent.click("#send-message-button")
    answer = mailbox.wait_for(email, "Nouveau message")
    assert "Nous corrigeons la facture" in answer.get_body(("plain",)).get_content()
    reader.reload()
    expect(reader.locator('[data-direction="out"]')).to_contain_text("Nous corrigeons")
