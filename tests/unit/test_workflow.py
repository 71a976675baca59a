"""The workflow table: which states are reachable, and which moves are refused."""

import pytest

from app.domain.reference_data import TRANSITIONS
from app.domain.workflow import TransitionNotAllowed, allowed_targets, check_transition

FLOW = set(TRANSITIONS)


@pytest.mark.parametrize(("source", "expected"), [
    ("new", ["acknowledged", "in_progress"]),
    ("acknowledged", ["in_progress", "waiting_customer"]),
    ("in_progress", ["answered", "waiting_customer"]),
    ("waiting_customer", ["answered", "in_progress"]),
    ("answered", ["closed", "in_progress"]),
    ("closed", ["reopened"]),
    ("reopened", ["answered", "in_progress"]),
    ("unknown", []),
])
def test_allowed_targets_of_the_default_flow(source, expected):
    assert allowed_targets(source, FLOW) == expected


@pytest.mark.parametrize(("source", "transitions", "expected"), [
    ("a", set(), []),
    ("a", {("a", "c"), ("a", "b"), ("b", "a")}, ["b", "c"]),
    (1, {(1, 3), (1, 2), (2, 1)}, [2, 3]),  # services pass state ids
    (None, {("a", "b")}, []),
])
def test_allowed_targets_is_sorted_and_filtered(source, transitions, expected):
    assert allowed_targets(source, transitions) == expected


@pytest.mark.parametrize(("source", "target"), [
    (None, "new"),  # creation: any starting state
    (None, "closed"),  # importing an old, already closed complaint
    ("new", "new"),  # saving without a change of state
    ("closed", "closed"),
    ("new", "acknowledged"),
    ("in_progress", "waiting_customer"),
    ("waiting_customer", "in_progress"),
    ("answered", "closed"),
    ("closed", "reopened"),
    (3, 3),
])
def test_check_transition_accepts(source, target):
    assert check_transition(source, target, FLOW) is None


@pytest.mark.parametrize(("source", "target", "transitions"), [
    ("new", "closed", FLOW),
    ("new", "answered", FLOW),
    ("closed", "in_progress", FLOW),
    ("acknowledged", "new", FLOW),
    ("answered", "reopened", FLOW),
    ("new", "acknowledged", set()),
    ("b", "a", {("a", "b")}),  # transitions are directed
    (1, 2, {(2, 1)}),
])
def test_check_transition_refuses(source, target, transitions):
    with pytest.raises(TransitionNotAllowed) as caught:
        check_transition(source, target, transitions)
    assert (caught.value.source, caught.value.target) == (source, target)
    assert str(caught.value) == f"{source} -> {target}"
