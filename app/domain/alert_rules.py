"""Notification rules (DESIGN.md §1): when the clock says something needs attention, who
hears of it and how. Plain data and checks; the scan that applies them is
app/services/alert_rules.py.

A rule fires once per *occurrence*: a complaint that falls overdue alerts once for that
deadline (and again only if a new deadline is missed), an idle complaint alerts once per
idle stretch, a reminder once per due date.
"""

from dataclasses import dataclass

# Conditions
NO_ACTION = "no_action"  # open with no action for N days
DUE_WITHIN = "due_within"  # due within N days (no N: within its deadline rule's warning window)
OVERDUE = "overdue"  # deadline passed while the clock runs
REMINDER_DUE = "reminder_due"  # a reminder on the complaint is due
CONDITIONS = (NO_ACTION, DUE_WITHIN, OVERDUE, REMINDER_DUE)

# What a condition needs in ``days``.
DAYS_REQUIRED, DAYS_OPTIONAL, DAYS_UNUSED = "required", "optional", "unused"
DAYS_USE = {NO_ACTION: DAYS_REQUIRED, DUE_WITHIN: DAYS_OPTIONAL, OVERDUE: DAYS_UNUSED,
            REMINDER_DUE: DAYS_UNUSED}
MAX_DAYS = 365

# Problems found by ``rule_problems``; the views translate them.
UNKNOWN_CONDITION = "unknown_condition"
DAYS_MISSING = "days_missing"
DAYS_OUT_OF_RANGE = "days_out_of_range"
DAYS_NOT_USED = "days_not_used"
NO_RECIPIENT = "no_recipient"
NO_CHANNEL = "no_channel"
SCREEN_NEEDS_USER = "screen_needs_user"


@dataclass(frozen=True)
class RuleShape:
    """What a rule says, as plain values."""

    condition: str
    days: int | None = None
    to_assignee: bool = False
    to_team_manager: bool = False
    to_supervisors: bool = False
    fixed_address: str | None = None
    by_email: bool = False
    on_screen: bool = False
    by_sms: bool = False  # to the users with a mobile number (never a fixed address)


def rule_problems(rule: RuleShape) -> list[str]:
    """Every reason the rule cannot work (codes, in a stable order); empty when it can."""
    problems = []
    use = DAYS_USE.get(rule.condition)
    if use is None:
        problems.append(UNKNOWN_CONDITION)
    elif use == DAYS_REQUIRED and rule.days is None:
        problems.append(DAYS_MISSING)
    elif use == DAYS_UNUSED and rule.days is not None:
        problems.append(DAYS_NOT_USED)
    if rule.days is not None and use != DAYS_UNUSED and not 1 <= rule.days <= MAX_DAYS:
        problems.append(DAYS_OUT_OF_RANGE)
    users = rule.to_assignee or rule.to_team_manager or rule.to_supervisors
    if not users and not rule.fixed_address:
        problems.append(NO_RECIPIENT)
    if not rule.by_email and not rule.on_screen and not rule.by_sms:
        problems.append(NO_CHANNEL)
    elif not rule.by_email and not users and rule.fixed_address:
        # An address is not a person of the application: it has no screen.
        problems.append(SCREEN_NEEDS_USER)
    return problems


def recipient_ids(rule: RuleShape, assignee_id, manager_id, supervisor_ids) -> list[int]:
    """The users a rule alerts about one complaint, each once, in a stable order."""
    ids = []
    if rule.to_assignee and assignee_id is not None:
        ids.append(assignee_id)
    if rule.to_team_manager and manager_id is not None:
        ids.append(manager_id)
    if rule.to_supervisors:
        ids.extend(sorted(supervisor_ids))
    return list(dict.fromkeys(ids))


def alert_key(alert_id: int, channel: str, recipient) -> str:
    """Unique key of one delivery of one alert: ``rule:<alert>:<channel>:<recipient>``."""
    return f"rule:{alert_id}:{channel}:{recipient}"
