"""Assignment rules, as plain data: which rule assigns a new complaint, and who is next
in a team's rotation.

A rule sets any of category, request type and channel (None = any value) and names a
team, plus either a fixed assignee, a round-robin among the team's active members, or
nobody (the team only). Rules are tried in the admins' order (position, then id): the
first active rule whose every condition matches wins. "First by order" rather than "most
specific first" so that the list the admin reads is exactly the order of evaluation.
"""

from dataclasses import dataclass

# Problems of a rule as edited by an admin (translated by the service).
NO_TEAM = "no_team"
ASSIGNEE_AND_ROTATION = "assignee_and_rotation"
ASSIGNEE_NOT_IN_TEAM = "assignee_not_in_team"
ASSIGNEE_INACTIVE = "assignee_inactive"
TEAM_INACTIVE = "team_inactive"
EMPTY_ROTATION = "empty_rotation"
SAME_CONDITIONS = "same_conditions"

CONDITIONS = ("category_id", "request_type_id", "channel_id")


@dataclass(frozen=True)
class Facts:
    """What a rule looks at on a new complaint (ids, None when not set)."""

    category_id: int | None = None
    request_type_id: int | None = None
    channel_id: int | None = None


@dataclass(frozen=True)
class RuleShape:
    id: int | None
    team_id: int | None
    position: int = 0
    category_id: int | None = None
    request_type_id: int | None = None
    channel_id: int | None = None
    assignee_id: int | None = None
    round_robin: bool = False
    active: bool = True

    def conditions(self) -> tuple:
        return tuple(getattr(self, name) for name in CONDITIONS)


def matches(rule: RuleShape, facts: Facts) -> bool:
    """Every condition the rule sets equals the complaint's value (None on a rule = any;
    a complaint without a value matches only rules that leave that condition open)."""
    return all(wanted is None or wanted == getattr(facts, name)
               for name, wanted in zip(CONDITIONS, rule.conditions(), strict=True))


def ordered(rules) -> list[RuleShape]:
    """Rules in their order of evaluation: position, then id (older first)."""
    return sorted(rules, key=lambda r: (r.position, r.id if r.id is not None else 0))


def first_match(rules, facts: Facts) -> RuleShape | None:
    """The rule that assigns a complaint with ``facts``, or None."""
    for rule in ordered(rules):
        if rule.active and rule.team_id is not None and matches(rule, facts):
            return rule
    return None


def next_in_rotation(member_ids, last_id: int | None) -> int | None:
    """The member after ``last_id`` in id order, wrapping round; None for an empty team.

    Keyed on the last one served rather than on a counter, so a member joining or
    leaving neither skips anyone nor serves anyone twice in a round."""
    members = sorted(set(member_ids))
    if not members:
        return None
    if last_id is None:
        return members[0]
    return next((m for m in members if m > last_id), members[0])


def rule_problems(rule: RuleShape, team_active: bool, member_ids, assignee_active: bool,
                  others=()) -> list[str]:
    """Why an admin's rule cannot be saved (empty list: it can). ``member_ids``: the
    team's active members; ``others``: the other active rules."""
    if rule.team_id is None:
        return [NO_TEAM]
    problems = []
    if not team_active:
        problems.append(TEAM_INACTIVE)
    if rule.assignee_id is not None and rule.round_robin:
        problems.append(ASSIGNEE_AND_ROTATION)
    elif rule.assignee_id is not None and not assignee_active:
        problems.append(ASSIGNEE_INACTIVE)
    elif rule.assignee_id is not None and rule.assignee_id not in set(member_ids):
        problems.append(ASSIGNEE_NOT_IN_TEAM)
    if rule.round_robin and not list(member_ids):
        problems.append(EMPTY_ROTATION)
    if rule.active and any(o.active and o.id != rule.id and o.conditions() == rule.conditions()
                           for o in others):
        problems.append(SAME_CONDITIONS)
    return problems
