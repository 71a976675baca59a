"""Field-level change detection for the history."""

from datetime import date

import pytest

from app.domain.changes import diff_values


@pytest.mark.parametrize(("before", "after", "expected"), [
    ({}, {}, []),
    ({"subject": "a"}, {"subject": "a"}, []),
    ({"subject": "a"}, {"subject": "b"}, [("subject", "a", "b")]),
    ({"subject": None}, {"subject": ""}, []),  # empty text and nothing look the same
    ({"subject": ""}, {"subject": None}, []),
    ({}, {"subject": ""}, []),
    ({"subject": None}, {"subject": "x"}, [("subject", None, "x")]),
    ({"subject": "x"}, {"subject": ""}, [("subject", "x", None)]),
    ({}, {"subject": "x"}, [("subject", None, "x")]),  # missing before = None
    ({"subject": "x", "other": "y"}, {"subject": "x"}, []),  # only fields of ``after``
    ({"confidential": False}, {"confidential": True}, [("confidential", "no", "yes")]),
    ({"confidential": True}, {"confidential": False}, [("confidential", "yes", "no")]),
    ({"confidential": True}, {"confidential": True}, []),
    ({"confidential": None}, {"confidential": False}, [("confidential", None, "no")]),
    ({"rating": 0}, {"rating": None}, [("rating", "0", None)]),  # 0 is a value
    ({"rating": 3}, {"rating": "3"}, []),  # compared as displayed
    ({"rating": 3}, {"rating": 4}, [("rating", "3", "4")]),
    ({"day": date(2026, 1, 2)}, {"day": date(2026, 1, 3)},
     [("day", "2026-01-02", "2026-01-03")]),
])
def test_diff_values(before, after, expected):
    assert diff_values(before, after) == expected


def test_diff_values_follows_the_order_of_after():
    before = {"a": 1, "b": 1, "c": 1, "d": 1}
    after = {"d": 2, "b": 2, "c": 1, "a": 2}
    assert [field for field, _, _ in diff_values(before, after)] == ["d", "b", "a"]
