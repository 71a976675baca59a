"""Letters as PDF when LibreOffice is installed and enabled (LETTERS_PDF=1)."""

import shutil

import pytest
from sqlalchemy import func, select

from app.models import DocumentTemplate, GeneratedDocument
from tests import factories as f
from tests.conftest import login


def complaint_and_template(app):
    with app.app_context():
        from app.extensions import db

        s = db.session
        complaint = f.make_complaint(s, actor=f.user(s, "admin"),
                                     complainant_name="Hélène Lefèvre")
        tid = s.scalars(select(DocumentTemplate.id)
                        .where(DocumentTemplate.name == "Lettre de réponse")).one()
        return complaint.id, tid


def documents(app, pk):
    with app.app_context():
        from app.extensions import db

        return db.session.scalars(select(GeneratedDocument.mime_type).where(
            GeneratedDocument.complaint_id == pk).order_by(GeneratedDocument.id)).all()


@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not installed: PDF letters not tested")
def test_pdf_letter_is_generated_beside_the_docx(app, make_app):
    pdf_app = make_app(LETTERS_PDF=True)
    client = login(pdf_app.test_client(), "supervisor")
    pk, tid = complaint_and_template(app)
    assert 'id="generate-pdf"' in client.get(f"/complaints/show/{pk}").text
    response = client.post(f"/complaints/{pk}/letters", data={"template_id": tid,
                                                               "format": "pdf"})
    assert response.status_code == 302
    download = client.get(response.headers["Location"])
    assert download.mimetype == "application/pdf" and download.data.startswith(b"%PDF-")
    assert documents(app, pk) == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/pdf"]


def test_no_pdf_button_without_libreoffice(app, make_app):
    pdf_app = make_app(LETTERS_PDF=True, SOFFICE_PATH="/nonexistent/soffice")
    client = login(pdf_app.test_client(), "supervisor")
    pk, tid = complaint_and_template(app)
    page = client.get(f"/complaints/show/{pk}")
    assert 'id="generate-docx"' in page.text and 'id="generate-pdf"' not in page.text
    page = client.post(f"/complaints/{pk}/letters?_l_=en",
                       data={"template_id": tid, "format": "pdf"}, follow_redirects=True)
    assert any("could not be converted to PDF" in m for m in f.messages(page))
    assert documents(app, pk) == []


def test_failed_conversion_stores_nothing(app, make_app):
    # A converter that fails (exit status 1), as LibreOffice does on a broken profile.
    pdf_app = make_app(LETTERS_PDF=True, SOFFICE_PATH=shutil.which("false"))
    client = login(pdf_app.test_client(), "supervisor")
    pk, tid = complaint_and_template(app)
    assert 'id="generate-pdf"' in client.get(f"/complaints/show/{pk}").text
    page = client.post(f"/complaints/{pk}/letters?_l_=en",
                       data={"template_id": tid, "format": "pdf"}, follow_redirects=True)
    assert any("could not be converted to PDF" in m for m in f.messages(page))
    with app.app_context():
        from app.extensions import db

        assert db.session.scalar(select(func.count()).select_from(GeneratedDocument)
                                 .where(GeneratedDocument.complaint_id == pk)) == 0


def test_pdf_is_off_by_default(app, supervisor_client):
    pk, _ = complaint_and_template(app)
    assert 'id="generate-pdf"' not in supervisor_client.get(f"/complaints/show/{pk}").text
