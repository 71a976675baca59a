"""SMS text rules: typography that costs nothing on a phone.

French typography puts no-break spaces before ``:`` and inside « », and curly
apostrophes: none is in the GSM 7-bit alphabet, and one such character makes the whole
SMS UCS-2, 70 characters a part instead of 160. They become their plain equivalents.
"""

PLAIN = str.maketrans({
    "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    "\u2019": "'", "\u2018": "'",
    "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-",
})


def plain(text: str) -> str:
    """``text`` with typographic spaces, quotes and dashes made plain."""
    return (text or "").translate(PLAIN)
