"""Numbers by the reader's locale (app/domain/numbers.py)."""

import pytest

from app.domain import numbers

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize("function, value, locale, expected", [
    (numbers.percent, 90.91, "fr", f"90,9{NBSP}%"),
    (numbers.percent, 90.91, "en", "90.9%"),
    (numbers.percent, 100, "fr", f"100{NBSP}%"),
    (numbers.percent, 50.0, "en", "50%"),
    (numbers.percent, 2 / 3 * 100, "fr", f"66,7{NBSP}%"),
    (numbers.figure, 3.6, "fr", "3,6"),
    (numbers.figure, 3.6, "en", "3.6"),
    (numbers.figure, 3.04, "fr", "3"),
    (numbers.figure, 1234.56, "fr", f"1{NNBSP}234,6"),
    (numbers.count, 10000, "fr", f"10{NNBSP}000"),
    (numbers.count, 10000, "en", "10,000"),
    (numbers.count, 12, "fr", "12"),
    (numbers.at_least, 10000, "fr", f"10{NNBSP}000+"),
    (numbers.at_least, 10000, "en", "10,000+"),
])
def test_formats(function, value, locale, expected):
    assert function(value, locale) == expected


@pytest.mark.parametrize("text, expected", [
    ("0", True), ("2026", True), ("²", False), ("³", False), ("١٢", False), ("1.5", False),
    ("", False), (" 1", False), (None, False), (12, False),
])
def test_digits_are_what_int_reads(text, expected):
    assert numbers.is_digits(text) is expected
    if expected:
        int(text)
