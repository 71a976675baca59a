"""Request-level glue: template helpers, guarding FAB's list arguments, saved language."""

import logging
import re
from urllib.parse import urlencode

from flask import flash, g, redirect, request
from flask_babel import gettext as _

from app.extensions import db
from app.i18n import current_language
from app.views.formatting import local_date, local_datetime, urgency_badge

logger = logging.getLogger(__name__)

# FAB turns these list arguments into integers without checking them.
_INT_ARGS = re.compile(r"^(page_|psize_)")


def register_web(app):
    app.jinja_env.globals.update(
        current_language=current_language,
        local_datetime=local_datetime,
        local_date=local_date,
        urgency_badge=urgency_badge,
    )
    app.before_request(_reject_malformed_list_args)
    app.before_request(_remember_language)


def _reject_malformed_list_args():
    bad = [k for k, v in request.args.items() if _INT_ARGS.match(k) and not v.isdigit()]
    if not bad:
        return None
    flash(_("Ignored an invalid page number."), "warning")
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in bad]
    query = urlencode(args)
    return redirect(request.path + (f"?{query}" if query else ""))


def _remember_language():
    """Switching language while signed in also saves it on the user's account."""
    if request.endpoint != "LocaleView.index":
        return
    user = getattr(g, "user", None)
    locale = (request.view_args or {}).get("locale")
    if user is not None and user.is_authenticated and locale in ("fr", "en"):
        user.language = locale
        db.session.commit()
