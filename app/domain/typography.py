"""French typography: a no-break space before ":", "%", "?" and "!" and inside « ».

One rule, one character: U+00A0 (NO-BREAK SPACE). The narrow U+202F is typographically
finer, but it is missing from fonts still common in office software and mail clients
(it shows as a box or a wide gap there), while U+00A0 is in every font and is also what
Babel's French patterns put before "%" ("90,9 %"). Babel's group separator for French
(U+202F in "10 000") is a different sign and stays Babel's.

The checks skip what only looks like punctuation: printf placeholders (``%(n)s``, and
"%%" is a literal percent sign in a python-format message), URLs, times such as 10:30,
a ``?`` or ``!`` glued to the next word (``?page=2``, ``!=``), and literal code listed in
``VERBATIM``.
"""

import re

NBSP = "\u00a0"
SIGNS = ":%?!"
# printf-style conversions; "%%" is matched too (a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\((?P<name>\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|mailto:|www\.)[^\s<>\"«»]*", re.IGNORECASE)
# Literal code quoted in messages: kept as written.
VERBATIM = ("Authorization: Bearer",)
_SPACES = " \u202f\t"


def _protected(text: str, python_format: bool) -> list[tuple[int, int]]:
    """Spans (start, end) of ``text`` that are not prose: URLs, placeholders, code."""
    spans = [m.span() for m in URL.finditer(text)]
    if python_format:
        spans += [m.span() for m in PLACEHOLDER.finditer(text) if m.group(0) != "%%"]
    for literal in VERBATIM:
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(literal), text)]
    return spans


def _needs_space(text: str, i: int, python_format: bool) -> bool:
    """Whether the sign at ``text[i]`` is French punctuation wanting a no-break space."""
    sign = text[i]
    before = text[i - 1] if i else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if not before or before in "\n(«[" or before in SIGNS:
        return False  # "?!", a sign opening a line or a bracket
    if sign == "%" and python_format and after == "%":
        return True  # "%%": the first of the pair carries the space
    if sign == "%" and python_format and before == "%":
        return False
    if sign == ":" and before.isdigit() and after.isdigit():
        return False  # a time (10:30) or a ratio
    if sign == ":" and before.isalpha() and after.isalnum():
        return False  # a code such as HH:MM or fr:FR
    if sign in "?!" and after and (after.isalnum() or after in "=&_"):
        return False  # "?page=2", "!="
    return True


def french_problems(text: str, python_format: bool = False) -> list[str]:
    """The places of ``text`` that break the rule, each shown with a little context."""
    return [text[max(0, start - 12):end + 12] for start, end in _faults(text, python_format)]


def _faults(text: str, python_format: bool) -> list[tuple[int, int]]:
    """(start, end) of each space to make a no-break space; start == end: one is missing."""
    spans = _protected(text, python_format)
    faults = []
    for i, char in enumerate(text):
        if any(start <= i < end for start, end in spans):
            continue
        if char in SIGNS and _needs_space(text, i, python_format):
            faults.append(_before(text, i))
        elif char == "«" and i + 1 < len(text) and text[i + 1] != NBSP:
            end = i + 1 + (text[i + 1] in _SPACES)
            faults.append((i + 1, end))
        elif char == "»" and i and text[i - 1] != NBSP:
            faults.append(_before(text, i))
    return [f for f in faults if f is not None]


def _before(text: str, i: int):
    """The space before ``text[i]`` (or an empty span) unless it is already a NBSP."""
    if text[i - 1] == NBSP:
        return None
    return (i - 1, i) if text[i - 1] in _SPACES else (i, i)


def fix_french(text: str, python_format: bool = False) -> str:
    """``text`` with the rule applied: each plain, narrow or missing space before the
    signs (and inside « ») becomes one no-break space."""
    for start, end in reversed(_faults(text, python_format)):
        text = text[:start] + NBSP + text[end:]
    return text
