"""Tracking numbers: PREFIX-YYYY-NNNNNN (DESIGN.md §2)."""

import pytest

from app.domain.tracking import (
    find_tracking_number,
    format_tracking_number,
    looks_like_tracking_number,
)


@pytest.mark.parametrize(("prefix", "year", "number", "expected"), [
    ("REC", 2026, 1, "REC-2026-000001"),
    ("REC", 2026, 123, "REC-2026-000123"),
    ("REC", 2026, 999_999, "REC-2026-999999"),
    ("REC", 2026, 1_000_000, "REC-2026-1000000"),
    ("REC", 2026, 12_345_678, "REC-2026-12345678"),
    ("SAV", 2031, 42, "SAV-2031-000042"),
    ("REC", 999, 7, "REC-0999-000007"),
])
def test_format_tracking_number(prefix, year, number, expected):
    assert format_tracking_number(prefix, year, number) == expected


@pytest.mark.parametrize("number", [0, -1, -1000])
def test_format_tracking_number_refuses_numbers_below_one(number):
    with pytest.raises(ValueError, match="^tracking sequence starts at 1$"):
        format_tracking_number("REC", 2026, number)


@pytest.mark.parametrize("number", [1, 999_999, 1_000_000])
def test_formatted_numbers_are_found_again(number):
    text = format_tracking_number("REC", 2026, number)
    assert find_tracking_number(f"Re: [{text}] votre réclamation") == text
    assert looks_like_tracking_number(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Re: [REC-2026-000123] votre réclamation", "REC-2026-000123"),
    ("TR: Re: [REC-2026-000123] suite", "REC-2026-000123"),
    ("re: [rec-2026-000123] votre réclamation", "REC-2026-000123"),
    ("Réclamation Rec-2026-000123 reçue", "REC-2026-000123"),
    ("REC-2026-000123", "REC-2026-000123"),
    ("(REC-2026-000123)", "REC-2026-000123"),
    ("dossier REC-2026-1234567.", "REC-2026-1234567"),
    ("first REC-2026-000001 then REC-2026-000002", "REC-2026-000001"),
    ("SAVCLI-2027-000009 ok", "SAVCLI-2027-000009"),
    ("Votre réclamation", None),
    ("REC-2026-12345", None),  # five digits: too short
    ("REC-26-000123", None),  # two-digit year
    ("REC2026000123", None),
    ("XREC-2026-000123X", None),  # glued to other letters: not a word of its own
    ("R-2026-000123", None),  # one-letter prefix
    ("ABCDEFGHI-2026-000123", None),  # nine-letter prefix
    ("", None),
    (None, None),
])
def test_find_tracking_number(text, expected):
    assert find_tracking_number(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("REC-2026-000123", True),
    ("rec-2026-000123", True),
    ("  REC-2026-000123 \n", True),
    ("REC-2026-1000000", True),
    ("Re: REC-2026-000123", False),
    ("REC-2026-000123 merci", False),
    ("REC-2026-00012", False),
    ("REC 2026 000123", False),
    ("Dupont", False),
    ("", False),
    ("   ", False),
    (None, False),
])
def test_looks_like_tracking_number(text, expected):
    assert looks_like_tracking_number(text) is expected
