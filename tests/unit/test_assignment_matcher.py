"""Assignment rules as plain data: which rule wins, who is next in a rotation, and what
makes a rule unusable."""

import pytest

from app.domain import assignment as a

BILLING, TECHNICAL = 1, 2  # categories
COMPLAINT, QUESTION = 10, 11  # request types
EMAIL, PHONE = 20, 21  # channels


def rule(id, position=0, **fields):
    return a.RuleShape(id=id, team_id=fields.pop("team_id", 100 + id), position=position,
                       **fields)


RULES = [
    rule(1, position=10, category_id=BILLING),
    rule(2, position=20, category_id=BILLING, channel_id=EMAIL),
    rule(3, position=30, channel_id=EMAIL),
    rule(4, position=40, request_type_id=QUESTION, channel_id=PHONE),
    rule(5, position=99),  # catch-all, last
]


@pytest.mark.parametrize("facts, expected", [
    (a.Facts(category_id=BILLING), 1),
    # First by order, not most specific: rule 1 (billing) comes before rule 2.
    (a.Facts(category_id=BILLING, channel_id=EMAIL), 1),
    (a.Facts(category_id=TECHNICAL, channel_id=EMAIL), 3),
    (a.Facts(request_type_id=QUESTION, channel_id=PHONE), 4),
    (a.Facts(request_type_id=QUESTION, channel_id=EMAIL), 3),
    (a.Facts(request_type_id=COMPLAINT, channel_id=PHONE), 5),
    (a.Facts(), 5),  # a complaint with no category matches only rules leaving it open
])
def test_first_matching_rule_in_order_wins(facts, expected):
    assert a.first_match(RULES, facts).id == expected


def test_order_is_position_then_id_whatever_the_list_order():
    rules = [rule(7, position=5), rule(3, position=5), rule(9, position=1,
                                                            category_id=TECHNICAL)]
    assert [r.id for r in a.ordered(rules)] == [9, 3, 7]
    assert a.first_match(rules, a.Facts(category_id=BILLING)).id == 3


def test_inactive_rules_and_no_match():
    rules = [rule(1, category_id=BILLING, active=False), rule(2, channel_id=EMAIL)]
    assert a.first_match(rules, a.Facts(category_id=BILLING)) is None
    assert a.first_match(rules, a.Facts(category_id=BILLING, channel_id=EMAIL)).id == 2
    assert a.first_match([], a.Facts()) is None


@pytest.mark.parametrize("members, last, expected", [
    ([], None, None),
    ([5, 3, 9], None, 3),  # first round starts with the lowest id
    ([3, 5, 9], 3, 5),
    ([3, 5, 9], 5, 9),
    ([3, 5, 9], 9, 3),  # wraps round
    ([3, 9], 5, 9),  # the last one served left the team: the next after them
    ([3, 5, 9], 12, 3),
    ([3, 4, 5, 9], 3, 4),  # a newcomer takes their place in the round
])
def test_next_in_rotation(members, last, expected):
    assert a.next_in_rotation(members, last) == expected


def test_rotation_is_fair_over_rounds():
    members, last, served = [4, 8, 15], None, []
    for _ in range(9):
        last = a.next_in_rotation(members, last)
        served.append(last)
    assert served == [4, 8, 15] * 3


@pytest.mark.parametrize("fields, team_active, members, assignee_active, problems", [
    ({}, True, [1], False, []),
    ({"team_id": None}, True, [1], False, [a.NO_TEAM]),
    ({}, False, [1], False, [a.TEAM_INACTIVE]),
    ({"assignee_id": 1}, True, [1, 2], True, []),
    ({"assignee_id": 7}, True, [1, 2], True, [a.ASSIGNEE_NOT_IN_TEAM]),
    ({"assignee_id": 1}, True, [2], False, [a.ASSIGNEE_INACTIVE]),
    ({"assignee_id": 1, "round_robin": True}, True, [1], True, [a.ASSIGNEE_AND_ROTATION]),
    ({"round_robin": True}, True, [1, 2], False, []),
    ({"round_robin": True}, True, [], False, [a.EMPTY_ROTATION]),
])
def test_rule_problems(fields, team_active, members, assignee_active, problems):
    shape = rule(1, category_id=BILLING, **fields)
    assert a.rule_problems(shape, team_active, members, assignee_active) == problems


def test_same_conditions_as_another_active_rule():
    shape = rule(1, category_id=BILLING, channel_id=EMAIL)
    twin = rule(2, category_id=BILLING, channel_id=EMAIL)
    assert a.rule_problems(shape, True, [], False, [twin]) == [a.SAME_CONDITIONS]
    assert a.rule_problems(shape, True, [], False, [shape]) == []  # itself, when edited
    inactive_twin = rule(2, category_id=BILLING, channel_id=EMAIL, active=False)
    assert a.rule_problems(shape, True, [], False, [inactive_twin]) == []
    other = rule(3, category_id=BILLING)
    assert a.rule_problems(shape, True, [], False, [other]) == []


def test_a_rule_not_saved_yet_comes_first_among_its_position():
    # A rule being tried before it is saved has no id: it counts as the oldest.
    unsaved = a.RuleShape(id=None, team_id=100, position=5)
    rules = [rule(1, position=5), unsaved, rule(2, position=4)]
    assert [r.id for r in a.ordered(rules)] == [2, None, 1]
