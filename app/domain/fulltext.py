"""Full-text queries from what a person typed: words folded, quoted, the last one a prefix.

The same words are indexed on both databases: letters and digits, accents folded
(``réclamation`` and ``reclamation`` are one word), everything else a separator. SQLite's
FTS5 tokenizer (``unicode61 remove_diacritics 2``) does this itself; on PostgreSQL the
index folds with the ``unaccent`` extension, or where it cannot be created with
``translate()`` over the characters of ``FOLDED_FROM`` (listed here, once, for the
migration and the queries).

User input never reaches either query language as syntax: every word is quoted, so
``NEAR``, ``OR``, ``*``, ``-``, ``:`` or quotes are searched as text (or dropped as
separators), never obeyed.
"""

import re
import unicodedata

MAX_TERMS = 12  # a longer query is cut: each word costs a posting-list read
MIN_PREFIX = 3  # "a*" would merge the lists of every word starting with a


def _fold_char(char: str) -> str:
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _folding_table() -> tuple[str, str]:
    """Latin letters with diacritics (U+00C0–U+024F) and their base letter, one to one."""
    sources, targets = [], []
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = _fold_char(char)
        if base != char and len(base) == 1 and base.isascii():
            sources.append(char)
            targets.append(base)
    return "".join(sources), "".join(targets)


FOLDED_FROM, FOLDED_TO = _folding_table()
_FOLD = str.maketrans(FOLDED_FROM, FOLDED_TO)
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case, accents removed as the PostgreSQL index removes them."""
    return (text or "").translate(_FOLD).lower()


def terms(text: str) -> list[str]:
    """The words of ``text`` as both indexes hold them, in order, duplicates dropped."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(fold(text)):
        seen.setdefault(word, None)
    return list(seen)[:MAX_TERMS]


def _prefixed(words: list[str], text: str) -> bool:
    """The last word is still being typed (no space after it) and long enough."""
    return bool(words) and not text[-1:].isspace() and len(words[-1]) >= MIN_PREFIX


def fts5_query(text: str) -> str | None:
    """An FTS5 MATCH expression: every word quoted (all must match), the last a prefix."""
    words = terms(text)
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    if _prefixed(words, text):
        quoted[-1] += " *"
    return " ".join(quoted)


def tsquery(text: str) -> str | None:
    """A ``to_tsquery('simple', …)`` text: words quoted and and-ed, the last a prefix."""
    words = terms(text)
    if not words:
        return None
    quoted = [f"'{word}'" for word in words]
    if _prefixed(words, text):
        quoted[-1] += ":*"
    return " & ".join(quoted)
