"""Who may move a row into a scope (app/services/scope_changes.py): plain values, no app."""

import pytest

from app.services.scope_changes import (
    Placement,
    ScopeChangeRefused,
    Writer,
    check_client_move,
    check_complaint,
    check_portfolio_owner,
)

ME, OTHER, MY_TEAM, OTHER_TEAM = 7, 8, 70, 80
AGENT = Writer(user_id=ME, team_id=MY_TEAM, may_assign=False)
SUPERVISOR = Writer(user_id=ME, team_id=MY_TEAM, may_assign=True)


@pytest.mark.parametrize(("writer", "old", "new", "allowed"), [
    (AGENT, None, None, True),          # nothing set: nothing to decide
    (AGENT, OTHER, OTHER, True),        # unchanged
    (AGENT, None, ME, False),           # into one's own portfolio
    (AGENT, OTHER, ME, False),
    (AGENT, None, OTHER, False),        # an assignment decision, whoever it names
    (AGENT, ME, None, False),
    (SUPERVISOR, OTHER, ME, True),
    (SUPERVISOR, None, OTHER, True),
])
def test_portfolio_owner(writer, old, new, allowed):
    _expect(allowed, check_portfolio_owner, writer, old, new)


@pytest.mark.parametrize(("writer", "old", "new", "allowed"), [
    (AGENT, OTHER, ME, False),          # into one's own portfolio
    (AGENT, None, ME, False),
    (AGENT, ME, ME, True),              # already there
    (AGENT, ME, OTHER, True),           # out of it: no wider scope
    (AGENT, None, OTHER, True),
    (SUPERVISOR, OTHER, ME, True),
    (Writer(user_id=None), OTHER, None, True),
])
def test_client_move(writer, old, new, allowed):
    _expect(allowed, check_client_move, writer, old, new)


BEFORE = Placement(team_id=OTHER_TEAM, assignee_id=OTHER, client_owner_id=OTHER)


@pytest.mark.parametrize(("writer", "before", "after", "allowed"), [
    # a new complaint: one's own team, oneself, or nobody (the assignment rules choose)
    (AGENT, None, Placement(), True),
    (AGENT, None, Placement(team_id=MY_TEAM, assignee_id=ME), True),
    (AGENT, None, Placement(client_owner_id=ME), True),
    (AGENT, None, Placement(team_id=OTHER_TEAM), False),
    (AGENT, None, Placement(assignee_id=OTHER), False),
    (Writer(user_id=ME), None, Placement(team_id=OTHER_TEAM), False),  # an agent of no team
    (SUPERVISOR, None, Placement(team_id=OTHER_TEAM, assignee_id=OTHER), True),
    # an existing one: team and assignee are the assigners' to change
    (AGENT, BEFORE, BEFORE, True),
    (AGENT, BEFORE, Placement(MY_TEAM, OTHER, OTHER), False),
    (AGENT, BEFORE, Placement(OTHER_TEAM, ME, OTHER), False),
    (AGENT, BEFORE, Placement(OTHER_TEAM, None, OTHER), False),
    (AGENT, BEFORE, Placement(OTHER_TEAM, OTHER, ME), False),   # to a client of mine
    (AGENT, BEFORE, Placement(OTHER_TEAM, OTHER, None), True),  # to nobody's client
    (SUPERVISOR, BEFORE, Placement(MY_TEAM, ME, ME), True),
])
def test_complaint(writer, before, after, allowed):
    _expect(allowed, check_complaint, writer, before, after)


def _expect(allowed, check, *args):
    if allowed:
        assert check(*args) is None
    else:
        with pytest.raises(ScopeChangeRefused):
            check(*args)
