"""Application factory."""

import logging
import os
from pathlib import Path

from flask import Flask, session
from flask_login import user_logged_in

from config import CONFIGS, DEFAULT_SECRET, ROOT

logger = logging.getLogger(__name__)


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the application; ``overrides`` replace configuration keys (tests use them)."""
    config_name = config_name or os.environ.get("APP_ENV", "development")
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                instance_path=str(ROOT / "instance"), instance_relative_config=False)
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)
    _check_secret(app)
    Path(app.config["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)

    from flask_appbuilder import AppBuilder

    from app import (
        database,  # noqa: F401  (SQLite pragmas and BEGIN IMMEDIATE)
        models,  # noqa: F401  (every table on the metadata before FAB starts)
    )
    from app.extensions import csrf, db, migrate

    db.init_app(app)
    csrf.init_app(app)  # before AppBuilder: FAB's forms then carry and check the token
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    with app.app_context():
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        from app.views import register_views

        register_views(appbuilder)

    from app.cli import register_cli
    from app.health import bp as health_bp
    from app.web import register_web

    app.register_blueprint(health_bp)
    register_web(app)
    register_cli(app)
    user_logged_in.connect(_apply_user_language, app)
    return app


def _check_secret(app):
    if app.config.get("ENV_NAME") == "production" or app.config.get("SESSION_COOKIE_SECURE"):
        if app.config.get("SECRET_KEY") in (None, "", DEFAULT_SECRET):
            raise RuntimeError("SECRET_KEY must be set to a long random value in production.")


def _apply_user_language(_app, user, **_extra):
    """A user's saved language wins over the default once they sign in."""
    language = getattr(user, "language", None)
    if language in ("fr", "en"):
        session["locale"] = language
