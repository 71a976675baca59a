"""The translated messages of error answers, and the language they are answered in:
shared by the REST API, the error pages and the security manager (JWT refusals)."""

from flask import g, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

LANGUAGES = ("fr", "en")

MESSAGES = {
    400: _l("The request is not valid."),
    401: _l("Authentication required: send a token (Authorization: Bearer …)."),
    403: _l("You are not allowed to do this."),
    404: _l("Not found."),
}


def plain_messages(view, unauthorized=None) -> None:
    """FAB's own APIs answer a 400 with marshmallow's ``{"field": [errors]}`` where their
    document (and ours) says the message is a string: flatten it on ``view``. Their other
    errors say FAB's English words ("Arguments are not correct", "Not found"): say ours,
    in the reader's language."""
    fab_400 = view.response_400
    view.response_400 = lambda message=None: fab_400(
        field_errors(message) if message is not None else translated(MESSAGES[400]))
    view.response_401 = lambda: view.response(
        401, message=translated(unauthorized or MESSAGES[401]))
    view.response_403 = lambda: view.response(403, message=translated(MESSAGES[403]))
    view.response_404 = lambda: view.response(404, message=translated(MESSAGES[404]))


def language() -> str:
    """Accept-Language first, else the signed-in user's language, else French."""
    best = request.accept_languages.best_match(LANGUAGES) if request else None
    if best:
        return best
    user_language = getattr(getattr(g, "user", None), "language", None)
    return user_language if user_language in LANGUAGES else "fr"


def translated(message) -> str:
    """``message`` (a lazy string or a ServiceError) in the request's language."""
    with force_locale(language()):
        return str(message)


def field_errors(messages) -> str:
    """marshmallow's ``{"field": ["error"]}`` as one readable line."""
    if isinstance(messages, dict):
        parts = []
        for field, errors in messages.items():
            text = field_errors(errors)
            parts.append(text if field == "_schema"
                         else str(_l("%(field)s: %(error)s", field=field, error=text)))
        return "; ".join(parts)
    if isinstance(messages, list | tuple):
        return " ".join(field_errors(m) for m in messages)
    return str(messages)
