"""The stored deadline follows state, complexity, pauses, rules and holidays, and every
move is explained in the history (app/services/deadlines.py through complaint services)."""

from datetime import date, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.domain import events
from app.models import DeadlineRule, Event, Holiday
from app.services import complaints as service
from app.services import deadlines
from tests import factories as f

T0 = datetime(2026, 11, 2, 9, 30)  # a Monday, 10:30 in Paris
DAY = timedelta(days=1)


def deadline_events(session, complaint):
    return session.scalars(select(Event).where(
        Event.complaint_id == complaint.id, Event.kind == events.DEADLINE_CHANGED)
        .order_by(Event.id)).all()


def test_pauses_over_several_state_changes_push_the_deadline(session):
    c = f.make_complaint(session, received_at=T0, state_code="in_progress")
    base_due = c.due_at
    assert base_due == T0 + 15 * DAY
    # Two waits for the customer: 2 days, then 1 day 6 hours.
    service.change_state(session, c, f.state(session, "waiting_customer"), now=T0 + DAY)
    assert c.urgency == "paused"
    service.change_state(session, c, f.state(session, "in_progress"), now=T0 + 3 * DAY)
    assert c.paused_seconds == 2 * 86400
    service.change_state(session, c, f.state(session, "waiting_customer"), now=T0 + 4 * DAY)
    service.change_state(session, c, f.state(session, "in_progress"),
                         now=T0 + 5 * DAY + timedelta(hours=6))
    assert c.paused_seconds == 3 * 86400 + 6 * 3600
    assert c.due_at == base_due + timedelta(days=3, hours=6)
    moves = deadline_events(session, c)
    assert [e.detail for e in moves] == [deadlines.REASON_PAUSE, deadlines.REASON_PAUSE]
    assert moves[-1].new_value == (base_due + timedelta(days=3, hours=6)).isoformat(
        sep=" ", timespec="minutes")


def test_answer_fixes_processing_time_without_pauses_and_on_time_flag(session):
    c = f.make_complaint(session, received_at=T0, state_code="in_progress")
    service.change_state(session, c, f.state(session, "waiting_customer"), now=T0 + DAY)
    service.change_state(session, c, f.state(session, "in_progress"), now=T0 + 3 * DAY)
    service.change_state(session, c, f.state(session, "answered"), now=T0 + 10 * DAY)
    assert c.processing_seconds == 8 * 86400
    assert c.answered_on_time is True
    late = f.make_complaint(session, received_at=T0, state_code="in_progress")
    service.change_state(session, late, f.state(session, "answered"), now=T0 + 20 * DAY)
    assert late.answered_on_time is False


def test_reopened_complaint_is_not_charged_for_the_time_since_its_answer(session):
    c = f.make_complaint(session, received_at=T0, state_code="in_progress")
    service.change_state(session, c, f.state(session, "answered"), now=T0 + 5 * DAY)
    service.change_state(session, c, f.state(session, "closed"), now=T0 + 6 * DAY)
    assert c.urgency is None and c.closed_at == T0 + 6 * DAY
    assert c.clock == "stopped"
    service.change_state(session, c, f.state(session, "reopened"), now=T0 + 40 * DAY)
    assert c.closed_at is None and c.clock == "running"
    # The clock stopped at the answer (day 5) and restarts at the reopening (day 40).
    assert c.paused_seconds == 35 * 86400
    assert c.due_at == T0 + 15 * DAY + 35 * DAY
    assert c.processing_seconds == 5 * 86400  # fixed at the first answer


@pytest.fixture
def complex_rule(session):
    rule = DeadlineRule(state_id=None, complexity_id=f.complexity(session, "complex").id,
                        days=30, business_days=False, warning_days=5)
    session.add(rule)
    session.commit()
    yield rule
    session.delete(rule)
    session.commit()
    deadlines.recompute_open_deadlines(session, deadlines.REASON_RULES, datetime(2026, 11, 3))


def test_complexity_rule_applies_and_rule_changes_move_open_complaints(session, complex_rule):
    c = f.make_complaint(session, received_at=T0, complexity=f.complexity(session, "complex"))
    assert c.due_at == T0 + 30 * DAY
    assert c.warning_at == c.due_at - 5 * DAY
    complex_rule.days = 20
    session.commit()
    moved = deadlines.recompute_open_deadlines(session, deadlines.REASON_RULES,
                                               datetime(2026, 11, 3))
    assert moved >= 1
    session.refresh(c)
    assert c.due_at == T0 + 20 * DAY
    assert deadline_events(session, c)[-1].detail == deadlines.REASON_RULES


def test_changing_complexity_through_an_edit_moves_the_deadline(session, complex_rule):
    c = f.make_complaint(session, received_at=T0)
    c.complexity = f.complexity(session, "complex")
    service.stage_update(session, c, now=T0 + DAY)
    session.commit()
    assert c.due_at == T0 + 30 * DAY
    assert deadline_events(session, c)[-1].detail == deadlines.REASON_COMPLEXITY


def test_business_day_rule_and_holidays_explained(session):
    standard = f.complexity(session, "standard")
    rule = DeadlineRule(state_id=f.state(session, "acknowledged").id,
                        complexity_id=standard.id, days=5, business_days=True, warning_days=1)
    holiday = Holiday(day=date(2026, 12, 25), label="Noël")
    session.add_all([rule, holiday])
    session.commit()
    try:
        c = f.make_complaint(session, received_at=datetime(2026, 12, 23, 9, 0),
                             state_code="acknowledged", complexity=standard)
        assert c.due_at == datetime(2026, 12, 31, 9, 0)
        why = deadlines.explain_deadline(session, c, datetime(2026, 12, 24))
        assert why["rule_id"] == rule.id and why["business_days"]
        assert why["skipped_holidays"] == [date(2026, 12, 25)]
        assert why["skipped_weekend_days"] == 2
    finally:
        session.delete(rule)
        session.delete(holiday)
        session.commit()


@pytest.mark.parametrize("language, business_days, days, expected", [
    ("fr", False, 15, "tout état, toute complexité\u00a0: 15 jours"),
    ("fr", True, 1, "tout état, toute complexité\u00a0: 1 jour ouvré"),
    ("en", True, 10, "any state, any complexity: 10 business days"),
])
def test_a_deadline_rule_reads_as_a_sentence(app, session, language, business_days, days,
                                             expected):
    """It showed as "* × *: 15" where FAB names a row (a deletion's confirmation)."""
    rule = DeadlineRule(days=days, business_days=business_days)
    with app.test_request_context(), force_locale(language):
        assert str(rule) == expected
    state = f.state(session, "new")
    with app.test_request_context(), force_locale("fr"):
        assert str(DeadlineRule(state=state, days=5)) == (
            f"{state}, toute complexité\u00a0: 5 jours")
