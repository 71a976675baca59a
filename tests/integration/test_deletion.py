"""Deleting a complaint: who may, when it is blocked and why, and the audit record."""

import json

from sqlalchemy import select

from app.domain.deletion import SENT_EMAILS
from app.models import Complaint, DeletedComplaint
from app.services import deletion, followup
from tests import factories as f


def make(app, **fields):
    with app.app_context():
        from app.extensions import db

        s = db.session
        complaint = f.make_complaint(s, actor=f.user(s, "admin"), **fields)
        followup.add_note(s, complaint, f.user(s, "admin"), "Note à garder")
        return complaint.id, complaint.tracking_number


def test_deletion_writes_an_audit_record_with_a_snapshot(app, supervisor_client,
                                                          admin_client):
    pk, tracking = make(app, description="Fuite d'eau & <compteur>")
    response = supervisor_client.post(f"/complaints/delete/{pk}")
    assert response.status_code == 302
    with app.app_context():
        from app.extensions import db

        assert db.session.get(Complaint, pk) is None
        record = db.session.scalars(select(DeletedComplaint)
                                    .where(DeletedComplaint.complaint_id == pk)).one()
        snapshot = json.loads(record.snapshot)
        record_id = record.id
    assert record.tracking_number == tracking
    assert record.deleted_by_name.startswith("Supervisor")
    assert snapshot["complaint"]["description"] == "Fuite d'eau & <compteur>"
    assert [e["kind"] for e in snapshot["events"]][-1] == "created"
    assert snapshot["notes"][0]["body"] == "Note à garder"
    listing = admin_client.get("/audit/deleted-complaints/list/")
    shown = admin_client.get(f"/audit/deleted-complaints/show/{record_id}")
    assert tracking in listing.text and "Note à garder" in shown.text
    assert supervisor_client.get("/audit/deleted-complaints/list/").status_code == 403


def test_blocked_deletion_says_exactly_why(app, supervisor_client, monkeypatch):
    monkeypatch.setitem(deletion.TRACE_COUNTERS, SENT_EMAILS, lambda session, c: 2)
    pk, _ = make(app)
    page = supervisor_client.get(f"/complaints/show/{pk}?_l_=en")
    assert 'id="delete-blocked"' in page.text and "2 email(s) were sent about it" in page.text
    response = supervisor_client.post(f"/complaints/delete/{pk}?_l_=en",
                                      follow_redirects=True)
    assert ("This complaint cannot be deleted: 2 email(s) were sent about it."
            in " ".join(f.messages(response)))
    with app.app_context():
        from app.extensions import db

        assert db.session.get(Complaint, pk) is not None
        assert db.session.scalar(select(DeletedComplaint.id).where(
            DeletedComplaint.complaint_id == pk)) is None


def test_agents_have_no_delete_button(app, agent_client):
    pk, _ = make(app, assignee=None)
    with app.app_context():
        from app.extensions import db

        complaint = db.session.get(Complaint, pk)
        complaint.assignee = f.user(db.session, "agent")
        db.session.commit()
    page = agent_client.get(f"/complaints/show/{pk}")
    assert page.status_code == 200 and 'id="delete-complaint"' not in page.text
