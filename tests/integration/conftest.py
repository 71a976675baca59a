"""Fixtures of the integration tests that need an application of their own."""

import pytest


@pytest.fixture(scope="session")
def make_app(app, database_url, tmp_path_factory):
    """``make_app(config_name="testing", **overrides)``: another application on the
    session's migrated and seeded database, e.g. with CSRF or the login limit switched on
    (each create_app() builds its own AppBuilder, so several live in one process)."""
    from app import create_app
    from app.extensions import db

    made = []

    def make(config_name="testing", **overrides):
        instance = tmp_path_factory.mktemp("instance")
        application = create_app(config_name, SQLALCHEMY_DATABASE_URI=database_url,
                                 INSTANCE_PATH=str(instance),
                                 FILES_PATH=str(instance / "files"), **overrides)
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
