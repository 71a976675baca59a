"""Configuration → Letterhead logo (admins): upload, preview and remove the image that
the letters print as ``{{ logo }}``."""

import io

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app.domain import files
from app.extensions import db
from app.services import letterhead
from app.services.exceptions import ServiceError


class LetterheadView(BaseView):
    route_base = "/config/logo"
    default_view = "index"
    base_permissions = ["can_index", "can_upload", "can_remove"]
    method_permission_name = {"index": "index", "image": "index", "upload": "upload",
                              "remove": "remove"}

    @expose("/")
    @has_access
    def index(self):
        logo = letterhead.logo_bytes(db.session, current_app.config)
        return self.render_template(
            "letters/logo.html", has_logo=logo is not None, title=_("Letterhead logo"),
            max_kb=current_app.config["LOGO_MAX_BYTES"] // 1024)

    @expose("/image")
    @has_access
    def image(self):
        logo = letterhead.logo_bytes(db.session, current_app.config)
        if logo is None:
            abort(404)
        response = send_file(io.BytesIO(logo), mimetype=files.sniff(logo), max_age=0)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @expose("/", methods=["POST"])
    @has_access
    def upload(self):
        upload = request.files.get("logo")
        if upload is None or not upload.filename:
            flash(_("Choose a PNG or JPEG image."), "danger")
            return redirect(url_for("LetterheadView.index"))
        data = upload.read(current_app.config["LOGO_MAX_BYTES"] + 1)
        try:
            letterhead.set_logo(db.session, data, current_app.config)
        except ServiceError as exc:
            flash(str(exc), "danger")
        else:
            flash(_("Logo saved: the letters generated from now on print it."), "success")
        return redirect(url_for("LetterheadView.index"))

    @expose("/remove", methods=["POST"])
    @has_access
    def remove(self):
        letterhead.remove_logo(db.session, current_app.config)
        flash(_("Logo removed."), "success")
        return redirect(url_for("LetterheadView.index"))
