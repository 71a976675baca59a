"""Consistency of the default reference data and workflow seeded on a new database."""

import pytest

from app.domain.reference_data import (
    DEMO_AGENCIES,
    DEMO_SECTORS,
    REFERENCE_LISTS,
    STATES,
    TRANSITIONS,
)

LISTS = {**REFERENCE_LISTS, "state": [row[:2] for row in STATES], "demo_sector": DEMO_SECTORS,
         "demo_agency": DEMO_AGENCIES}
STATE_CODES = [row[0] for row in STATES]
FLAGS = {row[0]: dict(zip(("is_open", "pauses_clock", "is_final", "notify_complainant",
                           "marks_answered", "initial"), row[2:], strict=True))
         for row in STATES}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_codes_unique_and_labelled(name):
    codes = [code for code, _ in LISTS[name]]
    assert codes, f"{name} is empty"
    assert len(codes) == len(set(codes))
    assert all(code and code == code.strip() and len(code) <= 50 for code in codes)
    assert all(label and len(label) <= 150 for _, label in LISTS[name])


@pytest.mark.parametrize("row", STATES, ids=lambda row: row[0])
def test_state_rows_are_complete(row):
    assert len(row) == 8
    assert all(isinstance(flag, bool) for flag in row[2:])


@pytest.mark.parametrize(("source", "target"), TRANSITIONS)
def test_transition_states_exist(source, target):
    assert source in STATE_CODES
    assert target in STATE_CODES
    assert source != target


def test_transitions_unique():
    assert len(TRANSITIONS) == len(set(TRANSITIONS))


def test_exactly_one_initial_state():
    assert [code for code in STATE_CODES if FLAGS[code]["initial"]] == ["new"]


def test_at_least_one_final_state_and_it_can_be_reopened():
    finals = [code for code in STATE_CODES if FLAGS[code]["is_final"]]
    assert finals
    for code in finals:
        assert not FLAGS[code]["is_open"]
        assert [t for s, t in TRANSITIONS if s == code], f"{code} cannot be left"
    assert ("closed", "reopened") in TRANSITIONS


@pytest.mark.parametrize("code", STATE_CODES)
def test_every_state_is_reachable_from_the_initial_one(code):
    reached, frontier = {"new"}, ["new"]
    while frontier:
        source = frontier.pop()
        for origin, target in TRANSITIONS:
            if origin == source and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert code in reached


@pytest.mark.parametrize(("flag", "expected"), [
    ("pauses_clock", ["waiting_customer"]),
    ("marks_answered", ["answered"]),
])
def test_special_states(flag, expected):
    assert [code for code in STATE_CODES if FLAGS[code][flag]] == expected
