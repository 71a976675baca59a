"""The complainants' portal: submit without an account (form and JSON API), the
confirmation email with its signed link, tracking, replying with a file, "my requests",
and what must not leak (internal notes, another complainant's request)."""

import re
import time

import pytest
from sqlalchemy import select

from app.domain import events
from app.models import Complaint, Event, Message, Notification, OutboundEmail
from app.services import links
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def form(**overrides):
    values = {"name": "Jeanne Martin", "email": f"{factories.unique('jeanne')}@example.org",
              "phone": "01 23 45 67 89", "description": "Ma facture de mars est fausse.",
              "request_type": "complaint", "category": "billing", "consent": "1",
              "subject": "Facture de mars"}
    values.update(overrides)
    return values


def submit(client, **overrides):
    return client.post("/public/complaint", data=form(**overrides))


def complaint_by_email(dbs, email):
    with dbs() as s:
        return s.scalars(select(Complaint).where(Complaint.complainant_email == email)).one()


def test_the_form_opens_without_an_account_in_french_and_english(app):
    client = app.test_client()
    page = client.get("/public/complaint")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Votre adresse e-mail" in html and 'class="navbar-brand"' in html
    assert "fa-tachometer" not in html  # no back-office menu
    english = client.get("/public/complaint?_l_=en").get_data(as_text=True)
    assert "Your email address" in english


def test_a_submission_is_registered_confirmed_and_emailed_with_a_signed_link(app, dbs):
    client = app.test_client()
    values = form(customer_number="")
    response = client.post("/public/complaint", data=values)
    assert response.status_code == 302
    confirmation = client.get(response.headers["Location"])
    number = re.search(r'id="tracking-number">([A-Z]+-\d{4}-\d{6})<',
                       confirmation.get_data(as_text=True)).group(1)
    with dbs() as s:
        complaint = s.scalars(select(Complaint).where(Complaint.tracking_number == number)).one()
        assert complaint.complainant_email == values["email"]
        assert complaint.channel.code == "web" and complaint.category.code == "billing"
        assert complaint.client_id is None  # unknown complainant: kept unlinked
        created = s.scalars(select(Event).where(Event.complaint_id == complaint.id,
                                                Event.kind == events.CREATED)).one()
        assert created.actor_kind == events.ACTOR_COMPLAINANT
        email = s.scalars(select(OutboundEmail).where(
            OutboundEmail.complaint_id == complaint.id)).one()
        assert email.recipient == values["email"] and number in email.subject
    link = re.search(r"(http://\S+/public/track/\S+)", email.body_text).group(1)
    page = app.test_client().get(link.replace("http://localhost", ""))
    assert page.status_code == 200
    assert number in page.get_data(as_text=True)


def test_clients_are_matched_by_customer_number_then_email(app, dbs):
    with dbs() as s:
        by_number = factories.make_client(s)
        by_email = factories.make_client(s)
        number, email = by_number.customer_number, by_email.email
        ids = by_number.id, by_email.id
    client = app.test_client()
    submit(client, customer_number=number, email="someone.else@example.org")
    submit(client, customer_number="", email=email.upper())
    with dbs() as s:
        first = s.scalars(select(Complaint).where(
            Complaint.complainant_email == "someone.else@example.org")).all()[-1]
        second = s.scalars(select(Complaint).where(Complaint.complainant_email == email)).one()
        assert (first.client_id, second.client_id) == ids


@pytest.mark.parametrize("overrides, field", [
    ({"email": "not-an-email"}, "email"),
    ({"name": ""}, "name"),
    ({"description": "  "}, "description"),
    ({"consent": ""}, "consent"),
    ({"category": "no-such-category"}, "category"),
])
def test_invalid_submissions_are_refused_with_a_message_and_store_nothing(app, dbs,
                                                                          overrides, field):
    with dbs() as s:
        before = s.query(Complaint).count()
    response = submit(app.test_client(), **overrides)
    assert response.status_code == 200 and 'id="form-problem"' in response.get_data(
        as_text=True)
    html = response.get_data(as_text=True)
    assert f'data-field="{field}"' in html
    assert "Veuillez corriger les champs signalés" in html
    with dbs() as s:
        assert s.query(Complaint).count() == before


def test_the_honeypot_and_a_refused_file_store_nothing(app, dbs):
    with dbs() as s:
        before = s.query(Complaint).count()
    client = app.test_client()
    assert 'id="form-problem"' in submit(client, website="http://spam.example").get_data(
        as_text=True)
    data = form()
    data["files"] = [(__import__("io").BytesIO(b"\x7fELF\x02\x01"), "facture.pdf")]
    refused = client.post("/public/complaint", data=data, content_type="multipart/form-data")
    page = refused.get_data(as_text=True)
    assert "programme" in page
    # The reason is next to the file field, announced with it, and linked from the summary.
    assert re.search(r'<span class="help-block rec-error" id="f-files-error"[^>]*>[^<]*programme',
                     page)
    assert 'aria-describedby="f-files-error f-files-help" aria-invalid="true"' in page
    assert 'href="#f-files"' in page.split('id="complaint-form"')[0]
    with dbs() as s:
        assert s.query(Complaint).count() == before


def test_the_json_api_accepts_a_complaint_registered_by_the_scheduler(app, dbs):
    from app.jobs import register_submissions

    client = app.test_client()
    values = form(customer_number="")
    created = client.post("/api/v1/public/complaints", json={**values, "language": "en"})
    assert created.status_code == 201
    number = created.get_json()["tracking_number"]
    assert re.fullmatch(r"REC-\d{4}-\d{6}", number)
    bad = client.post("/api/v1/public/complaints", json={**values, "email": "nope"})
    assert bad.status_code == 400 and "email" in bad.get_json()["errors"]
    assert "message" in bad.get_json()
    assert client.post("/api/v1/public/complaints", data="x").status_code == 400

    assert register_submissions(app)["registered"] >= 1
    assert register_submissions(app) == {"registered": 0}  # each one once
    with dbs() as s:
        complaint = s.scalars(select(Complaint).where(Complaint.tracking_number == number)).one()
        assert complaint.complainant_email == values["email"]
        assert complaint.language == "en" and complaint.channel.code == "web"
        created = s.scalars(select(Event).where(Event.complaint_id == complaint.id,
                                                Event.kind == events.CREATED)).one()
        assert created.actor_kind == events.ACTOR_COMPLAINANT
        email = s.scalars(select(OutboundEmail).where(
            OutboundEmail.complaint_id == complaint.id)).one()
        assert number in email.subject and "/public/track/" in email.body_text
        assert "Your complaint has been received" in email.subject  # in its language


def test_the_json_api_needs_no_csrf_token_but_the_form_does(make_app):
    strict = make_app(WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    assert client.post("/api/v1/public/complaints", json=form()).status_code == 201
    assert client.post("/public/complaint", data=form()).status_code == 400  # CSRF


def test_tracking_by_number_and_email_shows_the_public_history_only(app, dbs):
    client = app.test_client()
    values = form()
    submit(client, **values)
    complaint = complaint_by_email(dbs, values["email"])
    with dbs() as s:
        from app.services import followup, messages

        c = s.get(Complaint, complaint.id)
        followup.add_note(s, c, factories.user(s, "agent"), "SECRET internal note")
        messages.send_message(s, c, factories.user(s, "agent"), "Nous regardons.", [],
                              app.config)
    response = app.test_client().post("/public/track", data={
        "tracking_number": complaint.tracking_number.lower(),
        "email": values["email"].upper()})
    assert response.status_code == 302
    page = app.test_client().get(response.headers["Location"]).get_data(as_text=True)
    assert complaint.tracking_number in page and "Nous regardons." in page
    assert "SECRET" not in page and "note" not in page.lower().split("<main")[1]


def test_a_reply_with_a_file_is_unread_for_the_assignee_and_notifies_them(app, dbs,
                                                                         agent_client):
    client = app.test_client()
    values = form()
    submit(client, **values)
    complaint = complaint_by_email(dbs, values["email"])
    with dbs() as s:
        from app.services import complaints as complaint_service

        agent = factories.user(s, "agent")
        complaint_service.assign(s, s.get(Complaint, complaint.id), assignee=agent, actor=None)
        token = links.track_token(app.config["SECRET_KEY"], s.get(Complaint, complaint.id))
    import io

    reply = client.post(f"/public/track/{token}/reply", data={
        "body": "Voici la facture.", "files": [(io.BytesIO(PDF), "facture.pdf")]},
        content_type="multipart/form-data")
    assert reply.status_code == 302
    with dbs() as s:
        message = s.scalars(select(Message).where(Message.complaint_id == complaint.id)).one()
        assert message.direction == "in" and message.unread
        assert [a.original_name for a in message.attachments] == ["facture.pdf"]
        event = s.scalars(select(Event).where(Event.complaint_id == complaint.id,
                                              Event.kind == events.MESSAGE_IN)).one()
        assert event.actor_kind == events.ACTOR_COMPLAINANT
        note = s.scalars(select(Notification).where(
            Notification.complaint_id == complaint.id,
            Notification.kind == "message_received")).one()
        assert note.read_at is None
        file_id = message.attachments[0].id
    download = client.get(f"/public/track/{token}/files/{file_id}")
    assert download.status_code == 200 and download.data == PDF

    show = agent_client.get(f"/complaints/show/{complaint.id}")
    assert 'id="messages-unread"' in show.get_data(as_text=True)
    assert agent_client.post(f"/complaints/{complaint.id}/messages/read").status_code in (
        200, 204, 302)
    with dbs() as s:
        assert not s.scalars(select(Message).where(
            Message.complaint_id == complaint.id)).one().unread
        assert s.scalars(select(Notification).where(
            Notification.complaint_id == complaint.id,
            Notification.kind == "message_received")).one().read_at is not None


def test_wrong_email_and_unknown_number_answer_the_same(app, dbs):
    client = app.test_client()
    values = form()
    submit(client, **values)
    complaint = complaint_by_email(dbs, values["email"])

    def attempt(number, email):
        started = time.perf_counter()
        response = client.post("/public/track", data={"tracking_number": number,
                                                      "email": email})
        return response, time.perf_counter() - started

    wrong, unknown = [], []
    for _ in range(15):
        wrong.append(attempt(complaint.tracking_number, "intruder@example.org"))
        unknown.append(attempt("REC-1999-999999", "intruder@example.org"))
    first_wrong, first_unknown = wrong[0][0], unknown[0][0]
    assert first_wrong.status_code == first_unknown.status_code == 200

    def body(r):
        return re.sub(r'name="csrf_token" value="[^"]*"|value="[^"]*"|nonce="[^"]*"', "",
                      r.get_data(as_text=True))

    assert body(first_wrong) == body(first_unknown)
    assert complaint.tracking_number not in first_wrong.get_data(as_text=True).split(
        "<form")[0]
    median = sorted(t for _, t in wrong)[7], sorted(t for _, t in unknown)[7]
    assert abs(median[0] - median[1]) < 0.01  # no timing oracle worth a 10 ms difference


def test_forged_expired_and_foreign_links_are_refused(app, dbs):
    client = app.test_client()
    values = form()
    submit(client, **values)
    complaint = complaint_by_email(dbs, values["email"])
    secret = app.config["SECRET_KEY"]
    good = links.track_token(secret, complaint)
    forged = links.make_token("another-secret-key", links.TRACK,
                              {"c": complaint.id, "e": values["email"]})
    other_purpose = links.requests_token(secret, values["email"])
    wrong_address = links.make_token(secret, links.TRACK,
                                     {"c": complaint.id, "e": "intruder@example.org"})
    assert client.get(f"/public/track/{good}").status_code == 200
    for token in (forged, other_purpose, wrong_address, good[:-3] + "abc"):
        assert client.get(f"/public/track/{token}").status_code == 404
        assert client.post(f"/public/track/{token}/reply",
                           data={"body": "x"}).status_code == 404
    expired = app.test_client()
    app.config["PUBLIC_LINK_MAX_AGE_DAYS"] = -1
    try:
        assert expired.get(f"/public/track/{good}").status_code == 404
    finally:
        app.config["PUBLIC_LINK_MAX_AGE_DAYS"] = 90


def test_my_requests_is_reached_through_an_emailed_link(app, dbs):
    client = app.test_client()
    email = f"{factories.unique('many')}@example.org"
    submit(client, email=email, subject="Premier")
    submit(client, email=email, subject="Second")
    assert "est en route" in client.post("/public/requests",
                                          data={"email": email}).get_data(as_text=True)
    with dbs() as s:
        sent = s.scalars(select(OutboundEmail).where(
            OutboundEmail.recipient == email, OutboundEmail.complaint_id.is_(None))).one()
    link = re.search(r"(http://\S+/public/requests/\S+)", sent.body_text).group(1)
    page = client.get(link.replace("http://localhost", "")).get_data(as_text=True)
    assert "Premier" in page and "Second" in page
    # Nobody learns whether an address has requests: same page, no email.
    unknown = client.post("/public/requests", data={"email": "nobody@example.org"})
    assert "est en route" in unknown.get_data(as_text=True)
    with dbs() as s:
        assert not s.scalars(select(OutboundEmail).where(
            OutboundEmail.recipient == "nobody@example.org")).all()


def test_public_posts_are_rate_limited_per_address(make_app):
    limited = make_app(RATELIMIT_ENABLED=True, PUBLIC_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    codes = [client.post("/api/v1/public/complaints", json=form()).status_code
             for _ in range(3)]
    assert codes == [201] * 3
    throttled = client.post("/api/v1/public/complaints", json=form())
    assert throttled.status_code == 429 and "message" in throttled.get_json()
    page = client.post("/public/complaint", data=form())
    assert page.status_code == 429
    assert "Trop de requêtes" in page.get_data(as_text=True)
    assert client.get("/public/complaint").status_code == 200
