"""A letter template renders within bounds, at upload and at every letter: stopped after
LETTER_RENDER_SECONDS, at LETTER_MAX_CHARS characters of output and
LETTER_RENDER_MEMORY_MB of memory, in a process of its own that the web worker only
waits on; refused with a clear message, and nothing is stored."""

import io
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import DocumentTemplate, GeneratedDocument
from app.services import letters
from tests import factories as f
from tests.integration.test_letters import docx_bytes, upload

SECONDS = 2
NESTED_LOOPS = ("{% for a in range(10000) %}{% for b in range(10000) %}"
                "{% endfor %}{% endfor %}")  # 10^8 turns, no output


@pytest.fixture
def limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "LETTER_RENDER_SECONDS", SECONDS)
    monkeypatch.setitem(app.config, "LETTER_MAX_CHARS", 200_000)
    monkeypatch.setitem(app.config, "LETTER_RENDER_MEMORY_MB", 256)


def renderers() -> list[str]:
    """The renderer processes still running."""
    found = []
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"letter_render.py" in status.read_bytes():
                found.append(status.parent.name)
        except OSError:  # ended meanwhile
            continue
    return found


def stored(app, name) -> bool:
    with app.app_context():
        from app.extensions import db

        return db.session.scalars(select(DocumentTemplate.id)
                                  .where(DocumentTemplate.name == name)).first() is not None


@pytest.mark.parametrize(("body", "message"), [
    (NESTED_LOOPS, "The template takes too long to render (more than 2 seconds): "
                   "check its loops."),
    ("{{ 7 ** 100000000 }}",  # one C call: no signal would interrupt it
     "The template takes too long to render (more than 2 seconds): check its loops."),
    ("{% for a in range(100000) %}{{ organisation_name }}{% endfor %}",
     "The letter would be too long (more than 200000 characters): check the "
     "template's loops."),
    ("{{ 'x' * 10 ** 10 }}",
     "The template needs too much memory to render (more than 256 MB): check its loops."),
])
def test_upload_of_an_endless_template_is_refused_within_seconds(app, admin_client, limits,
                                                                 body, message):
    name = f.unique("Boucle ")
    started = time.monotonic()

    response = upload(admin_client, docx_bytes("Madame, Monsieur,", body), name)

    assert time.monotonic() - started < SECONDS + 3
    assert response.status_code == 200
    assert message in f.messages(response)
    assert not stored(app, name)
    assert renderers() == []  # stopped, not left running


def test_the_message_is_in_french_too(app, admin_client, limits):
    data = docx_bytes(NESTED_LOOPS)
    response = admin_client.post(
        "/lettertemplates/add?_l_=fr",
        data={"name": f.unique("Boucle "), "purpose": "other", "language": "fr",
              "active": "y", "file": (io.BytesIO(data), "boucle.docx")},
        content_type="multipart/form-data", follow_redirects=True)

    assert ("Le modèle met trop de temps à se générer (plus de 2 secondes) : "
            "vérifiez ses boucles.") in f.messages(response)  # spaces normalised
    assert "(plus de 2\u00a0secondes)\u00a0: vérifiez" in response.get_data(as_text=True)


def test_a_letter_from_a_stored_endless_template_is_refused(app, admin_client, limits):
    """A template stored before the limits (or by another way) is bounded at every letter."""
    with app.app_context():
        from app.extensions import db

        s = db.session
        template = DocumentTemplate(name=f.unique("Ancien "), purpose="other", language="fr",
                                    active=True, filename="ancien.docx",
                                    content=docx_bytes("{{ tracking_number }}", NESTED_LOOPS))
        s.add(template)
        s.commit()
        complaint = f.make_complaint(s, actor=f.user(s, "admin"))
        pk, tid = complaint.id, template.id
        before = s.scalar(select(func.count()).select_from(GeneratedDocument))
    started = time.monotonic()

    response = admin_client.post(f"/complaints/{pk}/letters?_l_=en",
                                 data={"template_id": tid}, follow_redirects=True)

    assert time.monotonic() - started < SECONDS + 3
    assert ("The template takes too long to render (more than 2 seconds): "
            "check its loops.") in f.messages(response)
    with app.app_context():
        from app.extensions import db

        assert db.session.scalar(select(func.count()).select_from(GeneratedDocument)) == before


def test_a_template_within_the_limits_renders(app_ctx, limits):
    data = docx_bytes("{% for a in range(3) %}{{ tracking_number }};{% endfor %}")
    limits_ = letters.RenderLimits.from_config(app_ctx.config)

    text = f.docx_text(letters.render(data, letters.sample_context(), limits=limits_))

    assert "REC-2026-000123;" * 3 in text


def test_the_renderer_runs_in_a_process_of_its_own(app_ctx, monkeypatch):
    data = docx_bytes("{{ tracking_number }}")
    seen = []
    real_run = letters.subprocess.run

    def spy(command, **kwargs):
        seen.append((command, kwargs.get("timeout")))
        return real_run(command, **kwargs)

    monkeypatch.setattr(letters.subprocess, "run", spy)
    output = letters.render(data, letters.sample_context(),
                            limits=letters.RenderLimits(seconds=4))

    [(command, timeout)] = seen
    assert command[1] == "-I" and command[2].endswith("letter_render.py")
    assert timeout == 4
    assert "REC-2026-000123" in f.docx_text(output)
