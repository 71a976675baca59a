"""The application's ``Surroundings`` (app/services/context.py): its configuration, the
email renderer (Flask's Jinja environment, with the template globals of app/web.py) and
the address of the request being served. ``create_app`` registers them; each session of
``db`` carries them (app/extensions.py)."""

from flask import current_app, has_request_context, render_template, request

from app.services.context import Surroundings

EXTENSION = "surroundings"


def _request_url() -> str | None:
    return request.host_url.rstrip("/") if has_request_context() else None


def register_surroundings(app) -> None:
    app.extensions[EXTENSION] = Surroundings(
        config=app.config, render=render_template, request_url=_request_url,
        security_manager=lambda: app.appbuilder.sm)


def current_surroundings() -> Surroundings | None:
    """Those of the current application (None before ``create_app`` registered them)."""
    return current_app.extensions.get(EXTENSION)
