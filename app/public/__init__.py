"""The complainants' portal (no account): submit, follow, converse.

A plain Flask blueprint with its own simple layout (no FAB menu), French by default with
a language switch. Forms are POSTs with CSRF; every POST of the portal and of the public
JSON API counts against one per-address limit (PUBLIC_RATE_LIMIT).
"""

from flask import current_app

from app.public import survey  # noqa: F401 - its routes join the portal's blueprint
from app.public.api import bp as api_bp
from app.public.views import bp

RATE_SCOPE = "public"


def register_public(app):
    """Register the portal and the public API, CSRF-exempt API, both rate-limited."""
    from app.extensions import csrf

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)
    limiter = app.appbuilder.sm.limiter
    for blueprint in (bp, api_bp):
        limiter.shared_limit(_public_rate, scope=RATE_SCOPE, methods=["POST"])(blueprint)


def _public_rate() -> str:
    return current_app.config.get("PUBLIC_RATE_LIMIT") or "10 per minute"
