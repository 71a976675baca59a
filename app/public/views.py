"""Portal pages: the form, the confirmation, tracking (form, signed link, reply, files)
and "my requests"."""

import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from app.downloads import send_document
from app.extensions import db
from app.i18n import current_language
from app.public import forms
from app.services import attachments, links, merge, messages, notifications, portal
from app.services.clock import utcnow
from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)
bp = Blueprint("public", __name__, url_prefix="/public")


def public_config() -> dict:
    """The attachment limits of the portal: at most PUBLIC_MAX_FILES files (5)."""
    config = dict(current_app.config)
    config["ATTACHMENT_MAX_FILES"] = min(config.get("PUBLIC_MAX_FILES") or 5,
                                         config["ATTACHMENT_MAX_FILES"])
    return config


def _max_age() -> int:
    return current_app.config.get("PUBLIC_LINK_MAX_AGE_DAYS") or 90


@bp.get("/")
def index():
    return redirect(url_for("public.complaint_form"))


@bp.route("/complaint", methods=["GET", "POST"])
def complaint_form():
    session = db.session
    offered = portal.choices(session)
    values, errors, problem = {}, {}, None
    if request.method == "POST":
        values = forms.form_data()
        if forms.is_bot(request.form):
            logger.info("portal: honeypot filled from %s", request.remote_addr)
            problem = _("Your request could not be sent.")
        else:
            try:
                complaint = portal.submit_complaint(
                    session, values, forms.uploads(), public_config(),
                    language=current_language())
            except portal.SubmissionInvalid as exc:
                errors, problem = exc.errors, str(exc)
            except ServiceError as exc:  # a refused file: nothing was stored
                # Shown next to the file field too, and linked from the summary.
                errors = {"files": str(exc)}
                problem = _("Please correct the fields marked below.")
            else:
                token = links.track_token(current_app.config["SECRET_KEY"], complaint)
                return redirect(url_for("public.confirmation", token=token))
    # Refused: the form again (200, as any form page), with the reasons.
    return render_template("public/complaint_form.html", choices=offered, values=values,
                           errors=errors, problem=problem,
                           max_files=public_config()["ATTACHMENT_MAX_FILES"],
                           max_size=attachments.reader_size(
                               current_app.config["ATTACHMENT_MAX_BYTES"]))


@bp.get("/confirmation/<token>")
def confirmation(token):
    complaint = _complaint_of(token)
    return render_template("public/confirmation.html", complaint=complaint,
                           track_url=url_for("public.track_page", token=token))


@bp.route("/track", methods=["GET", "POST"])
def track():
    problem, values = None, {}
    if request.method == "POST":
        values = {"tracking_number": request.form.get("tracking_number", ""),
                  "email": request.form.get("email", "")}
        complaint = portal.find_complaint(db.session, values["tracking_number"],
                                          values["email"])
        if complaint is not None:
            token = links.track_token(current_app.config["SECRET_KEY"], complaint)
            return redirect(url_for("public.track_page", token=token))
        problem = _("No request matches this tracking number and email address.")
    return render_template("public/track_form.html", values=values, problem=problem)


@bp.get("/track/<token>")
def track_page(token):
    complaint = _complaint_of(token)
    return _render_track(token, complaint)


@bp.post("/track/<token>/reply")
def reply(token):
    complaint = _complaint_of(token)
    if complaint.merged_into_id:  # the thread went on elsewhere: the page says where
        return _render_track(token, complaint, problem=_("This request was merged with "
                                                         "another one: write to us there."))
    try:
        messages.receive_message(db.session, complaint, request.form.get("body", ""),
                                 forms.uploads(), public_config(),
                                 sender=complaint.complainant_email, source="portal")
    except ServiceError as exc:
        return _render_track(token, complaint, problem=str(exc),
                             body=request.form.get("body", ""))
    return redirect(url_for("public.track_page", token=token, sent=1) + "#thread")


@bp.get("/track/<token>/files/<int:file_id>")
def download(token, file_id):
    complaint = _complaint_of(token)
    attachment = portal.attachment_of(db.session, complaint, file_id)
    if attachment is None:
        abort(404)
    try:
        content = attachments.content_of(db.session, attachment, current_app.config)
    except FileNotFoundError:
        abort(404)
    return send_document(content, attachment.original_name, attachment.content_type)


@bp.route("/requests", methods=["GET", "POST"])
def requests_form():
    sent = False
    if request.method == "POST":
        email = (request.form.get("email") or "").strip().lower()[:320]
        # Sent only when the address has requests; the page (and the work) the same
        # either way, so the form tells nobody whether an address has requests.
        if email:
            known = bool(portal.complaints_of_email(db.session, email))
            notifications.notify_requests_link(db.session, email, current_language(),
                                               utcnow(), known=known)
            db.session.commit()
        sent = True
    return render_template("public/requests_form.html", sent=sent)


@bp.get("/requests/<token>")
def my_requests(token):
    payload = links.read_token(current_app.config["SECRET_KEY"], links.REQUESTS, token,
                               _max_age())
    if not isinstance(payload, dict) or not payload.get("e"):
        return _expired()
    items = portal.complaints_of_email(db.session, payload["e"])
    secret = current_app.config["SECRET_KEY"]
    for item in items:
        item["token"] = links.make_token(secret, links.TRACK,
                                         {"c": item["id"], "e": payload["e"]})
    return render_template("public/requests.html", items=items, email=payload["e"])


def _complaint_of(token):
    payload = links.read_token(current_app.config["SECRET_KEY"], links.TRACK, token,
                               _max_age())
    complaint = portal.complaint_for_link(db.session, payload)
    if complaint is None:
        abort(_expired())
    return complaint


def _expired():
    page = render_template("public/message.html", title=_("Link not valid"),
                           text=_("This link is not valid or has expired. Find your "
                                  "request with its tracking number and your email "
                                  "address."))
    return current_app.response_class(page, status=404)


def _render_track(token, complaint, problem=None, body=""):
    notice = merge.public_notice(db.session, complaint)
    target = notice and notice["target"]
    return render_template("public/track.html", token=token,
                           view=portal.public_view(db.session, complaint),
                           merged=notice, merged_number=target.tracking_number if target else None,
                           merged_token=links.track_token(current_app.config["SECRET_KEY"],
                                                          target) if target else None,
                           problem=problem, body=body, sent=request.args.get("sent"),
                           max_files=public_config()["ATTACHMENT_MAX_FILES"])
