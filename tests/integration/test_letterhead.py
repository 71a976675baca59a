"""The letterhead logo: uploaded by an admin (checked by its content), printed by the
default letters through ``{{ logo }}``, nothing printed without it."""

import io
import struct
import zlib

import pytest
from docx import Document
from sqlalchemy import select

from app.models import DocumentTemplate, Setting
from app.services import letterhead
from tests import factories as f


def png(width=40, height=20) -> bytes:
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x1f\x3a\x5f" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def no_logo(app):
    yield
    with app.app_context():
        from app.extensions import db

        letterhead.remove_logo(db.session, app.config)


def upload_logo(client, data, name="logo.png"):
    return client.post("/config/logo/?_l_=en", data={"logo": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def generate(app, client):
    with app.app_context():
        from app.extensions import db

        s = db.session
        complaint = f.make_complaint(s, actor=f.user(s, "admin"), complainant_name="Zoé")
        tid = s.scalars(select(DocumentTemplate.id)
                        .where(DocumentTemplate.name == "Lettre de réponse")).one()
        pk = complaint.id
    response = client.post(f"/complaints/{pk}/letters", data={"template_id": tid})
    assert response.status_code == 302
    return Document(io.BytesIO(client.get(response.headers["Location"]).data))


def test_uploaded_logo_is_printed_on_the_letters(app, admin_client, no_logo):
    page = upload_logo(admin_client, png())
    assert "Logo saved: the letters generated from now on print it." in f.messages(page)
    image = admin_client.get("/config/logo/image")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    document = generate(app, admin_client)
    assert len(document.inline_shapes) == 1
    assert "[logo]" not in "\n".join(p.text for p in document.paragraphs)
    # Settings list does not show (nor let anyone edit) the stored file's reference.
    assert "organisation_logo" not in admin_client.get("/config/settings/list/").text


def test_without_a_logo_nothing_is_printed(app, admin_client, no_logo):
    document = generate(app, admin_client)
    assert len(document.inline_shapes) == 0
    text = "\n".join(p.text for p in document.paragraphs)
    assert "logo" not in text and "{%" not in text and "Zoé" in text


@pytest.mark.parametrize(("data", "message"), [
    (b"MZ\x90\x00\x03" + b"\0" * 100, "The logo must be a PNG or JPEG image."),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "The logo must be a PNG or JPEG image."),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "The logo must be a PNG or JPEG image."),
    (png() + b"\0" * (1024 * 1024), "The logo is too large (at most 1024 KB)."),
])
def test_unusable_logo_is_refused(app, admin_client, no_logo, data, message):
    page = upload_logo(admin_client, data)
    assert message in f.messages(page)
    with app.app_context():
        from app.extensions import db

        assert db.session.get(Setting, letterhead.LOGO_KEY) is None


def test_replacing_the_logo_drops_the_old_file(app, admin_client, no_logo):
    from pathlib import Path

    upload_logo(admin_client, png())
    root = Path(app.config["FILE_STORAGE_PATH"])
    with app.app_context():
        from app.extensions import db

        first = db.session.get(Setting, letterhead.LOGO_KEY).value.split(":")[1]
    assert (root / first[:2] / first).exists()
    upload_logo(admin_client, png(60, 30))
    assert not (root / first[:2] / first).exists()
    admin_client.post("/config/logo/remove")
    assert admin_client.get("/config/logo/image").status_code == 404


def test_agents_cannot_change_the_logo(agent_client):
    assert agent_client.get("/config/logo/").status_code == 403
    assert upload_logo(agent_client, png()).status_code == 403
