"""Every screen an admin reaches reads in the reader's language only, in the product's
own words: no English on a French page, no French on an English page, and no wording of
Flask-AppBuilder's left as FAB ships it (its English msgids, its French catalog).

The walk starts from the menu of the dashboard, opens every entry, then the first add,
edit and show form each list links to, plus the security screens that are not in the
menu (sign-in page, user info, edit info, passwords) and FAB's flash messages after an
add, an edit and a delete. Each page's visible text (text nodes, title, placeholder,
aria-label, alt, button values; not scripts or styles) is cut into segments and checked
against the catalogs: ours (translations/), and FAB's own (its msgids, extracted from
the installed package, and its French catalog)."""

import io
import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import flask_appbuilder
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests import factories as f
from tests.conftest import PASSWORD, login

ROOT = Path(__file__).resolve().parents[2]
FAB = Path(flask_appbuilder.__file__).parent

# Proper nouns and words that are the same in both languages (each checked by hand).
ALLOWED = {
    "Réclamations",  # the product's name (APP_NAME), in both languages
    "Français", "English", "FR", "EN",  # the language switch names each language in its own
}

# FAB's permission and view-menu identifiers ("can list on ComplaintView", "menu access
# on Clients", "can_edit", "UserInfoEditView"): names of code, shown as such on the role
# and permission screens.
IDENTIFIER = re.compile(r"^\[?(can|menu access)\b.* on .+\]?$|^can_\w+$|^\w+(View|Api)$"
                        r"|^\w+ on \w+View$|^\[.*\]$")
# The three permission screens list FAB's view-menu and permission names (data of FAB).
IDENTIFIER_PAGES = ("/permissions/list/", "/viewmenus/list/", "/permissionviews/list/")

# Strings the issue found on screen, wrong whatever the catalogs say.
BAD = {
    "fr": ["S'enregistrer", "Add +", "Nombre de record", "Ajouter un filter", "Listez les",
           "List Groups", "It's not a good policy", "The user's password",
           "10 MB", "Add Filter", "Record Count", "OID", "intformations"],
    "en": ["Add +", "You sure you want", "It's not a good policy", "OID", "Record Count",
           "Added Row", "Changed Row", "Deleted Row", "S'enregistrer"],
}
# Words of one language that the other does not use: a sentence with two of them, in no
# catalog (a string some code writes outside gettext), is of that language.
FUNCTION_WORDS = {
    "fr": {"the", "this", "will", "with", "your", "you", "please", "which", "should", "have",
           "has", "are", "and", "of", "to", "is", "be", "for", "not", "can", "must", "its"},
    "en": {"le", "la", "les", "des", "du", "une", "est", "et", "pour", "avec", "vous",
           "votre", "dans", "sur", "pas", "au", "aux", "qui", "que", "ce", "cette"},
}
# A segment that is only one of these is Python's repr of a value, not wording.
REPRS = {"None", "True", "False"}
RAW_DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$")  # str(datetime)


# A string literal of an inline script: FAB's search form gets its filter operators
# ("Relation", "Starts with") and column labels as JSON arguments of a script.
STRING_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


class VisibleText(HTMLParser):
    """The text a reader sees or hears, and the links, of one HTML page; the string
    literals of its inline scripts count as text (what they say ends up on screen)."""

    SKIPPED = {"script", "style"}
    ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
    BUTTONS = {"submit", "button", "reset"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping, self.parts, self.links = 0, [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in self.SKIPPED:
            self.skipping += 1
        self.parts.extend(attributes[name] for name in self.ATTRIBUTES if attributes.get(name))
        if tag == "input" and attributes.get("type") in self.BUTTONS and attributes.get("value"):
            self.parts.append(attributes["value"])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)
        elif self.lasttag == "script":
            for literal in map(_decoded, STRING_LITERAL.findall(data)):
                if re.fullmatch(r"[a-z0-9_]*", literal):
                    continue  # a name in code (a column, a key)
                if "<" in literal:  # HTML a script puts on the page (a search field)
                    self.parts.extend(read_page(literal)[0])
                else:
                    self.parts.append(literal)


def _decoded(literal: str) -> str:
    try:
        return json.loads(f'"{literal}"')
    except ValueError:  # a JavaScript escape JSON does not know (\\'): as written
        return literal


def read_page(html: str) -> tuple[list[str], list[str]]:
    parser = VisibleText()
    parser.feed(html)
    segments = (" ".join(part.split()) for part in parser.parts)
    return [s for s in segments if s], parser.links


def normal(text: str) -> str:
    """A segment or a message as compared: without surrounding spaces, and without the
    colon or asterisk a label ends with."""
    return " ".join(text.split()).strip(" \u00a0\u202f:*").strip()


def _texts(values) -> set[str]:
    found = set()
    for value in values:
        for form in value if isinstance(value, tuple | list) else [value]:
            if form and "%" not in form:
                found.add(normal(form))
    return found - {""}


def _po(path: Path):
    # FAB's header dates have no time, which Babel's reader refuses: dropped.
    text = re.sub(rb'^"(POT-Creation|PO-Revision)-Date: .*\n', b"", path.read_bytes(), flags=re.M)
    return read_po(io.BytesIO(text))


@cache
def vocabulary() -> dict[str, set[str]]:
    """The sets the pages are checked against."""
    fr = _po(ROOT / "translations/fr/LC_MESSAGES/messages.po")
    en = _po(ROOT / "translations/en/LC_MESSAGES/messages.po")
    fab_fr = _po(FAB / "translations/fr/LC_MESSAGES/messages.po")
    fab_ids = _texts(message for _, _, message, *_ in extract_from_dir(
        str(FAB), method_map=[("**/templates/**.html", "jinja2"), ("**.py", "python")],
        keywords={"_": None, "gettext": None, "lazy_gettext": None, "_l": None,
                  "lazy_formatter_gettext": (1,), "ngettext": (1, 2)}))
    ours_ids = _texts(m.id for m in fr if m.id)
    ours_fr = _texts(m.string for m in fr if m.id)
    ours_en = _texts(m.string for m in en if m.id)
    fab_french = _texts(m.string for m in fab_fr if m.id)
    english = fab_ids | ours_ids | ours_en
    french = ours_fr | fab_french
    return {
        # English on a French page: any message's English that our French does not use.
        "not_fr": english - ours_fr,
        # FAB's French that our catalog does not say ("S'enregistrer", "Listez …").
        "fab_fr": fab_french - ours_fr,
        # French on an English page.
        "not_en": french - english,
        # FAB's English wording that our catalog has not taken over (reviewed).
        "fab_en": fab_ids - ours_ids - ours_en,
    }


def _label_before_data(text: str, data: set[str]) -> str:
    """A label followed by data ("Email sent to …: <its subject>", the subject in the
    recipient's language): the label alone; any other text as it is."""
    if text in data:
        return text
    start = text.find(": ")
    while start != -1:
        if text[start + 2:] in data:
            return text[:start]
        start = text.find(": ", start + 2)
    return text


def foreign(language: str, url: str, segments, data: set[str]) -> list[str]:
    """The segments of a page that are not the product's ``language``."""
    words = vocabulary()
    checks = (("not_fr", "fab_fr") if language == "fr" else ("not_en", "fab_en"))
    found = []
    for segment in segments:
        text = normal(segment)
        text = _label_before_data(text, data)
        if not text or text in ALLOWED or text in data or IDENTIFIER.match(text):
            continue
        if url.startswith(IDENTIFIER_PAGES) and re.fullmatch(r"[\w/ ]+", text) \
                and text not in words["fab_fr"]:
            continue  # a view-menu or permission name (FAB's data), on its own screen
        if RAW_DATETIME.match(text) and text.replace(" ", "+") in url:
            # A date filter's own value, in the form FAB's date-time picker takes and
            # shows whatever the language (known limit: the picker is not localised).
            continue
        if text in REPRS or RAW_DATETIME.match(text):
            found.append(f"{url}: {segment!r} (a Python value shown as is)")
            continue
        for check in checks:
            if text in words[check]:
                found.append(f"{url}: {segment!r} ({check})")
                break
        else:
            found.extend(f"{url}: {segment!r} (contains {bad!r})" for bad in BAD[language]
                         if bad in segment)
            foreign_words = set(re.findall(r"\w+", text.lower())) & FUNCTION_WORDS[language]
            if len(foreign_words) >= 2:
                found.append(f"{url}: {segment!r} (words {sorted(foreign_words)})")
    return found


# --- the walk --------------------------------------------------------------------------------

FORM = re.compile(r"^(/[^?#]*?/)(add|edit/\d+|show/\d+)(\?|$)")
SKIP = re.compile(r"^(/lang/|/logout|/static/|/appbuilder/|/api/|/swagger|#|mailto:|https?:)"
                  r"|/(download|export|xlsx|file|files|attachments?)(/|\?|$)|\.(xlsx|docx|pdf|zip)")
# Reached from the user menu, not the navbar's entries.
SECURITY_PAGES = ("/users/userinfo/", "/userinfoeditview/form", "/resetmypassword/form",
                  "/resetpassword/form?pk={admin}", "/users/list/", "/roles/list/",
                  "/groups/list/")


def walk(client, start_urls) -> dict[str, list[str]]:
    """``{url: segments}`` of the pages reached from ``start_urls`` and, for each list
    page, of the first add, edit and show form it links to."""
    pages, queue, forms_seen = {}, list(dict.fromkeys(start_urls)), set()
    while queue:
        url = queue.pop(0)
        if url in pages:
            continue
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        if "html" not in response.content_type:
            continue
        segments, links = read_page(response.get_data(as_text=True))
        pages[url] = segments
        for link in links:
            match = FORM.match(link)
            if match and not SKIP.search(link):
                kind = (match.group(1), match.group(2).split("/")[0])
                if kind not in forms_seen:
                    forms_seen.add(kind)
                    queue.append(link)
    return pages


def menu_urls(client) -> list[str]:
    segments_, links = read_page(client.get("/dashboard/").get_data(as_text=True))
    return [link for link in links if link.startswith("/") and not SKIP.search(link)
            and link != "/"]


@pytest.fixture(scope="module")
def rows(app):
    """One row in every list, so that each edit and show form is reached."""
    from app.extensions import db
    from app.models import (
        Agency,
        AssignmentRule,
        CustomField,
        Holiday,
        NotificationRule,
        ResponseTemplate,
        Sector,
    )

    with app.app_context():
        s = db.session
        admin = f.user(s, "admin")
        team = f.make_team(s)
        client = f.make_client(s)
        f.make_contract(s, client)
        f.make_complaint(s, actor=admin, client=client)
        from datetime import date

        s.add_all([
            Sector(code=f.unique("s"), label_fr="Secteur nord", label_en="North sector"),
            Agency(code=f.unique("a"), label_fr="Agence de Lyon", label_en="Lyon agency"),
            Holiday(day=date(2041, 11, 11)),  # a day no other test uses
            NotificationRule(name="Règle de test", condition="overdue"),
            CustomField(key=f.unique("montant_"), label_fr="Montant", label_en="Amount"),
            AssignmentRule(name="Règle d'affectation de test", team=team),
            ResponseTemplate(name="Réponse type de test", body="Bonjour"),
        ])
        s.commit()
        app.appbuilder.sm.add_group(name="Groupe de test", label="Groupe de test",
                                    description="Groupe de test")
        return {"admin": admin.id}


def stored_text(app) -> set[str]:
    """Every short text the product's tables hold (reference labels in both languages,
    names, subjects): data, shown as typed, in whatever language it was typed in. FAB's
    own tables are left out: their names are checked as FAB's wording."""
    from sqlalchemy import String, select

    from app.extensions import db

    values = set()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name.startswith("ab_"):
                continue
            columns = [c for c in table.columns if isinstance(c.type, String)
                       and (c.type.length or 0) <= 400]
            for column in columns:
                values.update(normal(v) for v in db.session.scalars(
                    select(column).distinct()) if isinstance(v, str))
    return values - {""}


def flash_pages(client, language: str) -> dict[str, list[str]]:
    """FAB's flash messages after adding, changing and deleting a row (a group)."""
    from app.extensions import db

    pages = {}
    name = f.unique(f"group-{language}-")
    response = client.post("/groups/add", data={"name": name, "label": name},
                           follow_redirects=True)
    pages[f"POST /groups/add ({language})"] = read_page(response.get_data(as_text=True))[0]
    app = client.application
    with app.app_context():
        pk = app.appbuilder.sm.find_group(name).id
        db.session.remove()
    response = client.post(f"/groups/edit/{pk}", data={"name": name, "label": "x"},
                           follow_redirects=True)
    pages[f"POST /groups/edit ({language})"] = read_page(response.get_data(as_text=True))[0]
    response = client.post(f"/groups/delete/{pk}", follow_redirects=True)
    pages[f"POST /groups/delete ({language})"] = read_page(response.get_data(as_text=True))[0]
    response = client.post("/users/add", data={"username": "", "email": "bad"},
                           follow_redirects=True)
    pages[f"POST /users/add, invalid ({language})"] = read_page(
        response.get_data(as_text=True))[0]
    return pages


def anonymous_pages(app, language: str) -> dict[str, list[str]]:
    client = app.test_client()
    client.get(f"/lang/{language}")
    pages = {}
    for url in ("/login/",):
        pages[f"{url} ({language})"] = read_page(client.get(url).get_data(as_text=True))[0]
    response = client.post("/login/", data={"username": "admin", "password": "wrong"},
                           follow_redirects=True)
    pages[f"POST /login/, wrong password ({language})"] = read_page(
        response.get_data(as_text=True))[0]
    return pages


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_screen_reads_in_one_language(app, rows, language):
    client = login(app.test_client(), "admin", PASSWORD)
    assert client.get(f"/lang/{language}").status_code in (200, 302)
    start = menu_urls(client)
    assert len(start) >= 30, start  # the whole menu: every category's entries
    start += [url.format(**rows) for url in SECURITY_PAGES]
    pages = walk(client, start)
    assert any("/edit/" in url for url in pages) and any(url.endswith("/add") for url in pages)
    pages.update(flash_pages(client, language))
    pages.update(anonymous_pages(app, language))

    data = stored_text(app)
    found = []
    for url, segments in pages.items():
        found.extend(foreign(language, url, segments, data))
    assert not found, f"{len(found)} strings not in {language}:\n" + "\n".join(
        sorted(set(found)))


def test_the_checks_see_foreign_and_default_wording():
    """The checks themselves: what the issue saw on screen is caught in each language."""
    fr = ["S'enregistrer", "Nombre de record:", "Ajouter un filter", "List Groups",
          "Listez les utilisateurs", "None", "Relation", "Add Filter", "10 MB au plus"]
    en = ["Enregistrer", "Tableau de bord", "You sure you want to delete this item?", "True",
          "2026-12-05 17:18:12.764537", "Le rôle de l'utilisateur est obligatoire"]
    fr.append("The user role on the application, this will associate with permissions")
    assert len(foreign("fr", "/x", fr, set())) == len(fr)
    assert len(foreign("en", "/x", en, set())) == len(en)
    assert foreign("fr", "/x", ["Enregistrer", "Réclamations", "can list on ClientView"],
                   set()) == []
