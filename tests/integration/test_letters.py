"""Word letters: templates checked on upload, rendered safely, generated from the
complaint page, downloadable only by those who may see the complaint."""

import io
import zipfile

import pytest
from docx import Document
from sqlalchemy import select

from app.domain import events as ev
from app.models import DocumentTemplate, Event, GeneratedDocument, Setting
from app.services import deletion, letters
from app.services.exceptions import ServiceError
from app.services.settings import set_setting
from tests import factories as f

ORGANISATION = "ACME & Fils <SAS>"


def docx_bytes(*paragraphs) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()





@pytest.fixture
def organisation(app):
    with app.app_context():
        from app.extensions import db

        set_setting(db.session, "organisation_name", ORGANISATION)
        set_setting(db.session, "organisation_address", "1 place de l'Église\n75001 Paris")
        db.session.commit()
    yield
    with app.app_context():
        from app.extensions import db

        for key in ("organisation_name", "organisation_address"):
            row = db.session.get(Setting, key)
            if row is not None:
                db.session.delete(row)
        db.session.commit()


def template_id(session, name="Lettre de réponse"):
    return session.scalars(select(DocumentTemplate.id)
                           .where(DocumentTemplate.name == name)).one()


def make_complaint(app, **fields):
    with app.app_context():
        from app.extensions import db

        s = db.session
        values = {"complainant_name": "Hélène Lefèvre",
                  "complainant_address": "3 allée des Érables\n69003 Lyon",
                  "subject": "Compteur « bloqué » & facture <erronée>",
                  "resolution": "Avoir de 42,50 € émis."}
        values.update(fields)
        complaint = f.make_complaint(s, actor=f.user(s, "admin"), **values)
        return complaint.id, complaint.tracking_number, template_id(s)


# --- the service -------------------------------------------------------------------------

def test_default_templates_are_seeded_and_valid(app):
    with app.app_context():
        from app.extensions import db

        templates = db.session.scalars(select(DocumentTemplate)).all()
        assert {(t.purpose, t.language) for t in templates} >= {
            (p, lang) for p in ("acknowledgement", "answer", "closure") for lang in ("fr", "en")}
        for template in templates:
            assert letters.validate_template(template.content) == []


def test_generated_letter_holds_every_value_unmangled(app, organisation, agent_client):
    pk, tracking, tid = make_complaint(app, assignee_id=None)
    with app.app_context():
        from app.extensions import db

        s = db.session
        complaint = s.get(f.Complaint, pk)
        complaint.assignee_id = f.user(s, "agent").id
        s.commit()
    response = agent_client.post(f"/complaints/{pk}/letters", data={"template_id": tid})
    assert response.status_code == 302
    download = agent_client.get(response.headers["Location"])
    assert download.status_code == 200
    assert download.mimetype == letters.DOCX_MIME
    assert "attachment" in download.headers["Content-Disposition"]
    text = f.docx_text(download.data)
    for expected in (ORGANISATION, "1 place de l'Église", "75001 Paris", tracking,
                     "Hélène Lefèvre", "3 allée des Érables", "69003 Lyon",
                     "Compteur « bloqué » & facture <erronée>", "Avoir de 42,50 € émis.",
                     "Agent Test", "2 novembre 2026"):
        assert expected in text, expected
    assert "{{" not in text and "&amp;" not in text


def test_generating_writes_the_event_and_blocks_deletion(app, supervisor_client):
    pk, _, tid = make_complaint(app)
    assert supervisor_client.post(f"/complaints/{pk}/letters",
                                  data={"template_id": tid}).status_code == 302
    with app.app_context():
        from app.extensions import db

        s = db.session
        event = s.scalars(select(Event).where(Event.complaint_id == pk,
                                              Event.kind == ev.DOCUMENT_GENERATED)).one()
        assert event.new_value.endswith("-answer-fr.docx")
        assert event.detail == "Lettre de réponse"
        assert deletion.deletion_blockers(s, s.get(f.Complaint, pk))
    page = supervisor_client.get(f"/complaints/show/{pk}?_l_=en")
    assert "1 letter(s) were generated from it" in page.text
    assert "Letter generated:" in page.text and "-answer-fr.docx" in page.text
    supervisor_client.post(f"/complaints/delete/{pk}")
    with app.app_context():
        from app.extensions import db

        assert db.session.get(f.Complaint, pk) is not None


def test_agent_cannot_generate_or_download_outside_their_scope(app, admin_client,
                                                              agent_client):
    pk, _, tid = make_complaint(app)  # neither the agent's portfolio, team nor assignment
    response = admin_client.post(f"/complaints/{pk}/letters", data={"template_id": tid})
    url = response.headers["Location"]
    assert admin_client.get(url).status_code == 200
    assert agent_client.get(url).status_code == 404
    assert agent_client.post(f"/complaints/{pk}/letters",
                             data={"template_id": tid}).status_code == 404
    other, _, _ = make_complaint(app)
    doc_id = url.rstrip("/").rsplit("/", 1)[1]
    assert admin_client.get(f"/complaints/{other}/letters/{doc_id}").status_code == 404


def test_viewer_may_not_generate(app, viewer_client):
    pk, _, tid = make_complaint(app)
    assert viewer_client.post(f"/complaints/{pk}/letters",
                              data={"template_id": tid}).status_code == 403


def test_complaint_page_offers_the_templates(app, admin_client):
    pk, _, _ = make_complaint(app)
    page = admin_client.get(f"/complaints/show/{pk}")
    assert 'id="generate-letter"' in page.text and "Lettre de clôture" in page.text


@pytest.mark.parametrize("data", [
    b"MZ\x90\x00\x03" + b"\0" * 200,  # a renamed executable
    b"\x89PNG\r\n\x1a\n" + b"\0" * 200,
    b"",
])
def test_not_a_docx_is_refused(app_ctx, data):
    with pytest.raises(letters.NotADocx):
        letters.validate_template(data)


def test_a_zip_that_is_no_word_document_is_refused(app_ctx):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(letters.NotADocx):
        letters.validate_template(out.getvalue())


def test_zip_bomb_is_refused_before_parsing(app_ctx, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(letters, "_run_renderer", never)
    with pytest.raises(letters.ZipBomb):
        letters.validate_template(f.zip_bomb_docx())


def test_template_reaching_python_internals_is_refused(app_ctx):
    with pytest.raises(ServiceError) as refused:
        letters.validate_template(docx_bytes("X {{ ''.__class__.__mro__ }} Y"))
    assert "unsafe" in str(refused.value)


def test_template_reaching_python_internals_renders_nothing_harmful(app_ctx):
    data = docx_bytes("{{ date.__class__ }}|{{ cycler.__init__.__globals__ }}")
    try:
        output = f.docx_text(letters.render(data, letters.sample_context()))
    except ServiceError:
        return
    assert "class" not in output and "os" not in output


def test_unknown_placeholders_are_warnings(app_ctx):
    assert letters.validate_template(docx_bytes("{{ date }} {{ customer_id }}")) == [
        "customer_id"]


# --- the admin pages ---------------------------------------------------------------------

def upload(client, data, name, filename="modele.docx", **fields):
    form = {"name": name, "purpose": "other", "language": "fr", "active": "y",
            "file": (io.BytesIO(data), filename), **fields}
    return client.post("/lettertemplates/add?_l_=en", data=form,
                       content_type="multipart/form-data", follow_redirects=True)


def test_admin_uploads_a_template_with_a_warning(app, admin_client):
    name = f.unique("Modèle ")
    response = upload(admin_client, docx_bytes("{{ tracking_number }} {{ colour }}"), name)
    assert "Unknown placeholders (they will print nothing): colour" in f.messages(response)
    with app.app_context():
        from app.extensions import db

        template = db.session.scalars(select(DocumentTemplate)
                                      .where(DocumentTemplate.name == name)).one()
        assert template.filename == "modele.docx" and template.uploaded_by_id is not None
        pk = template.id
    download = admin_client.get(f"/lettertemplates/file/{pk}")
    assert download.status_code == 200 and download.data[:2] == b"PK"


@pytest.mark.parametrize(("data", "message"), [
    (b"MZ\x90\x00" + b"\0" * 100, "This file is not a Word document (.docx)."),
    (f.zip_bomb_docx(), "This file inflates to an unreasonable size once opened: it is refused."),
    (docx_bytes("{{ ''.__class__ }}"), "The template cannot be rendered: access to "
                                       "attribute '__class__' of 'str' object is unsafe."),
])
def test_admin_upload_is_refused_with_a_clear_message(app, admin_client, data, message):
    name = f.unique("Refusé ")
    response = upload(admin_client, data, name, filename="letter.docx")
    assert message in f.messages(response)
    with app.app_context():
        from app.extensions import db

        assert db.session.scalars(select(DocumentTemplate.id)
                                  .where(DocumentTemplate.name == name)).first() is None


def test_upload_without_a_file_is_refused(admin_client):
    response = admin_client.post("/lettertemplates/add?_l_=en",
                                 data={"name": f.unique("Vide "), "purpose": "other",
                                       "language": "fr"}, follow_redirects=True)
    assert "Choose a Word file (.docx)." in f.messages(response)


def test_help_page_lists_every_placeholder(admin_client):
    page = admin_client.get("/lettertemplates/placeholders/?_l_=en")
    assert page.status_code == 200
    for name in letters.sample_context():
        assert f'data-name="{name}"' in page.text
    assert "ACME &amp; Fils &lt;SAS&gt;" in page.text


def test_templates_are_for_admins_only(agent_client, supervisor_client):
    for client in (agent_client, supervisor_client):
        assert client.get("/lettertemplates/list/").status_code == 403
        assert client.get("/lettertemplates/placeholders/").status_code == 403


def test_generated_documents_are_stored(app):
    with app.app_context():
        from app.extensions import db

        assert db.session.scalars(select(GeneratedDocument.id)).first() is not None
