"""Apply the French typography rule to the French catalog's translations.

    python scripts/french_typography.py [--check]

Each plain, narrow or missing space before ":", "%", "?" and "!" (and inside « ») of a
French msgstr becomes a no-break space (app/domain/typography.py says which signs count
and why U+00A0). The catalog is written back as ``pybabel update`` writes it, so the diff
holds only the spaces. With ``--check`` nothing is written and the exit status says
whether a translation breaks the rule (tests/unit/test_catalogs.py checks the same).
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.domain.typography import fix_french  # noqa: E402

CATALOG = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"


def _fixed(message):
    if isinstance(message.string, (list, tuple)):
        return type(message.string)(fix_french(s, message.python_format) for s in message.string)
    return fix_french(message.string, message.python_format)


def main(argv) -> int:
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    changed = 0
    for message in catalog:
        if not message.id or not message.string:
            continue
        fixed = _fixed(message)
        if fixed != message.string:
            changed += 1
            message.string = fixed
    print(f"{changed} French translation(s) {'to fix' if '--check' in argv else 'fixed'}.")
    if "--check" in argv:
        return 1 if changed else 0
    if changed:
        with CATALOG.open("wb") as f:
            write_po(f, catalog, ignore_obsolete=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
