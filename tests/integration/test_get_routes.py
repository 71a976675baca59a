"""No GET changes data: every GET route of the application, requested by an admin, runs
no INSERT, UPDATE or DELETE; FAB's routes that would mutate on a GET (delete, single
record action) answer 405 whatever the configuration, and FAB's upload download (unused
here) answers 404. The audit walks the URL map, so a route added later is covered too."""

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from app.models import Complaint
from tests import factories as f
from tests.conftest import recording_sql

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|CREATE|DROP|ALTER)\b", re.I)
SKIPPED = {"static", "appbuilder.static"}  # files


@pytest.fixture
def rows(app):
    """A complaint and a client to show, edit, and point routes at."""
    from app.extensions import db

    with app.app_context():
        s = db.session
        client = f.make_client(s)
        complaint = f.make_complaint(s, actor=f.user(s, "admin"), client=client)
        return {"ComplaintView": complaint.id, "ClientView": client.id}


@contextmanager
def recorded_writes(app):
    writes = []
    with recording_sql(app) as run:
        yield writes
    writes.extend(statement.split("\n", 1)[0][:120] for statement, _ in run
                  if WRITE.match(statement))


def get_urls(app, rows) -> list[str]:
    values = {"locale": "en", "version": "v1", "filename": "x.txt", "group_by": "username",
              "name": "muldelete", "reminder_id": 1, "role_id": 1, "doc_id": 1,
              "att_id": 1, "token": "not-a-valid-token", "file_id": 1,
              "key_uuid": "no-such-key"}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED:
            continue
        view = rule.endpoint.split(".", 1)[0]
        args = {arg: rows.get(view, 1) if arg == "pk" else values[arg] for arg in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            urls.append(url_for(rule.endpoint, **args))
    return sorted(set(urls))


# FAB's OpenAPI document reuses schemas; apispec warns about it (harmless, not ours).
@pytest.mark.filterwarnings("ignore::UserWarning:apispec.*")
def test_no_get_route_writes_to_the_database(app, admin_client, rows):
    urls = get_urls(app, rows)
    assert len(urls) > 100  # the whole URL map, FAB's routes included

    written = {}
    for url in urls:
        with recorded_writes(app) as writes:
            response = admin_client.get(url)
        assert response.status_code < 500, url
        if writes:
            written[url] = writes

    assert written == {}
    with recorded_writes(app) as control:  # the recorder does see a write
        admin_client.post(f"/complaints/{rows['ComplaintView']}/notes", data={"body": "x"})
    assert any(w.upper().startswith("INSERT") for w in control)


def complaint_exists(app, pk) -> bool:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(Complaint.id).where(Complaint.id == pk)) == pk


@pytest.mark.parametrize("route", ["delete/{pk}", "action/muldelete/{pk}"])
@pytest.mark.parametrize("view", ["complaints", "clients", "config/states", "users"])
def test_fab_mutations_by_get_are_refused(app, admin_client, rows, view, route):
    pk = rows["ComplaintView"] if view == "complaints" else 1

    response = admin_client.get(f"/{view}/{route.format(pk=pk)}?_l_=en",
                                follow_redirects=True)

    assert "Access denied." in f.messages(response)  # FAB's own refusal, our words
    assert view != "complaints" or complaint_exists(app, pk)


@pytest.mark.parametrize("route", ["delete/{pk}", "action/muldelete/{pk}"])
def test_fab_mutations_by_get_are_refused_even_if_fab_would_allow_them(app, admin_client,
                                                                       rows, route):
    pk = rows["ComplaintView"]
    app.config["FAB_ALLOW_GET_UNSAFE_MUTATIONS"] = True
    try:
        response = admin_client.get(f"/complaints/{route.format(pk=pk)}")
    finally:
        del app.config["FAB_ALLOW_GET_UNSAFE_MUTATIONS"]

    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert complaint_exists(app, pk)


@pytest.mark.parametrize("url", ["/complaints/download/x.txt", "/users/download/..",
                                 "/config/states/download/reclamations.db"])
def test_fab_upload_download_is_not_served(admin_client, url):
    assert admin_client.get(url).status_code == 404
