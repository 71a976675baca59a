"""Staff side of the messages: write to the complainant from the Messages tab (emailed
through the outbox, once), response templates managed by admins, outgoing messages
blocking deletion."""

import io

from sqlalchemy import select

from app.domain import events
from app.models import Complaint, Event, Message, OutboundEmail, ResponseTemplate
from app.services import deletion
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def new_complaint(dbs, **fields):
    with dbs() as s:
        values = {"complainant_email": f"{factories.unique('c')}@example.org",
                  "assignee": factories.user(s, "agent")}
        values.update(fields)
        return factories.make_complaint(s, **values).id


def test_an_agent_writes_to_the_complainant_through_the_outbox(app, dbs, agent_client):
    pk = new_complaint(dbs)
    response = agent_client.post(f"/complaints/{pk}/messages", data={
        "body": "Bonjour, pouvez-vous nous envoyer la facture ?",
        "files": [(io.BytesIO(PDF), "courrier.pdf")]}, content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("#messages")
    with dbs() as s:
        complaint = s.get(Complaint, pk)
        message = s.scalars(select(Message).where(Message.complaint_id == pk)).one()
        assert message.direction == "out" and not message.unread
        assert message.author.username == "agent"
        assert [a.original_name for a in message.attachments] == ["courrier.pdf"]
        email = s.scalars(select(OutboundEmail).where(
            OutboundEmail.dedupe_key == f"message:{message.id}")).one()
        assert email.recipient == complaint.complainant_email
        assert "pouvez-vous nous envoyer la facture" in email.body_text
        assert "/public/track/" in email.body_text
        assert complaint.first_response_at is not None
        assert s.scalars(select(Event).where(Event.complaint_id == pk,
                                             Event.kind == events.MESSAGE_OUT)).one()
        assert len(deletion.deletion_blockers(s, complaint)) == 1
    page = agent_client.get(f"/complaints/show/{pk}").get_data(as_text=True)
    assert "pouvez-vous nous envoyer la facture" in page and 'id="tab-messages"' in page


def test_an_outgoing_message_blocks_deletion(app, dbs, supervisor_client):
    pk = new_complaint(dbs)
    supervisor_client.post(f"/complaints/{pk}/messages", data={"body": "Réponse"})
    with dbs() as s:
        reasons = deletion.deletion_blockers(s, s.get(Complaint, pk))
    assert len(reasons) == 1 and "1" in reasons[0]
    supervisor_client.post(f"/complaints/delete/{pk}")
    with dbs() as s:
        assert s.get(Complaint, pk) is not None


def test_an_empty_message_is_refused_with_a_message(app, dbs, agent_client):
    pk = new_complaint(dbs)
    response = agent_client.post(f"/complaints/{pk}/messages", data={"body": "  "},
                                 follow_redirects=True)
    assert "Écrivez un message" in response.get_data(as_text=True)
    with dbs() as s:
        assert not s.scalars(select(Message).where(Message.complaint_id == pk)).all()


def test_a_complaint_out_of_scope_answers_404(app, dbs, agent_client):
    pk = new_complaint(dbs, assignee=None)
    assert agent_client.post(f"/complaints/{pk}/messages",
                             data={"body": "x"}).status_code == 404


def test_admins_manage_response_templates_and_agents_insert_them(app, dbs, admin_client,
                                                                 agent_client):
    name = factories.unique("Accusé ")
    response = admin_client.post("/config/response-templates/add", data={
        "name": name, "language": "fr", "body": "Nous avons bien reçu votre demande.",
        "active": "y"})
    assert response.status_code == 302
    with dbs() as s:
        assert s.scalars(select(ResponseTemplate).where(ResponseTemplate.name == name)).one()
    assert agent_client.get("/config/response-templates/list/").status_code in (302, 403)
    pk = new_complaint(dbs)
    page = agent_client.get(f"/complaints/show/{pk}").get_data(as_text=True)
    assert name in page and 'data-body="Nous avons bien reçu votre demande."' in page


def test_staff_messages_are_delivered_as_written_by_a_person(app, dbs, agent_client,
                                                             smtp_server):
    from email import message_from_bytes, policy

    from app.mailer import SmtpMailer
    from app.services import outbox

    pk = new_complaint(dbs)
    agent_client.post(f"/complaints/{pk}/messages", data={"body": "Réponse humaine"})
    with dbs() as s:
        outbox.deliver_pending(s, SmtpMailer("127.0.0.1", smtp_server.port), batch=500)
        recipient = s.get(Complaint, pk).complainant_email
    mails = [message_from_bytes(e.content, policy=policy.default)
             for e in smtp_server.handler.envelopes if recipient in e.rcpt_tos]
    by_subject = {str(m["Subject"]): m for m in mails}
    message = next(m for subject, m in by_subject.items() if "Nouveau message" in subject)
    confirmation = next(m for subject, m in by_subject.items() if "reçue" in subject)
    assert message["Auto-Submitted"] is None
    assert "Réponse humaine" in message.get_body(("plain",)).get_content()
    assert confirmation["Auto-Submitted"] == "auto-generated"  # no autoresponder answers


def test_a_complaint_with_incoming_messages_only_is_deleted_with_them_in_its_audit(
        app, dbs, supervisor_client):
    import json

    from app.models import DeletedComplaint
    from app.services import messages

    pk = new_complaint(dbs)
    with dbs() as s:
        messages.receive_message(s, s.get(Complaint, pk), "Je relance ma demande.",
                                 [attachment(PDF, "relance.pdf")], app.config)
        number = s.get(Complaint, pk).tracking_number
    response = supervisor_client.post(f"/complaints/delete/{pk}")
    assert response.status_code == 302
    with dbs() as s:
        assert s.get(Complaint, pk) is None
        assert not s.scalars(select(Message).where(Message.complaint_id == pk)).all()
        record = s.scalars(select(DeletedComplaint).where(
            DeletedComplaint.tracking_number == number)).one()
        snapshot = json.loads(record.snapshot)
        assert [m["body"] for m in snapshot["messages"]] == ["Je relance ma demande."]
        assert [a["original_name"] for a in snapshot["attachments"]] == ["relance.pdf"]


def attachment(data, name):
    from app.services.attachments import Upload

    return Upload(name, data)
