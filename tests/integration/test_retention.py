"""Retention: the preview lists exactly what the run anonymises; the run clears every
personal field and file of expired closed complaints and keeps what reports read (a
report gives the same figures before and after), is idempotent and safe twice at once,
and leaves complaints not yet expired untouched."""

import json
from dataclasses import asdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from app.models import (
    Attachment,
    Category,
    Client,
    Complaint,
    DeletedComplaint,
    Event,
    GeneratedDocument,
    Message,
    Note,
    OutboundEmail,
    OutboundSms,
    PublicSubmission,
    Reminder,
    RequestType,
    SatisfactionSurvey,
)
from app.models.messages import IN
from app.services import attachments, deletion, reports, retention, sms_outbox
from app.services import complaints as service
from tests import factories as f
from tests.integration.conftest import run_concurrently
from tests.integration.test_personal_data_columns import (
    COMPLAINT_CLEARED,
    COMPLAINT_KEPT_FOR_REPORTS,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CLOSED = datetime(2024, 2, 1, 10)
NOW = datetime(2025, 3, 15, 12)  # 12 months' retention: closed before 2024-03-15 expires
NAME, EMAIL, PHONE = "Mme Jeanne Privée", "jeanne.privee@example.org", "06 12 34 56 78"


@pytest.fixture
def request_type(session):
    """A request type of its own with 12 months' retention (other tests' complaints are
    of the seeded types, which keep theirs forever)."""
    made = RequestType(code=f.unique("rt"), label_fr="Type test", label_en="Test type",
                       retention_months=12, position=99)
    session.add(made)
    session.commit()
    type_id = made.id
    yield type_id
    session.rollback()
    session.get(RequestType, type_id).retention_months = None
    # This module's emails leave the shared queue (the scheduler's tests expect it short).
    session.execute(update(OutboundEmail).where(OutboundEmail.status == "pending",
                                                OutboundEmail.recipient.like("%privee%"))
                    .values(status="failed"))
    session.commit()


def full_complaint(session, app, type_id, closed_at=CLOSED, close=True, client=None):
    """A complaint holding personal data everywhere it can, then closed at ``closed_at``."""
    complaint = f.make_complaint(
        session, request_type=session.get(RequestType, type_id),
        received_at=closed_at - timedelta(days=20), complainant_name=NAME,
        complainant_email=EMAIL, complainant_phone=PHONE, complainant_address="3 rue Haute",
        order_number="CMD-42", description="Fuite chez Mme Privée", client=client,
        resolution="Remboursement à Mme Privée", corrective_actions="Appeler Mme Privée",
        category=session.scalars(select(Category)).first(),
        team=f.make_team(session))
    session.add_all([
        Note(complaint_id=complaint.id, body="Mme Privée est malade"),
        Message(complaint_id=complaint.id, direction=IN, body="Je suis Jeanne",
                sender_email=EMAIL, source="portal"),
        Reminder(complaint_id=complaint.id, user_id=f.user(session, "agent").id,
                 remind_at=closed_at, note="Rappeler Jeanne"),
        GeneratedDocument(complaint_id=complaint.id, filename="lettre-privee.docx",
                          content=b"PK lettre"),
        PublicSubmission(tracking_number=f.unique("PUB-"), complaint_id=complaint.id,
                         payload=json.dumps({"email": EMAIL, "name": NAME})),
    ])
    sms_outbox.queue_sms(session, "+33612345678", "Bonjour Jeanne", complaint=complaint)
    session.commit()
    attachments.add_attachments(session, complaint, [attachments.Upload("privé.pdf", PDF)],
                                None, app.config)
    if close:
        for code in ("in_progress", "answered", "closed"):
            service.change_state(session, complaint, f.state(session, code), now=closed_at)
        survey = session.scalars(select(SatisfactionSurvey).where(
            SatisfactionSurvey.complaint_id == complaint.id)).one()
        survey.comment, survey.satisfied, survey.rating = "Jeanne contente", True, 5
        complaint.satisfaction, complaint.satisfaction_rating = "yes", 5
        session.commit()
    return complaint


def kept_values(complaint):
    # The columns named literally (test_personal_data_columns), not the code's own list.
    return {name: getattr(complaint, name) for name in sorted(COMPLAINT_KEPT_FOR_REPORTS)}


def the_report(session, grouping):
    report = reports.build_report(session, grouping, date(2024, 1, 1), date(2024, 4, 1),
                                  NOW)
    return [asdict(row) for row in report.rows], asdict(report.total)


def file_path(app, attachment):
    return Path(app.config["FILE_STORAGE_PATH"]) / attachment.stored_name[:2] / \
        attachment.stored_name


def test_preview_then_run_anonymise_exactly_the_expired(app, session, request_type):
    person = f.make_client(session, kind="person", email=EMAIL, name="Jeanne Privée")
    expired = [full_complaint(session, app, request_type, client=person),
               full_complaint(session, app, request_type, CLOSED - timedelta(days=30))]
    recent = full_complaint(session, app, request_type, NOW - timedelta(days=60))
    still_open = full_complaint(session, app, request_type, close=False)
    before = {c.id: kept_values(c) for c in expired}
    reports_before = [the_report(session, g) for g in ("category", "agency", "month")]
    stored = [a for c in expired for a in c.attachments]
    assert all(file_path(app, a).exists() for a in stored)

    preview = {item["request_type"].id: item for item in retention.preview(session, NOW)}
    mine = preview[request_type]
    assert mine["count"] == 2 and mine["months"] == 12
    assert mine["numbers"] == [expired[1].tracking_number, expired[0].tracking_number]

    assert retention.run_retention(session, app.config, NOW) == {"anonymised": 2,
                                                                "snapshots": 0}
    session.expire_all()
    for c in expired:
        c = session.get(Complaint, c.id)
        assert c.anonymised_at == NOW
        assert {name: getattr(c, name) for name in COMPLAINT_CLEARED} == dict.fromkeys(
            COMPLAINT_CLEARED)
        assert kept_values(c) == before[c.id]
        assert_children_cleared(session, c)
    assert not any(file_path(app, a).exists() for a in stored)
    assert [the_report(session, g) for g in ("category", "agency", "month")] == reports_before
    client = session.get(Client, person.id)
    assert (client.name, client.email) == (retention.ANONYMISED, None)
    for untouched in (recent, still_open):
        c = session.get(Complaint, untouched.id)
        assert c.anonymised_at is None and c.complainant_name == NAME
        assert session.scalar(select(Note.body).where(Note.complaint_id == c.id)) == \
            "Mme Privée est malade"
    assert retention.preview(session, NOW) and all(
        item["count"] == 0 for item in retention.preview(session, NOW)
        if item["request_type"].id == request_type)
    assert retention.run_retention(session, app.config, NOW)["anonymised"] == 0


def assert_children_cleared(session, c):
    assert session.scalar(select(Note.body).where(Note.complaint_id == c.id)) == ""
    message = session.scalars(select(Message).where(Message.complaint_id == c.id)).one()
    assert (message.body, message.sender_email) == ("", None)
    assert session.scalar(select(Reminder.note).where(Reminder.complaint_id == c.id)) is None
    attachment = session.scalars(select(Attachment).where(Attachment.complaint_id == c.id)).one()
    assert (attachment.storage, attachment.original_name) == ("removed", retention.ANONYMISED)
    letter = session.scalars(select(GeneratedDocument).where(
        GeneratedDocument.complaint_id == c.id)).one()
    assert letter.content == b""
    for email in session.scalars(select(OutboundEmail).where(OutboundEmail.complaint_id == c.id)):
        assert (email.recipient, email.body_text, email.body_html) == ("", "", None)
    [sms] = session.scalars(select(OutboundSms).where(OutboundSms.complaint_id == c.id))
    assert (sms.recipient, sms.body) == ("", "")
    assert session.scalar(select(PublicSubmission.payload).where(
        PublicSubmission.complaint_id == c.id)) == "{}"
    survey = session.scalars(select(SatisfactionSurvey).where(
        SatisfactionSurvey.complaint_id == c.id)).one()
    assert survey.comment is None and survey.rating == 5
    texts = [value for e in session.scalars(select(Event).where(Event.complaint_id == c.id))
             for value in (e.old_value, e.new_value, e.detail) if value]
    assert not [t for t in texts if "Priv" in t or "Jeanne" in t or "@" in t or "CMD" in t]
    assert session.scalar(select(Event.new_value).where(
        Event.complaint_id == c.id, Event.kind == "anonymised")) == "12"


def test_two_runs_at_once_anonymise_each_complaint_once(app, session, request_type):
    made = [full_complaint(session, app, request_type) for _ in range(3)]
    results = []
    run_concurrently(app, lambda s: results.append(
        retention.run_retention(s, app.config, NOW, batch=2)), workers=2)
    assert sum(r["anonymised"] for r in results) == 3
    counts = session.execute(select(Event.complaint_id, func.count()).where(
        Event.complaint_id.in_([c.id for c in made]), Event.kind == "anonymised")
        .group_by(Event.complaint_id)).all()
    assert sorted(n for _id, n in counts) == [1, 1, 1]


def test_deleted_complaint_snapshots_past_retention_are_reduced(app, session, request_type):
    complaint = f.make_complaint(session, request_type=session.get(RequestType, request_type),
                                 complainant_name=NAME, complainant_email=None,
                                 description="Chez Mme Privée")
    record = deletion.delete_complaint(session, complaint, f.user(session, "admin"),
                                       now=CLOSED)
    recent = f.make_complaint(session, request_type=session.get(RequestType, request_type),
                              complainant_name=NAME, complainant_email=None)
    kept = deletion.delete_complaint(session, recent, f.user(session, "admin"),
                                     now=NOW - timedelta(days=5))
    assert retention.run_retention(session, app.config, NOW)["snapshots"] == 1
    session.expire_all()
    reduced = session.get(DeletedComplaint, record.id)
    assert "Priv" not in reduced.snapshot and reduced.anonymised_at == NOW
    assert json.loads(reduced.snapshot)["complaint"]["tracking_number"] == \
        record.tracking_number
    assert NAME in session.get(DeletedComplaint, kept.id).snapshot


def test_a_type_without_retention_keeps_its_complaints(app, session, request_type):
    complaint = full_complaint(session, app, request_type)
    session.get(RequestType, request_type).retention_months = None
    session.commit()
    assert request_type not in {i["request_type"].id for i in retention.preview(session, NOW)}
    retention.run_retention(session, app.config, NOW)
    session.expire_all()
    assert session.get(Complaint, complaint.id).complainant_name == NAME


def test_the_admin_page_sets_previews_and_runs(app, session, admin_client, request_type):
    complaint = full_complaint(session, app, request_type, CLOSED)
    code = session.get(RequestType, request_type).code
    refused = admin_client.post("/config/retention/", data={f"months_{request_type}": "abc"},
                                follow_redirects=True)
    assert "nombre entier de mois" in refused.get_data(as_text=True)
    session.expire_all()
    assert session.get(RequestType, request_type).retention_months == 12  # unchanged
    admin_client.post("/config/retention/", data={f"months_{request_type}": "6"})
    session.expire_all()
    assert session.get(RequestType, request_type).retention_months == 6
    page = admin_client.get("/config/retention/").get_data(as_text=True)
    assert f'data-type="{code}"' in page and complaint.tracking_number in page
    done = admin_client.post("/config/retention/run", follow_redirects=True)
    assert "réclamations anonymisées" in done.get_data(as_text=True)
    session.expire_all()
    assert session.get(Complaint, complaint.id).anonymised_at is not None


def test_agents_and_supervisors_cannot_run_it(supervisor_client, agent_client):
    for client in (supervisor_client, agent_client):
        assert client.post("/config/retention/run").status_code in (302, 403)
        assert client.get("/config/retention/").status_code in (302, 403)
        assert client.post("/audit/personal-data/", data={"email": EMAIL}).status_code in (
            302, 403)
