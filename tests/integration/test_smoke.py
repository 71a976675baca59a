"""The application starts on a migrated database and its main pages answer."""

import pytest


def test_health_reports_database_ok(app):
    response = app.test_client().get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert body["scheduler"] in ("ok", "late", "never")  # test_metrics.py checks which


def test_anonymous_is_sent_to_login(app):
    response = app.test_client().get("/complaints/list/")
    assert response.status_code == 302
    assert "/login/" in response.headers["Location"]


@pytest.mark.parametrize("url", [
    "/complaints/list/", "/complaints/add", "/clients/list/", "/clients/add",
    "/contracts/list/", "/reminders/list/", "/config/states/list/",
    "/config/transitions/list/", "/config/categories/list/", "/config/teams/list/",
    "/search/?q=nothing",
])
def test_admin_pages_answer(admin_client, url):
    assert admin_client.get(url).status_code == 200
