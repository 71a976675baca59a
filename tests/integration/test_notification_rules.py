"""Notification rules: each condition alerts its recipients once per occurrence, on screen
and by email, in their language, never about a complaint they may not see; two scans at
once alert once; a scan after a downtime catches up once."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, func, select

from app.domain import alert_rules as rules
from app.models import (
    Complaint,
    Notification,
    NotificationRule,
    OutboundEmail,
    Reminder,
    RuleAlert,
)
from app.services import alert_rules, followup
from tests import factories as f
from tests.integration.conftest import run_concurrently
from tests.integration.test_notifications import deliver, received

NOW = datetime(2026, 11, 20, 9, 0)
RECEIVED = datetime(2026, 11, 2, 9, 30)  # default rule: due 15 days later, warned 3 before


@pytest.fixture
def make_rule(session):
    """Rules made by a test are switched off afterwards: the register is shared."""
    made = []

    def make(condition, **fields):
        values = {"name": f.unique("Règle "), "condition": condition, "to_assignee": True,
                  "by_email": True, "on_screen": True}
        values.update(fields)
        rule = NotificationRule(**values)
        session.add(rule)
        session.commit()
        made.append(rule.id)
        return rule

    yield make
    session.rollback()
    for rule in session.scalars(select(NotificationRule).where(NotificationRule.id.in_(made))):
        rule.active = False
    # A scan alerts the whole shared register (every test's late complaints): take those
    # emails out of the outbox, so that other tests' deliveries stay small.
    session.execute(delete(OutboundEmail).where(OutboundEmail.dedupe_key.like("rule:%"),
                                                OutboundEmail.status == "pending"))
    session.commit()


def alerts_of(session, rule, complaint):
    """(on-screen notifications per user id, email recipients) of the rule's alerts on
    the complaint."""
    alert_ids = session.scalars(select(RuleAlert.id).where(
        RuleAlert.rule_id == rule.id, RuleAlert.complaint_id == complaint.id)).all()
    prefixes = tuple(f"rule:{alert_id}:" for alert_id in alert_ids)
    screens = sorted(n.user_id for n in session.scalars(select(Notification).where(
        Notification.complaint_id == complaint.id)) if n.dedupe_key.startswith(prefixes))
    emails = sorted(e.recipient for e in session.scalars(select(OutboundEmail).where(
        OutboundEmail.complaint_id == complaint.id))
        if e.dedupe_key and e.dedupe_key.startswith(prefixes))
    return screens, emails


def test_overdue_alerts_assignee_and_team_manager_once(session, make_rule, smtp_server):
    agent, manager = f.user(session, "agent"), f.user(session, "supervisor")
    team = f.make_team(session, manager=manager)
    complaint = f.make_complaint(session, received_at=RECEIVED, assignee=agent, team=team)
    rule = make_rule(rules.OVERDUE, to_team_manager=True)

    alert_rules.scan_rules(session, NOW)
    assert alerts_of(session, rule, complaint) == (sorted([agent.id, manager.id]),
                                                   sorted([agent.email, manager.email]))
    alert_rules.scan_rules(session, NOW + timedelta(hours=2))
    assert alerts_of(session, rule, complaint) == (sorted([agent.id, manager.id]),
                                                   sorted([agent.email, manager.email]))

    deliver(session, smtp_server)
    subject = f"[{complaint.tracking_number}] Échéance dépassée"
    mine = [m for m in received(smtp_server, agent.email) if m[0] == subject]
    assert len(mine) == 1
    _, text, html = mine[0]
    assert complaint.subject in text and complaint.subject in html
    assert rule.name in text


def test_a_new_missed_deadline_alerts_again(session, make_rule):
    agent = f.user(session, "agent")
    complaint = f.make_complaint(session, received_at=RECEIVED, assignee=agent)
    rule = make_rule(rules.OVERDUE, on_screen=False)
    alert_rules.scan_rules(session, NOW)
    complaint.due_at = NOW + timedelta(days=1)  # e.g. the rules changed: a new deadline
    session.commit()
    alert_rules.scan_rules(session, NOW + timedelta(hours=1))
    assert alerts_of(session, rule, complaint)[1] == [agent.email]
    alert_rules.scan_rules(session, NOW + timedelta(days=2))
    assert alerts_of(session, rule, complaint)[1] == [agent.email, agent.email]


def test_due_within_the_warning_window_or_n_days(session, make_rule):
    agent = f.user(session, "agent")
    # Due 2026-11-17 09:30, warned from 2026-11-14 09:30.
    complaint = f.make_complaint(session, received_at=RECEIVED, assignee=agent)
    window = make_rule(rules.DUE_WITHIN, on_screen=False)
    one_day = make_rule(rules.DUE_WITHIN, days=1, on_screen=False)

    alert_rules.scan_rules(session, datetime(2026, 11, 14, 9, 0))
    assert alerts_of(session, window, complaint)[1] == []
    alert_rules.scan_rules(session, datetime(2026, 11, 14, 10, 0))
    assert alerts_of(session, window, complaint)[1] == [agent.email]
    assert alerts_of(session, one_day, complaint)[1] == []
    alert_rules.scan_rules(session, datetime(2026, 11, 16, 10, 0))
    assert alerts_of(session, one_day, complaint)[1] == [agent.email]
    assert alerts_of(session, window, complaint)[1] == [agent.email]


def test_no_action_alerts_once_per_idle_stretch(session, make_rule):
    agent = f.user(session, "agent")
    complaint = f.make_complaint(session, received_at=RECEIVED, assignee=agent)
    complaint.last_action_at = datetime(2026, 11, 10, 8, 0)
    session.commit()
    rule = make_rule(rules.NO_ACTION, days=7, by_email=False)

    alert_rules.scan_rules(session, datetime(2026, 11, 17, 7, 0))
    assert alerts_of(session, rule, complaint)[0] == []
    alert_rules.scan_rules(session, datetime(2026, 11, 17, 9, 0))
    alert_rules.scan_rules(session, datetime(2026, 11, 18, 9, 0))
    assert alerts_of(session, rule, complaint)[0] == [agent.id]

    followup.add_note(session, complaint, agent, "Client rappelé", now=datetime(2026, 11, 18, 10))
    alert_rules.scan_rules(session, datetime(2026, 11, 24, 9, 0))
    assert alerts_of(session, rule, complaint)[0] == [agent.id]
    alert_rules.scan_rules(session, datetime(2026, 11, 25, 11, 0))
    assert alerts_of(session, rule, complaint)[0] == [agent.id, agent.id]


def test_no_action_ignores_closed_complaints(session, make_rule):
    complaint = f.make_complaint(session, received_at=RECEIVED, assignee=f.user(session, "agent"))
    complaint.last_action_at, complaint.closed_at = RECEIVED, RECEIVED + timedelta(days=1)
    session.commit()
    rule = make_rule(rules.NO_ACTION, days=3)
    alert_rules.scan_rules(session, NOW)
    assert alerts_of(session, rule, complaint) == ([], [])


def test_reminder_due_to_supervisors_and_a_fixed_address(session, make_rule):
    agent, supervisor = f.user(session, "agent"), f.user(session, "supervisor")
    complaint = f.make_complaint(session, received_at=RECEIVED, assignee=agent)
    reminder = Reminder(complaint=complaint, user=agent, remind_at=NOW - timedelta(hours=1),
                        note="Relancer le fournisseur")
    session.add(reminder)
    session.commit()
    rule = make_rule(rules.REMINDER_DUE, to_assignee=False, to_supervisors=True,
                     fixed_address="qualite@example.org")

    alert_rules.scan_rules(session, NOW)
    alert_rules.scan_rules(session, NOW)
    screens, emails = alerts_of(session, rule, complaint)
    assert supervisor.id in screens and agent.id not in screens
    assert "qualite@example.org" in emails and supervisor.email in emails
    assert len(emails) == len(set(emails))
    fixed = session.scalars(select(OutboundEmail).where(
        OutboundEmail.recipient == "qualite@example.org",
        OutboundEmail.complaint_id == complaint.id,
        OutboundEmail.dedupe_key.startswith("rule:"))).one()
    assert "Relancer le fournisseur" in fixed.body_text
    assert fixed.body_text.startswith("Bonjour,")


def test_recipients_never_hear_of_a_complaint_they_may_not_see(session, make_rule):
    agent, supervisor = f.user(session, "agent"), f.user(session, "supervisor")
    team = f.make_team(session, manager=supervisor)
    complaint = f.make_complaint(session, received_at=RECEIVED, assignee=agent, team=team,
                                 confidential=True, description="Harcèlement, voisin")
    rule = make_rule(rules.OVERDUE, to_team_manager=True, fixed_address="audit@example.org")

    alert_rules.scan_rules(session, NOW)
    screens, emails = alerts_of(session, rule, complaint)
    # The agent has no confidential permission; the supervisor has.
    assert screens == [supervisor.id]
    assert sorted(emails) == sorted([supervisor.email, "audit@example.org"])
    for email in session.scalars(select(OutboundEmail).where(
            OutboundEmail.complaint_id == complaint.id, OutboundEmail.recipient.in_(emails),
            OutboundEmail.dedupe_key.startswith("rule:"))):
        assert complaint.subject not in email.body_text
        assert "Harcèlement" not in email.body_text and "Harcèlement" not in email.body_html


def test_recipient_language(session, make_rule):
    agent = f.user(session, "agent2")
    agent.language = "en"
    session.commit()
    try:
        complaint = f.make_complaint(session, received_at=RECEIVED, assignee=agent)
        make_rule(rules.OVERDUE, on_screen=False)
        alert_rules.scan_rules(session, NOW)
        email = session.scalars(select(OutboundEmail).where(
            OutboundEmail.complaint_id == complaint.id, OutboundEmail.recipient == agent.email,
            OutboundEmail.dedupe_key.startswith("rule:"))).one()
        assert email.subject == f"[{complaint.tracking_number}] Deadline passed"
        assert email.language == "en" and "The deadline of the complaint" in email.body_text
    finally:
        agent.language = None
        session.commit()


def test_two_scans_at_once_alert_once(app, session, make_rule):
    agent = f.user(session, "agent")
    complaints = [f.make_complaint(session, received_at=RECEIVED, assignee=agent)
                  for _ in range(5)]
    rule = make_rule(rules.OVERDUE)
    session.commit()

    run_concurrently(app, lambda db_session: alert_rules.scan_rules(db_session, NOW, batch=2),
                     workers=4)
    session.expire_all()
    for complaint in complaints:
        assert alerts_of(session, rule, complaint) == ([agent.id], [agent.email])


def test_catch_up_after_a_downtime_alerts_once(session, make_rule):
    agent = f.user(session, "agent")
    early = f.make_complaint(session, received_at=RECEIVED, assignee=agent)
    late = f.make_complaint(session, received_at=RECEIVED + timedelta(days=3), assignee=agent)
    rule = make_rule(rules.OVERDUE, on_screen=False)
    alert_rules.scan_rules(session, datetime(2026, 11, 10))  # neither is late yet
    # Down for ten days: both fell late meanwhile; the first scan back alerts each once.
    alert_rules.scan_rules(session, datetime(2026, 11, 30))
    alert_rules.scan_rules(session, datetime(2026, 11, 30, 0, 5))
    assert alerts_of(session, rule, early)[1] == [agent.email]
    assert alerts_of(session, rule, late)[1] == [agent.email]


def test_inactive_or_broken_rules_do_nothing(session, make_rule):
    complaint = f.make_complaint(session, received_at=RECEIVED, assignee=f.user(session, "agent"))
    inactive = make_rule(rules.OVERDUE, active=False)
    broken = make_rule(rules.NO_ACTION, days=None)  # saved around the form: skipped
    alert_rules.scan_rules(session, NOW)
    assert alerts_of(session, inactive, complaint) == ([], [])
    assert alerts_of(session, broken, complaint) == ([], [])


def test_a_rule_alerts_a_large_backlog_in_bounded_passes(session, make_rule):
    agent = f.user(session, "agent")
    complaints = [f.make_complaint(session, received_at=RECEIVED, assignee=agent)
                  for _ in range(5)]
    rule = make_rule(rules.OVERDUE, on_screen=False)
    ours = {c.id for c in complaints}

    def alerted():
        return len(ours & set(session.scalars(select(RuleAlert.complaint_id).where(
            RuleAlert.rule_id == rule.id))))

    # Other tests' late complaints come first (oldest deadline first): pass until ours,
    # at most one pass per two complaints in the register (2 alerts per pass).
    passes = session.scalar(select(func.count(Complaint.id))) // 2 + 2
    for _ in range(passes):
        alert_rules.scan_rules(session, NOW, batch=2, max_per_rule=2)
        if alerted() == len(ours):
            break
    assert alerted() == len(ours)


def test_demo_register_starts_with_its_past_already_alerted(session, make_rule):
    agent = f.user(session, "agent")
    complaint = f.make_complaint(session, received_at=RECEIVED, assignee=agent)
    rule = make_rule(rules.OVERDUE)
    assert alert_rules.mark_current_as_alerted(session, NOW) >= 1
    alert_rules.scan_rules(session, NOW)
    assert alerts_of(session, rule, complaint) == ([], [])
    assert session.scalar(select(RuleAlert.id).where(RuleAlert.rule_id == rule.id,
                                                     RuleAlert.complaint_id == complaint.id))


# --- later passes read only what fell due or changed since the previous one -------------

def test_a_deadline_moved_into_the_past_alerts_at_the_next_pass(session, make_rule):
    agent = f.user(session, "agent")
    complaint = f.make_complaint(session, received_at=NOW - timedelta(days=1), assignee=agent)
    rule = make_rule(rules.OVERDUE, on_screen=False)
    alert_rules.scan_rules(session, NOW)
    assert rule.checked_until == NOW and alerts_of(session, rule, complaint)[1] == []
    # E.g. a shorter deadline rule: the new deadline is long past, before the last pass.
    complaint.due_at = NOW - timedelta(days=20)
    session.commit()
    alert_rules.scan_rules(session, NOW + timedelta(minutes=5))
    assert alerts_of(session, rule, complaint)[1] == [agent.email]


def test_a_reminder_added_already_due_alerts_at_the_next_pass(session, make_rule):
    agent = f.user(session, "agent")
    complaint = f.make_complaint(session, received_at=RECEIVED, assignee=agent)
    rule = make_rule(rules.REMINDER_DUE, on_screen=False)
    alert_rules.scan_rules(session, NOW)
    session.add(Reminder(complaint=complaint, user=agent, remind_at=NOW - timedelta(days=3)))
    session.commit()
    alert_rules.scan_rules(session, NOW + timedelta(minutes=5))
    assert alerts_of(session, rule, complaint)[1] == [agent.email]


def test_a_later_pass_does_not_read_old_matches_again(session, make_rule):
    agent = f.user(session, "agent")
    complaint = f.make_complaint(session, received_at=RECEIVED, assignee=agent)
    rule = make_rule(rules.OVERDUE, on_screen=False)
    alert_rules.scan_rules(session, NOW)
    assert alerts_of(session, rule, complaint)[1] == [agent.email]
    # Forget the alert: only a full read would find the occurrence again (the complaint
    # was last changed long before the pass).
    session.execute(delete(RuleAlert).where(RuleAlert.rule_id == rule.id,
                                            RuleAlert.complaint_id == complaint.id))
    complaint.updated_at = RECEIVED
    session.commit()
    alert_rules.scan_rules(session, NOW + timedelta(hours=1))
    assert session.scalar(select(RuleAlert.id).where(
        RuleAlert.rule_id == rule.id, RuleAlert.complaint_id == complaint.id)) is None
    # A rule edited in Configuration reads everything again.
    rule.checked_until = None
    session.commit()
    alert_rules.scan_rules(session, NOW + timedelta(hours=2))
    assert session.scalar(select(RuleAlert.id).where(
        RuleAlert.rule_id == rule.id, RuleAlert.complaint_id == complaint.id)) is not None


def test_a_capped_pass_reads_everything_again_next_time(session, make_rule):
    complaint = f.make_complaint(session, received_at=RECEIVED, assignee=f.user(session, "agent"))
    rule = make_rule(rules.OVERDUE, on_screen=False)
    alert_rules.scan_rules(session, NOW, batch=1, max_per_rule=1)
    session.refresh(rule)
    assert rule.checked_until is None  # it stopped at its cap: more may match
    alert_rules.scan_rules(session, NOW)
    session.refresh(rule)
    assert rule.checked_until == NOW
    assert alerts_of(session, rule, complaint)[1] == [complaint.assignee.email]
