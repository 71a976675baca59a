"""Factories for integration tests: each call makes rows with unique values, through the
same services as the application, so tests never depend on one another's data."""

import io
import itertools
import re
import zipfile
from datetime import datetime
from html import unescape

from sqlalchemy import select

from app.models import AppUser, Client, Complaint, Complexity, Contract, State, Team
from app.services import complaints as complaint_service

_seq = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_seq):06d}"


def user(session, username: str) -> AppUser:
    return session.scalars(select(AppUser).where(AppUser.username == username)).one()


def state(session, code: str) -> State:
    return session.scalars(select(State).where(State.code == code)).one()


def complexity(session, code: str = "standard") -> Complexity:
    return session.scalars(select(Complexity).where(Complexity.code == code)).one()


def make_client(session, **fields) -> Client:
    values = {"customer_number": unique("C"), "name": unique("Client "), "kind": "person",
              "email": f"{unique('client')}@example.org"}
    values.update(fields)
    client = Client(**values)
    session.add(client)
    session.commit()
    return client


def make_contract(session, client: Client, **fields) -> Contract:
    values = {"number": unique("K"), "label": "Contrat eau"}
    values.update(fields)
    contract = Contract(client=client, **values)
    session.add(contract)
    session.commit()
    return contract


def make_team(session, **fields) -> Team:
    team = Team(**{"name": unique("Team "), **fields})
    session.add(team)
    session.commit()
    return team


def make_complaint(session, actor=None, state_code: str = "new", **fields) -> Complaint:
    values = {
        "received_at": datetime(2026, 11, 2, 9, 30),
        "subject": unique("Subject "),
        "complexity": complexity(session),
        "state": state(session, state_code),
    }
    values.update(fields)
    return complaint_service.open_complaint(session, Complaint(**values), actor=actor)


# --- helpers for tests through the test client ---------------------------------------------

def make_user(appbuilder, role: str, password: str, **fields) -> AppUser:
    """A new staff account with a unique username (for tests that change a user)."""
    username = unique("user")
    sm = appbuilder.sm
    values = {"first_name": username.capitalize(), "last_name": "Test",
              "email": f"{username}@example.org"}
    values.update(fields)
    return sm.add_user(username=username, role=sm.find_role(role), password=password, **values)


def messages(response) -> list[str]:
    """Texts of the flashed messages and form errors of an HTML page (Bootstrap alerts)."""
    html = response.get_data(as_text=True)
    found = re.findall(r'(?s)<div class="alert alert-\w+">(.*?)</div>', html)
    texts = [re.sub(r"<[^>]+>|&times;", " ", text) for text in found]
    return [" ".join(unescape(text).split()) for text in texts]


# FAB's flashed messages (appbuilder/flash.html): alert divs with no nested div.
FLASHED = re.compile(r'<div class="alert alert-\w+">.*?</div>', re.S)


def shown_ids(response, route: str = "/complaints/show/") -> set[int]:
    """Ids of the rows a page links to, e.g. the complaints of a list page (not the links
    of its flashed messages, such as the duplicates named after the add form)."""
    return shown_ids_in(response.get_data(as_text=True), route)


def shown_ids_in(html: str, route: str = "/complaints/show/") -> set[int]:
    """``shown_ids`` of a page's text."""
    html = FLASHED.sub("", html)
    return {int(pk) for pk in re.findall(re.escape(route) + r"(\d+)", html)}


def user_display(app, username: str) -> str:
    """How a user's name is shown on pages (first and last name)."""
    with app.app_context():
        from app.extensions import db

        return str(user(db.session, username))


# --- files ------------------------------------------------------------------------------

def zip_bomb_docx() -> bytes:
    """A small DOCX-looking zip whose member declares 2 GB once inflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (1024 * 1024))
    data = bytearray(out.getvalue())
    # Patch the declared uncompressed size (central directory) to 2 GB.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (2 * 1024**3).to_bytes(4, "little")
    return bytes(data)


def docx_text(data: bytes) -> str:
    """The text of a Word file: its paragraphs, then the first section's footer."""
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [p.text for p in document.sections[0].footer.paragraphs]
    return "\n".join(parts)
