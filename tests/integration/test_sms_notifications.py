"""What complainants and staff get by SMS: the acknowledgement, notifying state changes
and staff messages to a complainant with a phone and no email (short, in their language,
nothing of a confidential complaint), and notification rules' SMS channel."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select

from app.domain import alert_rules as rules_domain
from app.models import NotificationRule, OutboundEmail, OutboundSms
from app.services import alert_rules, messages, sms_outbox
from app.services import complaints as service
from tests import factories as f

SECRET = "Harcèlement au bureau 12"


@pytest.fixture(autouse=True)
def empty_outbox(session):
    session.execute(delete(OutboundSms))
    session.commit()


def texts_of(session, complaint):
    return [row.body for row in reversed(sms_outbox.sms_of(session, complaint))]


def test_phone_only_complainant_gets_acknowledgement_state_and_message(app, session):
    c = f.make_complaint(session, complainant_phone="06 12 34 56 78", complainant_email=None,
                         language="fr")
    [ack] = sms_outbox.sms_of(session, c)
    assert ack.recipient == "+33612345678" and ack.language == "fr"
    assert c.tracking_number in ack.body and "/public/track/" in ack.body
    service.change_state(session, c, f.state(session, "acknowledged"))
    author = f.user(session, "agent")
    messages.send_message(session, c, author, "Nous avons besoin de votre facture.", [],
                          app.config)
    ack_text, state_text, message_text = texts_of(session, c)
    state = f.state(session, "acknowledged")
    assert state_text.startswith(f"{c.tracking_number} : votre demande est maintenant : "
                                 f"{state.label_fr}.")
    assert ack_text.startswith(f"Votre demande est enregistrée sous le numéro "
                               f"{c.tracking_number}.")
    assert "Nous avons besoin de votre facture." in message_text
    assert session.scalars(select(OutboundEmail).where(
        OutboundEmail.complaint_id == c.id)).all() == []


def test_english_and_the_signed_link_opens_the_tracking_page(app, session):
    c = f.make_complaint(session, complainant_phone="+44 7911 123456", language="en")
    [ack] = sms_outbox.sms_of(session, c)
    assert ack.body.startswith("Your request is registered under number")
    link = ack.body.split("Follow it: ")[1]
    page = app.test_client().get("/public/track/" + link.rsplit("/public/track/", 1)[1])
    assert page.status_code == 200 and c.tracking_number in page.get_data(as_text=True)


def test_confidential_complaint_sms_say_nothing_of_it(app, session):
    c = f.make_complaint(session, complainant_phone="0612345678", confidential=True,
                         subject=SECRET, description=SECRET, complainant_name="Mme Victime")
    messages.send_message(session, c, f.user(session, "agent"), f"Au sujet de : {SECRET}", [],
                          app.config)
    texts = texts_of(session, c)
    assert len(texts) == 2
    assert "un message vous attend" in texts[1].lower()
    for text in texts:
        assert c.tracking_number in text
        assert "Harcèlement" not in text and "Victime" not in text


def test_no_sms_with_an_email_or_a_landline_or_no_number(session):
    with_email = f.make_complaint(session, complainant_phone="0612345678",
                                  complainant_email="a@example.org")
    landline = f.make_complaint(session, complainant_phone="01 23 45 67 89")
    nothing = f.make_complaint(session)
    for c in (with_email, landline, nothing):
        assert sms_outbox.sms_of(session, c) == []


def test_rule_alert_by_sms_to_users_with_a_mobile(app, session):
    agent = f.make_user(app.appbuilder, "Agent", "Secret-pass-123")
    agent.language, agent.mobile_phone = "en", "+33611223344"
    session.commit()
    c = f.make_complaint(session, assignee=agent, subject=SECRET, confidential=False)
    c.due_at = datetime(2026, 11, 3, 9, 0)
    session.commit()
    rule = NotificationRule(name="Overdue SMS", condition=rules_domain.OVERDUE,
                            to_assignee=True, by_email=False, on_screen=False, by_sms=True)
    session.add(rule)
    session.commit()
    now = datetime(2026, 11, 4, 9, 0)
    counts = alert_rules.scan_rules(session, now)
    assert counts["sms"] >= 1
    [row] = session.scalars(select(OutboundSms).where(OutboundSms.complaint_id == c.id)).all()
    assert row.recipient == "+33611223344"
    assert row.body == f"[{c.tracking_number}] Deadline passed" and SECRET not in row.body
    assert alert_rules.scan_rules(session, now + timedelta(minutes=5))["sms"] == 0
    rule.active = False  # other modules' scans do not meet it
    session.commit()


def test_an_sms_only_rule_needs_a_user_recipient(session):
    shape = rules_domain.RuleShape(condition=rules_domain.OVERDUE, by_sms=True,
                                   fixed_address="x@example.org")
    assert rules_domain.rule_problems(shape) == [rules_domain.SCREEN_NEEDS_USER]
    shape = rules_domain.RuleShape(condition=rules_domain.OVERDUE, by_sms=True,
                                   to_assignee=True)
    assert rules_domain.rule_problems(shape) == []
