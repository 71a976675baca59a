"""The French and English catalogs are complete, reviewed and consistent with messages.pot.

Reads the ``.po`` files only: no app, no database.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.domain.typography import french_problems

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
LANGUAGES = ["fr", "en"]

# A printf-style conversion: %(name)s, %s, %d, %.2f, ... ("%%" is a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\((?P<name>\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def _read(path):
    with path.open("rb") as f:
        return read_po(f)


def _key(message):
    return message.id, message.context


def _forms(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _placeholders(text):
    return Counter(m.group(0) for m in PLACEHOLDER.finditer(text or "") if m.group(0) != "%%")


TEMPLATE = _read(TRANSLATIONS / "messages.pot")
TEMPLATE_MESSAGES = [m for m in TEMPLATE if m.id]


@pytest.fixture(scope="module", params=LANGUAGES)
def catalog(request):
    return _read(TRANSLATIONS / request.param / "LC_MESSAGES" / "messages.po")


def test_template_is_not_empty():
    assert TEMPLATE_MESSAGES


def test_every_template_message_is_translated(catalog):
    missing, empty = [], []
    for message in TEMPLATE_MESSAGES:
        translated = catalog.get(*_key(message))
        if translated is None:
            missing.append(message.id)
        elif not translated.string or not all(form.strip() for form in _forms(translated.string)):
            empty.append(message.id)
    assert not missing, f"{catalog.locale}: not in the catalog: {missing}"
    assert not empty, f"{catalog.locale}: empty translation: {empty}"


def test_nothing_is_fuzzy_or_obsolete(catalog):
    assert not catalog.fuzzy, f"{catalog.locale}: the header is marked fuzzy"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{catalog.locale}: fuzzy entries: {fuzzy}"
    assert not catalog.obsolete, f"{catalog.locale}: obsolete entries: {list(catalog.obsolete)}"


def test_placeholders_match(catalog):
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        # A plural form may follow either the singular or the plural msgid.
        expected = [_placeholders(text) for text in _forms(message.id)]
        for form in _forms(message.string):
            if form and _placeholders(form) not in expected:
                wrong.append((message.id, form))
    assert not wrong, f"{catalog.locale}: placeholders differ from the msgid: {wrong}"


def test_english_catalog_mirrors_the_msgids():
    """Our msgids are our English; FAB's (app/fab_messages.py) may be reworded."""
    from app.fab_messages import MESSAGES as FAB_MESSAGES

    catalog = _read(TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po")
    different = [m.id for m in catalog if m.id and _forms(m.string) != _forms(m.id)
                 and m.id not in FAB_MESSAGES]
    assert not different, f"en: msgstr differs from msgid: {different}"


def test_fab_messages_are_fabs():
    """Each msgid app/fab_messages.py rewords is one FAB's code or templates use: a FAB
    upgrade that renames one shows here, rather than as English on a French screen."""
    import flask_appbuilder
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    from app.fab_messages import MESSAGES as FAB_MESSAGES

    fab = Path(flask_appbuilder.__file__).parent
    used = {message for _, _, message, *_ in extract_from_dir(
        str(fab), method_map=[("**/templates/**.html", "jinja2"), ("**.py", "python")],
        keywords={**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None,
                  "lazy_formatter_gettext": (1,)})}
    assert sorted(set(FAB_MESSAGES) - used) == []


def test_french_typography():
    """Every French translation has a no-break space (U+00A0) before ":", "%", "?", "!"
    and inside « » (app/domain/typography.py; scripts/french_typography.py fixes them)."""
    catalog = _read(TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po")
    wrong = [(form, french_problems(form, message.python_format))
             for message in catalog if message.id
             for form in _forms(message.string)
             if form and french_problems(form, message.python_format)]
    assert not wrong, f"fr: plain or missing space before : % ? ! or inside « »: {wrong}"
