"""``GET /calendar/<secret>.ics``: a user's private calendar feed (app/services/calendar.py).

No sign-in (a calendar application cannot sign in): the secret in the address is the
key. An unknown, revoked or malformed secret, or an inactive user, is a 404 that says
nothing more. Titles are in the user's language; nothing is cached along the way."""

from flask import Blueprint, abort, current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.services import calendar
from app.services.clock import utcnow

bp = Blueprint("calendar_feed", __name__)


@bp.get("/calendar/<token>.ics")
def feed(token):
    user = calendar.user_for_token(db.session, token)
    if user is None:
        abort(404)
    language = user.language or current_app.config.get("BABEL_DEFAULT_LOCALE") or "fr"
    with force_locale(language):
        words = {"reminder": _("reminder"), "deadline": _("response deadline"),
                 "calendar": _("Complaints — %(name)s", name=str(user))}
    body = calendar.build_feed(
        db.session, user, words,
        lambda pk: url_for("ComplaintView.show", pk=pk, _external=True), utcnow(),
        host=current_app.config.get("SERVER_NAME") or "reclamations")
    db.session.rollback()  # a read: nothing to keep
    return body, 200, {"Content-Type": "text/calendar; charset=utf-8",
                       "Cache-Control": "private, no-store",
                       "Content-Disposition": 'inline; filename="reclamations.ics"'}
