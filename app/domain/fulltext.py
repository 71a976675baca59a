"""Full-text queries from what a person typed: words folded, quoted, some of them prefixes.

A word ending in ``*`` is a prefix (``factur*`` finds ``facture`` and ``facturation``),
from three letters. The quick search, where a person is still typing, also takes its last
word as a prefix; the list's filter "Contains the words" matches whole words otherwise:
a prefix merges the lists of every word it starts, read in full whatever the page
needs (a word in one complaint in five of a million: 8 ms on SQLite, ten times the whole
word; 35 ms in PostgreSQL's GIN index for the last of two words).

The same words are indexed on both databases: letters and digits, accents folded
(``réclamation`` and ``reclamation`` are one word), everything else a separator. SQLite's
FTS5 tokenizer (``unicode61 remove_diacritics 2``) does this itself; on PostgreSQL the
index folds with the ``unaccent`` extension, or where it cannot be created with
``translate()`` over the characters of ``FOLDED_FROM`` (listed here, once, for the
migration and the queries).

User input never reaches either query language as syntax: every word is quoted, so
``NEAR``, ``OR``, ``*``, ``-``, ``:`` or quotes are searched as text (or dropped as
separators), never obeyed (``*`` only marks the word it ends as a prefix).
"""

import re
import unicodedata
from dataclasses import dataclass

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
_WORD_AND_STAR = re.compile(r"([^\W_]+)(\*?)")


def fold(text: str) -> str:
    """Lower case, accents removed as the PostgreSQL index removes them."""
    return (text or "").translate(_FOLD).lower()


def terms(text: str) -> list[str]:
    """The words of ``text`` as both indexes hold them, in order, duplicates dropped."""
    return [word for word, _ in _words(text, typing=False)]


def _words(text: str, typing: bool) -> list[tuple[str, bool]]:
    """(word, is a prefix) in order, duplicates dropped (a prefix if any of them is)."""
    seen: dict[str, bool] = {}
    for word, star in _WORD_AND_STAR.findall(fold(text)):
        seen[word] = seen.get(word, False) or bool(star)
    words = list(seen.items())[:MAX_TERMS]
    if typing and words and not text[-1:].isspace():  # the last word is still being typed
        words[-1] = (words[-1][0], True)
    return [(word, prefix and len(word) >= MIN_PREFIX) for word, prefix in words]


def fts5_query(text: str, typing: bool = False) -> str | None:
    """An FTS5 MATCH expression: every word quoted (all must match), prefixes starred
    (``typing``: the quick search, see the module's text)."""
    quoted = [f'"{word}" *' if prefix else f'"{word}"' for word, prefix in _words(text, typing)]
    return " ".join(quoted) or None


def tsquery(text: str, typing: bool = False) -> str | None:
    """A ``to_tsquery('simple', …)`` text: words quoted and and-ed, prefixes marked."""
    quoted = [f"'{word}':*" if prefix else f"'{word}'" for word, prefix in _words(text, typing)]
    return " & ".join(quoted) or None


# What the index holds of each complaint besides its texts (relation → the short name of
# its words, the relation's id following it): the list's filters on them, and a reader's
# scope (their team, assignee, portfolio's clients, the confidential flag), are then
# read in the index with the words, where the list's count otherwise read every match of
# the words (a common word and a state: 33 -> 4 ms on SQLite, 104 -> 16 ms on
# PostgreSQL). Held apart from the texts' words (a column of their own on SQLite, "#" on
# PostgreSQL, which no typed word holds), so that typing "st3" finds no state.
FACETS = {"state": "st", "category": "ca", "team": "te", "assignee": "as",
          "request_type": "rt", "channel": "ch", "severity": "se", "complexity": "cx",
          "client": "cl", "confidential": "cf"}
# The complaint's column for each (the flag's words are cf0 and cf1).
FACET_COLUMNS = {relation: relation if relation == "confidential" else f"{relation}_id"
                 for relation in FACETS}


def facet_word(relation: str, value: int | bool | None) -> str:
    """The word the index holds for a complaint's ``relation`` (0: none)."""
    return f"{FACETS[relation]}{int(value or 0)}"


@dataclass(frozen=True)
class Facets:
    """What the documents must hold besides the words: one facet of each group of
    ``any_of`` (each a tuple of (relation, value)), and none of ``none_of``. A rare facet
    is cheaper excluded than its common opposite required ("not cf1", not "cf0")."""

    any_of: tuple = ()
    none_of: tuple = ()

    def __add__(self, other: "Facets") -> "Facets":
        return Facets(self.any_of + other.any_of, self.none_of + other.none_of)


def facets_fts5(facets: Facets) -> str:
    """The FTS5 condition on the facets column, to follow the words' ("" for none)."""
    text = "".join(f" AND facets : ({_or_fts5(group)})" for group in facets.any_of)
    if facets.none_of:
        text += f" NOT facets : ({_or_fts5(facets.none_of)})"
    return text


def _or_fts5(group) -> str:
    return " OR ".join(f'"{facet_word(*facet)}"' for facet in group)


def facets_tsquery(facets: Facets) -> str | None:
    """The same as a PostgreSQL tsquery literal (cast, never parsed: "#" would go)."""
    held = [" | ".join(f"'#{facet_word(*facet)}'" for facet in group)
            for group in facets.any_of]
    held += [f"!'#{facet_word(*facet)}'" for facet in facets.none_of]
    return " & ".join(f"({words})" for words in held) or None
