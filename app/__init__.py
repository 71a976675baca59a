"""Application factory.

Nothing web-related is imported at the import of this package: the background export
worker (app/export_worker.py) runs ``python -m app.export_worker`` and must stay lean
(no Flask, no Flask-AppBuilder), so Flask and the configuration are imported by
``create_app``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

logger = logging.getLogger(__name__)


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the application; ``overrides`` replace configuration keys (tests use them)."""
    from flask import Flask
    from flask_login import user_logged_in

    from config import CONFIGS, ROOT

    config_name = config_name or os.environ.get("APP_ENV", "development")
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                instance_path=str(ROOT / "instance"), instance_relative_config=False)
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)
    from app.logs import configure_logging, register_request_id

    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    register_request_id(app)
    _check_secret(app)
    _limit_requests(app)
    _check_file_storage(app)
    _trust_proxies(app)
    Path(app.config["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)

    from flask_appbuilder import AppBuilder

    from app import (
        models,  # noqa: F401  (every table on the metadata before FAB starts)
        read_only,
    )
    from app.extensions import csrf, db, migrate
    from app.listeners import register_listeners
    from app.surroundings import register_surroundings

    register_listeners()  # docs/architecture.md, "Listeners"
    db.init_app(app)
    register_surroundings(app)  # each db session carries them to the services
    csrf.init_app(app)  # before AppBuilder: FAB's forms then carry and check the token
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    with app.app_context():
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        from app.views import register_views

        register_views(appbuilder)
        from app.api import register_apis

        register_apis(appbuilder)

    from app.api.conformance import register_conformance
    from app.calendar_feed import bp as calendar_bp
    from app.cli import register_cli
    from app.errors import register_error_pages
    from app.health import bp as health_bp
    from app.language import bp as language_bp
    from app.metrics import register_metrics
    from app.public import register_public
    from app.route_guards import register_route_guards
    from app.security_headers import register_security_headers
    from app.security_txt import bp as security_txt_bp
    from app.web import register_web

    app.register_blueprint(health_bp)
    register_metrics(app)
    app.register_blueprint(language_bp)
    app.register_blueprint(security_txt_bp)
    app.register_blueprint(calendar_bp)
    register_public(app)
    register_route_guards(app)
    register_conformance(app)
    register_security_headers(app)
    register_error_pages(app)
    register_web(app)
    read_only.register_read_only(app)
    register_cli(app)
    user_logged_in.connect(_apply_user_language, app)
    return app


def _check_secret(app):
    """In production, refuse a secret anyone could know or guess: whoever has it can sign a
    session cookie, that is, sign in as anybody."""
    from config import DEFAULT_SECRET, MIN_SECRET_LENGTH

    if not app.config.get("PRODUCTION"):
        return
    secret = app.config.get("SECRET_KEY")
    how = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"
    if not isinstance(secret, str | bytes) or not secret.strip() or secret == DEFAULT_SECRET:
        raise RuntimeError("SECRET_KEY is missing or is the development default; in "
                           f"production set it to a long random value, e.g. {how}")
    if len(secret.strip()) < MIN_SECRET_LENGTH:
        raise RuntimeError(f"SECRET_KEY is too short ({len(secret.strip())} characters, at "
                           f"least {MIN_SECRET_LENGTH} in production); e.g. {how}")


def _limit_requests(app):
    """A request may carry a full upload of attachments and its form, nothing more:
    Werkzeug refuses a larger one (413) before reading it."""
    if not app.config.get("MAX_CONTENT_LENGTH"):
        files = max(app.config.get("ATTACHMENT_MAX_FILES") or 1, 1)
        app.config["MAX_CONTENT_LENGTH"] = (files * app.config["ATTACHMENT_MAX_BYTES"]
                                            + 1024 * 1024)


def _check_file_storage(app):
    """An unknown FILE_STORAGE would only fail at the first upload: refuse to start."""
    kind = app.config.get("FILE_STORAGE")
    if kind not in ("local", "database"):
        raise RuntimeError(f"FILE_STORAGE must be 'local' or 'database', not {kind!r}")


def _trust_proxies(app):
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address and scheme from
    their X-Forwarded-For/-Proto (the login limit counts per client address)."""
    hops = app.config.get("TRUSTED_PROXIES") or 0
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _apply_user_language(_app, user, **_extra):
    """A user's saved language wins over the default once they sign in."""
    from flask import session

    language = getattr(user, "language", None)
    if language in ("fr", "en"):
        session["locale"] = language
