"""Numbers as a reader of ``locale`` writes them, through Babel's CLDR formats.

"90,9 %", "3,6" and "10 000" in French; "90.9%", "3.6" and "10,000" in English. The
locale is a parameter (a ``babel.Locale`` or a code such as "fr"): services pass the
reader's language, templates the request's (app/views/formatting.py).
"""

from babel.numbers import format_decimal, format_percent


def count(n: int, locale) -> str:
    """A whole number with the locale's thousands separator: "10 000" / "10,000"."""
    return format_decimal(n, locale=locale)


def at_least(n: int, locale) -> str:
    """A count known only to exceed ``n``: "10 000+"."""
    return f"{count(n, locale)}+"


def figure(value: float, locale, digits: int = 1) -> str:
    """A decimal rounded to ``digits`` places, trailing zeros dropped: "3,6", "4"."""
    return format_decimal(round(value, digits), locale=locale, decimal_quantization=False)


def percent(pct: float, locale, digits: int = 1) -> str:
    """``pct`` (0–100) as a percentage rounded to ``digits`` places: "90,9 %" / "90.9%"."""
    return format_percent(round(pct, digits) / 100, locale=locale, decimal_quantization=False)


def is_digits(text) -> bool:
    """Whether ``text`` is a whole number written in ASCII digits: ``int()`` reads it.
    ``str.isdigit`` alone is not enough: "²" and "³" are digits to it, not to ``int``."""
    return isinstance(text, str) and text.isascii() and text.isdigit()


MAX_ID = 2**31 - 1  # PostgreSQL INTEGER: a larger id is refused as a data error
