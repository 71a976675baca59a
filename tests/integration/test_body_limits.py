"""A body that is not an upload (JSON on the API and the public API, a form without files)
is refused with a translated 413 past BODY_MAX_BYTES, before anything parses it; only
upload routes take large bodies (up to MAX_CONTENT_LENGTH)."""

import io
import json

import pytest
from sqlalchemy import func, select

from app.models import Complaint, PublicSubmission
from tests.integration.test_api import Api, jwt
from tests.integration.test_attachments import attachments, complaint_of, upload

MIB = 1024 * 1024


def big_json(size: int) -> bytes:
    """A JSON object of at least ``size`` bytes, valid in every other way."""
    body = {"subject": "Trop long", "description": "x" * size,
            "complainant_name": "Ana", "complainant_email": "ana@example.org"}
    return json.dumps(body).encode()


def count(app, model) -> int:
    with app.app_context():
        from app.extensions import db

        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def no_json_parsing(monkeypatch):
    """Fails the test if anything parses a JSON body meanwhile."""
    from flask import Request

    def refuse(*_args, **_kwargs):
        raise AssertionError("the body was parsed")

    monkeypatch.setattr(Request, "get_json", refuse)


def test_a_large_json_body_to_the_public_api_is_refused_unparsed(app, no_json_parsing):
    before = count(app, PublicSubmission)

    response = app.test_client().post("/api/v1/public/complaints?_l_=en", data=big_json(MIB),
                                      content_type="application/json")

    assert response.status_code == 413
    assert response.get_json() == {"message": "The request is too large: at most 1 MB."}
    assert count(app, PublicSubmission) == before


def test_a_large_json_body_to_the_api_is_refused_in_french(app):
    api = Api(app, jwt(app, "agent"))
    before = count(app, Complaint)

    response = api.post("/complaint/", data=big_json(MIB), content_type="application/json")

    assert response.status_code == 413
    assert response.get_json() == {
        "message": "La requête est trop volumineuse\u00a0: au plus 1\u00a0Mo."}
    assert count(app, Complaint) == before


def test_a_body_without_content_length_is_cut_at_the_limit(app):
    api = Api(app, jwt(app, "agent"))
    # No Content-Length: a chunked body, as gunicorn hands it on (input terminated).
    response = api.post("/complaint/", input_stream=io.BytesIO(big_json(2 * MIB)),
                        headers={"Content-Type": "application/json",
                                 "Transfer-Encoding": "chunked"},
                        environ_overrides={"wsgi.input_terminated": True})

    assert response.status_code == 413, response.get_json()


def test_a_json_body_under_the_limit_is_read(app):
    response = app.test_client().post("/api/v1/public/complaints?_l_=en",
                                      data=big_json(MIB - 4096),
                                      content_type="application/json")

    assert response.status_code == 400  # read and validated: the description is too long
    assert "too large" not in response.get_json()["message"]


def test_a_large_form_without_files_is_refused(app, agent_client):
    response = agent_client.post("/language?_l_=en", data={"language": "en",
                                                            "pad": "x" * (2 * MIB)})

    assert response.status_code == 413
    assert "The request is too large: at most 1 MB." in response.get_data(as_text=True)


def test_an_upload_may_be_larger(app, agent_client):
    pk = complaint_of(app)
    pdf = b"%PDF-1.4\n" + b"0" * (3 * MIB)

    response = upload(agent_client, pk, ("large.pdf", pdf))

    assert response.status_code == 200
    assert [(a.original_name, a.size) for a in attachments(app, pk)] == [
        ("large.pdf", len(pdf))]
