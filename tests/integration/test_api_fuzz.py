"""Schemathesis against the live application's own OpenAPI document (issue [08]): every
operation of the product's resources, the token login, API keys and the document itself,
as an admin and as an agent, with a bounded number of
generated requests. No 5xx, and every response conforms to the document (status code
documented, body matching its schema).

It runs on a database of its own (SQLite, or ``<name>_fuzz`` beside TEST_DATABASE_URL):
generated DELETEs and PUTs must not touch the rows the other tests rely on."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from tests import factories as f
from tests.conftest import PASSWORD

# The product's resources, the token login, API keys and the document itself. FAB's
# administration of users, roles, groups and permissions (admins' tooling, FAB's own
# code) is left out.
PRODUCT_TAGS = {"Complaints", "Notes", "Reminders", "Clients", "Contracts",
                "Reference lists"}
FUZZED_TAGS = PRODUCT_TAGS | {"Security", "Security API Keys", "OpenApi"}
MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def fuzz_database_url(instance) -> str:
    """SQLite in the test's folder; with TEST_DATABASE_URL (PostgreSQL), a sibling
    database ``<name>_fuzz`` on the same server, emptied first."""
    import os

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tests.conftest import _reset_database

    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{instance}/fuzz.db"
    target = make_url(url)
    target = target.set(database=f"{target.database}_fuzz")
    server = create_engine(make_url(url).set(database="postgres"),
                           isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                             {"n": target.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()
    rendered = target.render_as_string(hide_password=False)
    _reset_database(rendered)
    return rendered


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.services import setup
    from config import ROOT

    instance = tmp_path_factory.mktemp("fuzz")
    application = create_app("testing", SQLALCHEMY_DATABASE_URI=fuzz_database_url(instance),
                             INSTANCE_PATH=str(instance),
                             FILE_STORAGE_PATH=str(instance / "files"))
    with application.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        setup.sync_roles_and_permissions(application.appbuilder)
        labels = setup.Labels(ROOT / "translations")
        setup.seed_reference_data(db.session, labels)
        setup.seed_workflow(db.session, labels)
        setup.seed_deadline_rules(db.session)
        sm = application.appbuilder.sm
        for username, role in (("admin", "Admin"), ("agent", "Agent")):
            sm.add_user(username=username, first_name=username, last_name="Fuzz",
                        email=f"{username}@example.org", role=sm.find_role(role),
                        password=PASSWORD)
        agent = f.user(db.session, "agent")
        client = f.make_client(db.session, portfolio_owner_id=agent.id)
        f.make_contract(db.session, client)
        for _ in range(3):
            f.make_complaint(db.session, client=client)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def token(app, username):
    response = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": PASSWORD, "provider": "db"})
    assert response.status_code == 200
    return response.json["access_token"]


@pytest.fixture(scope="module")
def tokens(fuzz_app):
    return {name: token(fuzz_app, name) for name in ("admin", "agent")}


@pytest.fixture(scope="module")
def api_schema(fuzz_app, tokens):
    loaded = schemathesis.openapi.from_wsgi(
        "/api/v1/_openapi", fuzz_app,
        headers={"Authorization": f"Bearer {tokens['admin']}"})
    return loaded.include(tag_regex="^(" + "|".join(sorted(FUZZED_TAGS)) + ")$")


def fuzz(api_schema, bearer) -> dict[str, str]:
    """Run every operation with a few generated requests, valid ones and invalid ones
(wrong types, missing or unknown fields…); the failures by operation."""
    failures, tags = {}, set()
    for result in api_schema.get_all_operations():
        operation = result.ok()
        tags.update(operation.tags or [])

        @given(case=st.one_of(operation.as_strategy(),
                              operation.as_strategy(GenerationMode.NEGATIVE)))
        @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None,
                  database=None, suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {bearer}"},
                                   checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collected and reported by the test
            failures[operation.label] = str(exc)[:2000]
    assert tags == FUZZED_TAGS, "the document lost resources"
    return failures


@pytest.mark.parametrize("who", ["admin", "agent"])
def test_every_operation_answers_as_documented(api_schema, tokens, who):
    failures = fuzz(api_schema, tokens[who])
    assert not failures, "\n\n".join(f"{op}:\n{text}" for op, text in failures.items())
