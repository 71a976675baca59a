"""The pure rules of backup archives: names, rotation, emptiness, member paths."""

from datetime import date, datetime

import pytest

from app.domain import backup as rules

OLD = ["reclamations-20260101-020000.tar", "reclamations-20260102-020000.tar",
       "reclamations-20260103-020000.tar"]


def test_archive_names_sort_by_time():
    assert rules.archive_name(datetime(2026, 3, 4, 5, 6, 7)) == "reclamations-20260304-050607.tar"
    assert rules.archives(["x.tar", *reversed(OLD), "reclamations-2026.tar"]) == OLD


@pytest.mark.parametrize(("keep", "removed"), [
    (0, []), (1, OLD[:2]), (2, OLD[:1]), (3, []), (5, []),
])
def test_rotation_keeps_the_newest(keep, removed):
    assert rules.to_rotate(["notes.txt", *OLD], keep) == removed


@pytest.mark.parametrize(("day", "taken"), [
    (date(2026, 1, 2), True), (date(2026, 1, 4), False),
])
def test_taken_on(day, taken):
    assert rules.taken_on(OLD, day) is taken


@pytest.mark.parametrize(("counts", "empty"), [
    ({}, True),
    ({"ab_user": 3, "state": 7, "category": 12}, True),
    ({"complaint": 1}, False),
    ({"stored_file": 2}, False),
])
def test_is_empty(counts, empty):
    assert rules.is_empty(counts) is empty


def test_differences():
    assert rules.count_differences({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ["b: 2 → 3"]
    assert rules.count_differences({"a": 1}, {}) == ["a: 1 → 0"]
    assert rules.checksum_differences({"x": "1", "y": "2", "z": "3"},
                                      {"x": "1", "y": "0"}) == ["y", "z"]


@pytest.mark.parametrize(("member", "relative"), [
    ("files/ab/abcdef", "ab/abcdef"),
    ("files/exports/1.xlsx", "exports/1.xlsx"),
    ("database.sqlite3", None),
    ("files/../etc/passwd", None),
    ("files//etc/passwd", None),
    ("files/", None),
    ("files/a/./b", None),
])
def test_relative_path_never_leaves_the_folder(member, relative):
    assert rules.relative_path(member) == relative


@pytest.mark.parametrize(("output", "major"), [
    ("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n", 15),
    ("pg_dump (PostgreSQL) 17.2\n", 17),
    ("something else", None),
])
def test_tool_major_version(output, major):
    assert rules.tool_major_version(output) == major


def test_server_major_version():
    assert rules.server_major_version(150020) == 15
    assert rules.server_major_version(170002) == 17
