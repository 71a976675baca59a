"""Notification rules as plain data: what makes a rule unusable, and whom it alerts."""

import pytest

from app.domain import alert_rules as r

EMAIL_TO_ASSIGNEE = {"to_assignee": True, "by_email": True}


@pytest.mark.parametrize("condition, days, problems", [
    (r.NO_ACTION, 7, []),
    (r.NO_ACTION, None, [r.DAYS_MISSING]),
    (r.NO_ACTION, 0, [r.DAYS_OUT_OF_RANGE]),
    (r.NO_ACTION, 366, [r.DAYS_OUT_OF_RANGE]),
    (r.NO_ACTION, 1, []),  # the bounds are allowed
    (r.NO_ACTION, 365, []),
    (r.DUE_WITHIN, None, []),  # the deadline rule's warning window
    (r.DUE_WITHIN, 2, []),
    (r.DUE_WITHIN, -1, [r.DAYS_OUT_OF_RANGE]),
    (r.OVERDUE, None, []),
    (r.OVERDUE, 3, [r.DAYS_NOT_USED]),
    (r.REMINDER_DUE, 1, [r.DAYS_NOT_USED]),
    ("birthday", None, [r.UNKNOWN_CONDITION]),
])
def test_days_per_condition(condition, days, problems):
    assert r.rule_problems(r.RuleShape(condition, days, **EMAIL_TO_ASSIGNEE)) == problems


@pytest.mark.parametrize("fields, problems", [
    ({"by_email": True}, [r.NO_RECIPIENT]),
    ({"to_supervisors": True}, [r.NO_CHANNEL]),
    ({"fixed_address": "q@example.org", "on_screen": True}, [r.SCREEN_NEEDS_USER]),
    ({"fixed_address": "q@example.org", "by_email": True}, []),
    ({"fixed_address": "q@example.org", "to_team_manager": True, "on_screen": True}, []),
    ({}, [r.NO_RECIPIENT, r.NO_CHANNEL]),
])
def test_recipients_and_channels(fields, problems):
    assert r.rule_problems(r.RuleShape(r.OVERDUE, **fields)) == problems


def test_recipients_each_once_in_a_stable_order():
    rule = r.RuleShape(r.OVERDUE, to_assignee=True, to_team_manager=True, to_supervisors=True,
                       by_email=True)
    assert r.recipient_ids(rule, 7, 3, {9, 3, 5}) == [7, 3, 5, 9]
    assert r.recipient_ids(rule, None, None, set()) == []
    only_manager = r.RuleShape(r.OVERDUE, to_team_manager=True, by_email=True)
    assert r.recipient_ids(only_manager, 7, 3, {9}) == [3]


def test_alert_keys_name_the_alert_the_channel_and_the_recipient():
    assert r.alert_key(12, "email", "q@example.org") == "rule:12:email:q@example.org"
    assert r.alert_key(12, "screen", 4) != r.alert_key(12, "email", 4)
