"""The satisfaction survey: emailed at closure with one-click links (checked on a real SMTP
server), answered from a public page whose GET records nothing, refused when forged or
expired, reopening an unsatisfied complaint per the settings; results on the complaint
page, in the reports and on the dashboard."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.models import (
    Complaint,
    Event,
    Notification,
    OutboundEmail,
    SatisfactionSurvey,
    Setting,
)
from app.services import complaints as service
from app.services import satisfaction
from tests import factories as f
from tests.integration.test_notifications import deliver, received

YES_LINK = re.compile(r"(http://\S+/public/survey/[\w-]+\?answer=yes)")
NO_LINK = re.compile(r"(http://\S+/public/survey/[\w-]+\?answer=no)")


MADE: list[int] = []


@pytest.fixture(autouse=True)
def _settle_outbox(dbs):
    """The emails of this module's complaints leave the shared outbox's queue afterwards
    (the scheduler's tests expect a short queue)."""
    yield
    with dbs() as s:
        s.execute(update(OutboundEmail).where(OutboundEmail.complaint_id.in_(MADE),
                                              OutboundEmail.status == "pending")
                  .values(status="failed"))
        s.commit()


def set_setting(session, key, value):
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    session.commit()


def close(session, complaint, actor=None):
    for code in ("in_progress", "answered", "closed"):
        service.change_state(session, complaint, f.state(session, code), actor=actor)
    return complaint


def closed_complaint(session, **fields):
    address = f"{f.unique('client')}@example.org"
    fields.setdefault("assignee", f.user(session, "agent"))
    complaint = f.make_complaint(session, complainant_email=address, **fields)
    MADE.append(complaint.id)
    return close(session, complaint)


def path_of(link):
    return link.replace("http://localhost", "")


def survey_email(session, smtp_server, complaint):
    deliver(session, smtp_server)
    mails = [m for m in received(smtp_server, complaint.complainant_email)
             if "satisfied" in m[0] or "satisfait" in m[0]]
    assert len(mails) == 1
    return mails[0]


def test_closure_emails_a_survey_whose_links_work(app, session, smtp_server):
    complaint = closed_complaint(session)
    subject, text, html = survey_email(session, smtp_server, complaint)
    assert complaint.tracking_number in subject
    yes = YES_LINK.search(text).group(1)
    assert NO_LINK.search(text) and "answer=no" in html
    client = app.test_client()
    page = client.get(path_of(yes))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert complaint.tracking_number in body
    assert 'id="answer-yes" checked' in body and 'data-auto="1"' in body
    session.expire_all()
    survey = satisfaction.surveys_of(session, complaint)[0]
    assert survey.answered_at is None  # a GET (a mail scanner) records nothing
    assert session.get(Complaint, complaint.id).satisfaction == "unknown"

    token = yes.split("/survey/")[1].split("?")[0]
    answered = client.post(f"/public/survey/{token}", data={"answer": "yes"})
    assert answered.status_code == 200 and 'id="survey-saved"' in answered.get_data(as_text=True)
    client.post(f"/public/survey/{token}", data={"answer": "yes", "rating": "4",
                                                 "comment": "Rapide et clair"})
    session.expire_all()
    survey = session.get(SatisfactionSurvey, survey.id)
    assert (survey.satisfied, survey.rating, survey.comment) == (True, 4, "Rapide et clair")
    stored = session.get(Complaint, complaint.id)
    assert (stored.satisfaction, stored.satisfaction_rating) == ("yes", 4)
    kinds = session.scalars(select(Event.kind).where(Event.complaint_id == complaint.id)).all()
    assert "survey_sent" in kinds and kinds.count("survey_answered") == 2
    again = client.get(f"/public/survey/{token}").get_data(as_text=True)
    assert 'id="survey-answered"' in again and "Rapide et clair" in again
    assert 'data-auto=""' in again  # a second visit shows the answer, posts nothing


def test_bad_answers_are_refused_with_a_message(app, session):
    complaint = closed_complaint(session)
    token = _token_of(session, complaint)
    client = app.test_client()
    for data in ({}, {"answer": "maybe"}, {"answer": "yes", "rating": "9"},
                 {"answer": "no", "rating": "abc"}, {"answer": "yes", "comment": "x" * 6000}):
        page = client.post(f"/public/survey/{token}", data=data)
        assert page.status_code == 200 and 'id="survey-problem"' in page.get_data(as_text=True)
    session.expire_all()
    assert satisfaction.surveys_of(session, complaint)[0].answered_at is None


def _token_of(session, complaint):
    """A known token for the complaint's survey (the real one is only in the email)."""
    from app.domain import satisfaction as rules

    token, digest = rules.new_token()
    survey = satisfaction.surveys_of(session, complaint)[0]
    survey.token_hash = digest
    session.commit()
    return token


def test_forged_and_expired_links_are_refused(app, session):
    complaint = closed_complaint(session)
    token = _token_of(session, complaint)
    client = app.test_client()
    assert client.get(f"/public/survey/{token}").status_code == 200
    for bad in (token[:-2] + "xx", "forged", "a" * 300):
        assert client.get(f"/public/survey/{bad}").status_code == 404
        assert client.post(f"/public/survey/{bad}", data={"answer": "no"}).status_code == 404
    survey = satisfaction.surveys_of(session, complaint)[0]
    survey.expires_at = datetime.utcnow() - timedelta(minutes=1)
    session.commit()
    assert client.get(f"/public/survey/{token}").status_code == 404
    assert client.post(f"/public/survey/{token}", data={"answer": "no"}).status_code == 404
    session.expire_all()
    assert satisfaction.surveys_of(session, complaint)[0].answered_at is None


def test_no_survey_when_switched_off_or_without_an_address(session):
    set_setting(session, "survey_enabled", "0")
    try:
        assert satisfaction.surveys_of(session, closed_complaint(session)) == []
    finally:
        set_setting(session, "survey_enabled", "1")
    anonymous = close(session, f.make_complaint(session, complainant_email=None))
    MADE.append(anonymous.id)
    assert satisfaction.surveys_of(session, anonymous) == []


def test_not_satisfied_reopens_when_the_setting_says_so(app, session):
    agent = f.user(session, "agent")
    kept = closed_complaint(session, assignee=agent)
    app.test_client().post(f"/public/survey/{_token_of(session, kept)}", data={"answer": "no"})
    session.expire_all()
    assert session.get(Complaint, kept.id).state.code == "closed"  # setting off: stays closed

    set_setting(session, "survey_reopen", "1")
    try:
        reopened = closed_complaint(session, assignee=agent)
        token = _token_of(session, reopened)
        app.test_client().post(f"/public/survey/{token}", data={"answer": "no", "rating": "1"})
        app.test_client().post(f"/public/survey/{token}", data={"answer": "no", "rating": "2"})
    finally:
        set_setting(session, "survey_reopen", "0")
    session.expire_all()
    stored = session.get(Complaint, reopened.id)
    assert stored.state.code == "reopened" and stored.closed_at is None
    changes = session.scalars(select(Event).where(Event.complaint_id == reopened.id,
                                                  Event.kind == "state_changed")).all()
    assert [e.detail for e in changes].count("rouvert\u00a0: le réclamant n'est pas satisfait") == 1
    notes = session.scalars(select(Notification).where(
        Notification.complaint_id == reopened.id,
        Notification.kind == satisfaction.REOPENED_UNSATISFIED)).all()
    assert [n.user_id for n in notes] == [agent.id]
    from app.views.notifications import notification_text

    with app.test_request_context("/"):
        assert notification_text(notes[0].kind, reopened.tracking_number) == (
            f"La réclamation {reopened.tracking_number} a été rouverte\u00a0: son réclamant "
            "n'est pas satisfait.")


def test_the_complaint_page_shows_the_answer(app, session, admin_client):
    complaint = closed_complaint(session)
    app.test_client().post(f"/public/survey/{_token_of(session, complaint)}",
                           data={"answer": "no", "rating": "2", "comment": "Trop long"})
    page = admin_client.get(f"/complaints/show/{complaint.id}").get_data(as_text=True)
    assert 'id="satisfaction-value">Non satisfait' in page
    assert "2/5" in page and "Trop long" in page
    assert "Le réclamant n&#39;est pas satisfait" in page  # the history line


def test_results_in_the_reports_and_the_dashboard(app, session, admin_client):
    from datetime import date

    from app.models import Agency
    from app.services import dashboard, reports

    agency = Agency(code=f.unique("ag"), label_fr="Agence Satisfaction",
                    label_en="Satisfaction agency")
    session.add(agency)
    session.commit()
    client = f.make_client(session, agency_id=agency.id)
    answers = [("yes", "4"), ("no", "2"), ("yes", ""), (None, None)]
    for day, (choice, rating) in enumerate(answers, start=3):
        complaint = f.make_complaint(session, client=client, received_at=datetime(2023, 5, 1),
                                     complainant_email=f"{f.unique('sat')}@example.org")
        MADE.append(complaint.id)
        for code in ("in_progress", "answered", "closed"):
            service.change_state(session, complaint, f.state(session, code),
                                 now=datetime(2023, 5, day, 10))
        if choice:
            survey = satisfaction.surveys_of(session, complaint)[0]
            satisfaction.record_answer(session, survey, choice, rating, "",
                                       now=datetime(2023, 5, day, 12))
    report = reports.build_report(session, "agency", date(2023, 5, 1), date(2023, 6, 1),
                                  datetime(2023, 6, 1))
    row = next(r for r in report.rows if r.key == agency.id)
    assert (row.surveyed, row.satisfied, row.satisfaction_pct, row.mean_rating) == (
        3, 2, 66.7, 3.0)
    assert report.total.surveyed >= 3
    kpis = dashboard.kpis(session, date(2023, 5, 1), date(2023, 6, 1),
                          scope=Complaint.agency_id == agency.id)
    assert (kpis.surveyed, kpis.satisfied, kpis.satisfaction_pct, kpis.mean_rating) == (
        3, 2, 66.7, 3.0)
    page = admin_client.get("/reports/?period=custom&from=2023-05-01&to=2023-05-31"
                            "&group=agency").get_data(as_text=True)
    assert "Taux de satisfaction" in page and "66,7" in page
    board = admin_client.get("/dashboard/?period=custom&start=2023-05-01&end=2023-05-31")
    assert 'id="kpi-satisfaction"' in board.get_data(as_text=True)


def test_admins_set_the_survey_from_its_page(dbs, admin_client, agent_client):
    from app.services.settings import get_setting

    def values():
        with dbs() as s:
            return [get_setting(s, k) for k in ("survey_enabled", "survey_reopen",
                                                "survey_valid_days")]

    assert admin_client.get("/config/survey/").status_code == 200
    assert agent_client.post("/config/survey/", data={"days": "9"}).status_code == 403
    page = admin_client.post("/config/survey/", data={"enabled": "1", "days": "0"},
                             follow_redirects=True).get_data(as_text=True)
    assert "nombre de jours de 1 à 365" in page
    assert values() == ["1", "0", "30"]  # refused: nothing changed
    try:
        admin_client.post("/config/survey/", data={"enabled": "1", "reopen": "1", "days": "7"})
        assert values() == ["1", "1", "7"]
        page = admin_client.get("/config/survey/").get_data(as_text=True)
        assert 'id="survey-reopen" value="1" checked' in page
    finally:
        admin_client.post("/config/survey/", data={"enabled": "1", "days": "30"})
    assert values() == ["1", "0", "30"]
