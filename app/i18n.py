"""Small helpers around Flask-Babel used by models, views and services."""

from flask import has_request_context
from flask_babel import get_locale

SUPPORTED = ("fr", "en")


def current_language(default: str = "fr") -> str:
    """The language of the current request, or ``default`` outside a request."""
    if not has_request_context():
        return default
    locale = get_locale()
    language = locale.language if locale else default
    return language if language in SUPPORTED else default
