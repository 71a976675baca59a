"""``POST /api/v1/public/complaints``: the portal's form as JSON, for a website to embed.

No account and no CSRF token (a cross-site form post creates nothing a visitor could not
create themselves), the same validation and the same per-address limit as the form. The
answer comes as soon as the submission is kept with its tracking number; the scheduler
registers it as a complaint (and sends the confirmation email) within seconds
(app/services/submissions.py).
"""

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from app.extensions import db
from app.i18n import current_language
from app.public import forms
from app.services import portal, submissions
from app.services.exceptions import ServiceError

bp = Blueprint("public_api", __name__, url_prefix="/api/v1/public")


@bp.post("/complaints")
def create_complaint():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(message=_("Send a JSON object.")), 400
    if forms.is_bot(data):
        return jsonify(message=_("Your request could not be sent.")), 400
    language = data.get("language") if data.get("language") in ("fr", "en") \
        else current_language()
    fields = {name: data.get(name) for name in forms.FIELDS}
    try:
        number = submissions.accept_submission(db.session, fields, language=language)
    except portal.SubmissionInvalid as exc:
        return jsonify(message=str(exc), errors=exc.errors), 400
    except ServiceError as exc:
        return jsonify(message=str(exc)), 400
    return jsonify(tracking_number=number), 201
