"""Letter templates for admins (upload, checked; placeholder help page) and the download
of a stored DOCX. Generating a letter is an action of the complaint page."""


from flask import abort, current_app, flash, g, request
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import SelectField

from app.domain.letters import PLACEHOLDERS
from app.downloads import send_document
from app.extensions import db
from app.models import DocumentTemplate
from app.services import letters
from app.services.clock import utcnow
from app.services.exceptions import ServiceError
from app.views.base import AppModelView
from app.views.formatting import local_datetime
from app.views.forms import BOOTSTRAP

PURPOSE_LABELS = {"acknowledgement": _l("Acknowledgement of receipt"), "answer": _l("Answer"),
                  "closure": _l("Closure"), "other": _l("Other")}
LANGUAGE_LABELS = {"fr": _l("French"), "en": _l("English")}
PLACEHOLDER_LABELS = {
    "logo": _l("Organisation logo, an image (Configuration → Letterhead logo); prints "
               "nothing when there is none. Put it in a paragraph of its own."),
    "organisation_name": _l("Organisation name (Settings)"),
    "organisation_address": _l("Organisation address (Settings)"),
    "date": _l("Date of the letter, in the template's language"),
    "tracking_number": _l("Tracking number"),
    "complainant_name": _l("Complainant's name (or the client's)"),
    "complainant_address": _l("Complainant's address (or the client's)"),
    "client_name": _l("Client"),
    "received_date": _l("Date the complaint was received"),
    "subject": _l("Subject"),
    "description": _l("Description"),
    "resolution": _l("Resolution"),
    "agent_name": _l("Name of the person generating the letter (signature)"),
}
FORM_COLUMNS = ["name", "purpose", "language", "active", "file"]


def _uploaded_bytes():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, None
    # One byte over the limit is enough to refuse; never read an unbounded upload.
    return upload.read(letters.MAX_TEMPLATE_BYTES + 1), upload.filename


class DocumentTemplateView(AppModelView):
    datamodel = SQLAInterface(DocumentTemplate)
    route_base = "/lettertemplates"
    list_title = _l("Letter templates")
    show_title = _l("Letter template")
    add_title = _l("New letter template")
    edit_title = _l("Edit letter template")
    list_template = "letters/template_list.html"
    list_columns = ["name", "purpose", "language", "active", "filename", "uploaded_by",
                    "uploaded_at"]
    show_columns = list_columns
    add_columns = edit_columns = FORM_COLUMNS
    search_columns = ["name", "purpose", "language", "active"]
    base_order = ("name", "asc")
    label_columns = {
        "name": _l("Name"), "purpose": _l("Purpose"), "language": _l("Language"),
        "active": _l("Active"), "filename": _l("File"), "file": _l("Word file (.docx)"),
        "uploaded_by": _l("Uploaded by"), "uploaded_at": _l("Uploaded at"),
    }
    formatters_columns = {
        "purpose": lambda v: PURPOSE_LABELS.get(v, v),
        "language": lambda v: LANGUAGE_LABELS.get(v, v),
        "uploaded_at": local_datetime,
    }
    add_form_extra_fields = {
        "purpose": SelectField(_l("Purpose"), choices=list(PURPOSE_LABELS.items()),
                               render_kw=BOOTSTRAP),
        "language": SelectField(_l("Language"), choices=list(LANGUAGE_LABELS.items()),
                                render_kw=BOOTSTRAP),
        "file": FileField(_l("Word file (.docx)"),
                          description=_l("Checked on upload: see the placeholders page.")),
    }
    edit_form_extra_fields = add_form_extra_fields
    method_permission_name = {
        "list": "list", "show": "show", "add": "add", "edit": "edit", "delete": "delete",
        "placeholders": "list", "download_file": "show",
    }

    def pre_add(self, item):
        if not self._store_upload(item):
            raise ServiceError(_l("Choose a Word file (.docx)."))

    def pre_update(self, item):
        self._store_upload(item)

    def _store_upload(self, item) -> bool:
        data, filename = _uploaded_bytes()
        if data is None:
            return False
        if len(data) > letters.MAX_TEMPLATE_BYTES:
            raise letters.TooLarge()
        warnings = letters.validate_template(
            data, letters.RenderLimits.from_config(current_app.config))
        item.content, item.filename = data, filename[-255:]
        item.uploaded_by_id, item.uploaded_at = g.user.id, utcnow()
        if warnings:
            flash(_("Unknown placeholders (they will print nothing): %(names)s",
                    names=", ".join(warnings)), "warning")
        return True

    @expose("/placeholders/")
    @has_access
    def placeholders(self):
        rows = [(name, PLACEHOLDER_LABELS.get(name, ""), example)
                for name, example in PLACEHOLDERS.items()]
        return self.render_template("letters/placeholders.html", rows=rows,
                                    title=_("Letter placeholders"))

    @expose("/file/<int:pk>")
    @has_access
    def download_file(self, pk):
        template = db.session.get(DocumentTemplate, pk)
        if template is None:
            abort(404)
        return send_document(template.content, template.filename, letters.DOCX_MIME)
