"""Réclamations: the global list, the complaint page and its actions."""

import logging
import os

from flask import (
    abort,
    current_app,
    flash,
    g,
    has_app_context,
    jsonify,
    redirect,
    request,
    url_for,
)
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload
from wtforms import DateTimeField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Optional

from app.domain.dates import check_date
from app.downloads import send_document
from app.extensions import db
from app.i18n import current_language
from app.models import (
    AppUser,
    Attachment,
    Client,
    Complaint,
    Contract,
    DocumentTemplate,
    GeneratedDocument,
    Reminder,
    State,
    Team,
)
from app.reader import (
    VisibleComplaints,
    current_reader,
    current_writer,
    visible_condition,
)
from app.services import (
    access_log,
    classification,
    deadlines,
    deletion,
    export_jobs,
    exports,
    followup,
    letters,
    messages,
    outbox,
    pdf,
    satisfaction,
    scope_changes,
    sms_outbox,
)
from app.services import attachments as attachment_service
from app.services import complaints as complaint_service
from app.services import custom_fields as custom_field_service
from app.services import merge as merge_service
from app.services.clock import to_local, to_utc, utcnow
from app.services.exceptions import ServiceError
from app.services.settings import get_setting
from app.views import custom_field_filters, custom_field_forms
from app.views.base import MALFORMED_ARGS, AppModelView, DateInRange, parse_id
from app.views.base import _is_malformed as is_malformed
from app.views.custom_fields import complaint_values
from app.views.datamodel import ListInterface
from app.views.duplicates import duplicate_context, warn_of_duplicates
from app.views.durations import duration
from app.views.exports import list_statement, send_workbook, temporary_workbook
from app.views.filters import URGENCY_CHOICES, FullTextFilter, UrgencyFilter
from app.views.formatting import (
    RowLinkFormatter,
    nowrap_datetime,
    nowrap_text,
    number,
    overdue_reminder_badge,
    urgency_badge,
)
from app.views.forms import (
    BOOTSTRAP,
    client_field,
    client_from_args,
    contract_field,
    email_field,
    phone_field,
    required,
)
from app.views.history import describe_events
from app.views.labels import COMPLAINT_LABELS, SATISFACTION_CHOICES
from app.views.outbox import status_badge
from app.views.return_to import came_from, list_to_return_to, path_of, remember_list

logger = logging.getLogger(__name__)
LOOKUP_LIMIT = 20


def _get(model, raw):
    """The row whose id was posted, or None for an empty or malformed id."""
    pk = parse_id(raw)
    return db.session.get(model, pk) if pk else None


def _received_at_field():
    # InputRequired, not DataRequired: the latter replaces "Not a valid datetime value"
    # with "This field is required." when something unparsable was typed.
    return DateTimeField(_l("Received at"),
                         [InputRequired(message=_l("This field is required.")),
                          DateInRange()],
                         format="%Y-%m-%d %H:%M",
                         default=lambda: to_local(utcnow()).replace(second=0, microsecond=0),
                         description=_l("Local time, YYYY-MM-DD HH:MM"),
                         render_kw=BOOTSTRAP)


QUALIFICATION = ["request_type", "channel", "category", "severity", "complexity"]
FORM_FIELDSETS = [
    (_l("Client"), {"fields": ["client", "contract", "complainant_name", "complainant_email",
                               "complainant_phone", "complainant_address", "order_number"]}),
    (_l("Complaint"), {"fields": ["received_at", *QUALIFICATION, "subject", "description",
                                  "confidential"]}),
    (_l("Processing"), {"fields": ["state", "team", "assignee"]}),
    (_l("Resolution"), {"fields": ["resolution", "resolution_type", "corrective_actions",
                                   "satisfaction", "satisfaction_rating"],
                        "expanded": False}),
]
FORM_COLUMNS = [f for _, spec in FORM_FIELDSETS for f in spec["fields"]]


class ComplaintView(AppModelView):
    datamodel = ListInterface(Complaint, eager=("client", "state", "category", "assignee"),
                              deferred=("description", "resolution", "corrective_actions",
                                        "complainant_address"),
                              extra_conditions=lambda: custom_field_filters.conditions(
                                  db.session, request.args))
    route_base = "/complaints"
    list_title = _l("Complaints")
    show_title = _l("Complaint")
    add_title = _l("New complaint")
    edit_title = _l("Edit complaint")
    label_columns = COMPLAINT_LABELS
    list_columns = ["tracking_number", "received_at", "client", "subject", "category",
                    "state", "assignee", "due_at", "urgency", "has_overdue_reminder"]
    order_columns = ["tracking_number", "received_at", "due_at"]
    base_order = ("received_at", "desc")
    search_columns = ["tracking_number", "received_at", "request_type", "channel",
                      "category", "severity", "complexity", "state", "team", "assignee",
                      "confidential", "sector", "agency", "analytic_code", "resolution_type",
                      "answered_at", "due_at", "urgency", "subject", "complainant_email",
                      "order_number"]
    search_form_extra_fields = {"urgency": SelectField(_l("Urgency"), choices=URGENCY_CHOICES)}
    add_columns = FORM_COLUMNS
    edit_columns = FORM_COLUMNS
    add_fieldsets = FORM_FIELDSETS
    edit_fieldsets = FORM_FIELDSETS
    formatters_columns = {
        "received_at": nowrap_datetime,
        "due_at": nowrap_datetime,
        "state": nowrap_text,
        "urgency": urgency_badge,
        "has_overdue_reminder": overdue_reminder_badge,
        "tracking_number": RowLinkFormatter("/complaints/show/"),
    }
    add_form_extra_fields = {
        "client": client_field("/complaints/lookup/clients", default=client_from_args),
        "contract": contract_field("/complaints/lookup/contracts"),
        "received_at": _received_at_field(),
        "complainant_email": email_field(_l("Complainant email")),
        "complainant_phone": phone_field(_l("Complainant phone"), description=_l(
            "Without an email address, the complainant is kept informed by SMS.")),
        "satisfaction": SelectField(_l("Complainant satisfied"), choices=SATISFACTION_CHOICES,
                                    default="unknown", render_kw=BOOTSTRAP),
        "description": TextAreaField(_l("Description"), [Optional()],
                                     render_kw={**BOOTSTRAP, "rows": 5}),
    }
    edit_form_extra_fields = {k: v for k, v in add_form_extra_fields.items()}
    validators_columns = {"state": required(), "complexity": required()}
    # Only active reference items are offered; the lists are small, users are few.
    add_form_query_rel_fields = {
        name: [["active", FilterEqual, True]]
        for name in [*QUALIFICATION, "state", "team", "resolution_type"]
    }
    edit_form_query_rel_fields = add_form_query_rel_fields
    show_template = "complaints/show.html"
    list_template = "complaints/list.html"
    # Every read and FAB's own show/edit/delete lookups: only what the reader may see.
    base_filters = [["id", VisibleComplaints, None]]
    method_permission_name = {
        "list": "list", "show": "show", "add": "add", "edit": "edit", "delete": "delete",
        "change_state": "edit", "assign": "assign", "add_note": "edit",
        "add_reminder": "edit", "complete_reminder": "edit",
        "lookup_clients": "show", "lookup_contracts": "show",
        "generate_letter": "edit", "download_letter": "show", "export": "list",
        "add_attachments": "edit", "download_attachment": "show",
        "remove_attachment": "edit", "send_message": "edit", "mark_messages_read": "show",
        "merge": "edit", "accept_suggestion": "edit",
    }

    def _init_properties(self):
        super()._init_properties()
        # Urgency is derived, not a column: FAB gets its filter here, and the search
        # form's "urgency" select (above) as the value widget.
        urgency = [UrgencyFilter("urgency", self.datamodel)]
        self._filters._search_filters["urgency"] = urgency
        self._filters._all_filters["urgency"] = urgency
        # The subject's "contains" (third, as in FAB) searches the full-text index instead.
        words = FullTextFilter("subject", self.datamodel)
        for filters in (self._filters._search_filters, self._filters._all_filters):
            filters["subject"] = [words if f.arg_name == "ct" else f for f in filters["subject"]]

    # --- custom fields: the forms get them on each request (app/views/custom_field_forms)

    @property
    def add_form(self):
        return custom_field_forms.extend_form(db.session, self.__dict__.get("_add_form"))

    @add_form.setter
    def add_form(self, form):
        self._add_form = form

    @property
    def edit_form(self):
        return custom_field_forms.extend_form(db.session, self.__dict__.get("_edit_form"))

    @edit_form.setter
    def edit_form(self, form):
        self._edit_form = form

    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        widgets = widgets or {}
        widgets["add"] = self.add_widget(
            form=form, include_cols=self.add_columns, exclude_cols=exclude_cols or [],
            fieldsets=custom_field_forms.with_fieldset(self.add_fieldsets, form))
        return widgets

    def _get_edit_widget(self, form, exclude_cols=None, widgets=None):
        widgets = widgets or {}
        widgets["edit"] = self.edit_widget(
            form=form, include_cols=self.edit_columns, exclude_cols=exclude_cols or [],
            fieldsets=custom_field_forms.with_fieldset(self.edit_fieldsets, form))
        return widgets

    def _get_list_widget(self, filters, **kwargs):
        remember_list()  # the way back from a complaint opened here (app/views/return_to)
        widgets = super()._get_list_widget(filters, **kwargs)
        custom_field_filters.add_list_columns(db.session, widgets["list"])
        widgets["custom_filters"] = custom_field_filters.filter_inputs(db.session,
                                                                       request.args)
        return widgets

    def process_form(self, form, is_created):
        g.custom_field_values = custom_field_forms.take_values(db.session, form)

    # --- FAB hooks: one service call each ----------------------------------------------

    def pre_add(self, item):
        item.received_at = to_utc(item.received_at)
        scope_changes.check_complaint_write(db.session, current_writer(), item)
        try:  # it flushes; FAB flashes str(exc), which would show the SQL and its values
            complaint_service.stage_new_complaint(db.session, item, actor=g.user)
            custom_field_service.stage_values(db.session, item, _posted_custom_values(),
                                              actor=g.user)
        except SQLAlchemyError:
            db.session.rollback()
            logger.exception("could not register a complaint")
            raise RuntimeError(str(self.database_error_message)) from None

    def pre_update(self, item):
        item.received_at = to_utc(item.received_at)
        complaint_service.stage_update(db.session, item, actor=g.user)
        # After staging: a contract chosen alone gives the complaint its client.
        scope_changes.check_complaint_write(db.session, current_writer(), item)
        custom_field_service.stage_values(db.session, item, _posted_custom_values(),
                                          actor=g.user, complete=False)

    def pre_delete(self, item):
        deletion.stage_deletion(db.session, item, g.user, config=current_app.config)

    def post_add(self, item):
        g.saved_complaint = item
        if item.confidential and not current_reader().sees_confidential:
            flash(_("This complaint is confidential: only people with confidential access "
                    "can see it from now on."), "warning")
        warn_of_duplicates(item)

    def post_update(self, item):
        g.saved_complaint = item

    def post_delete(self, item):
        g.deleted_complaint = item.tracking_number

    # FAB flashes these after a save and a deletion (and reads every attribute of the
    # view when it registers it, outside any request): the complaint's own number.
    @property
    def add_row_message(self):
        saved = g.get("saved_complaint") if has_app_context() else None
        return _("Complaint %(number)s saved.", number=saved.tracking_number) if saved \
            else ModelView.add_row_message

    @property
    def delete_row_message(self):
        number = g.get("deleted_complaint") if has_app_context() else None
        return _("Complaint %(number)s deleted.", number=number) if number \
            else ModelView.delete_row_message

    def prefill_form(self, form, pk):
        form.received_at.data = to_local(form.received_at.data)
        custom_field_forms.prefill(db.session, form, pk)

    def post_add_redirect(self):
        """The complaint's page once saved, new or edited (unless its author may no longer
        see it: made confidential, moved out of their scope: then the list they came
        from); when it was not saved, the page the form was opened from."""
        item = g.pop("saved_complaint", None)
        if item is None:
            return redirect(self.get_redirect())
        if self._visible(item.id):
            return redirect(url_for("ComplaintView.show", pk=item.id))
        return redirect(list_to_return_to())

    post_edit_redirect = post_add_redirect

    def post_delete_redirect(self):
        """Deleted: back to the list the user came from (its page is gone). Refused: back
        to the page that asked, which says why."""
        if g.pop("deleted_complaint", None) is not None:
            return redirect(list_to_return_to())
        return redirect(path_of(request.referrer) or url_for("ComplaintView.list"))

    # --- the complaint page -------------------------------------------------------------

    @expose("/show/<int:pk>")
    @has_access
    def show(self, pk):
        complaint = self._get_or_404(pk)
        session = db.session
        access_log.record_consultation(session, complaint, g.user)
        self.update_redirect()  # as FAB's show: the language switch and "back" return here
        users = _active_users(session)
        return self.render_template(
            self.show_template,
            complaint=complaint,
            labels=COMPLAINT_LABELS,
            next_states=complaint_service.allowed_next_states(session, complaint),
            history=describe_events(session, complaint.events, current_reader()),
            custom_values=complaint_values(session, complaint),
            teams=session.scalars(select(Team).where(Team.active.is_(True))
                                  .order_by(Team.name)).all(),
            users=users,
            reminder_users=followup.who_may_see(session, complaint, users),
            now=utcnow(),
            deadline=deadlines.explain_deadline(session, complaint, utcnow()),
            duration=duration,
            can_assign=self._can("assign"),
            can_edit=self._can("edit"),
            can_delete=self._can("delete"),
            delete_blockers=deletion.deletion_blockers(session, complaint),
            emails=outbox.emails_of(session, complaint),
            sms=sms_outbox.sms_of(session, complaint),
            email_status=status_badge,
            letters=letters.documents_of(session, complaint),
            attachments=attachment_service.attachments_of(session, complaint),
            human_size=attachment_service.reader_size,
            can_remove_any=self._can("delete"),
            letter_templates=letters.active_templates(session) if self._can("edit") else [],
            letters_pdf=pdf.soffice_path(current_app.config) is not None,
            thread=messages.thread_of(session, complaint),
            unread_messages=messages.count_unread(session, complaint),
            surveys=satisfaction.surveys_of(session, complaint),
            response_templates=messages.response_templates(session) if self._can("edit")
            else [],
            title=complaint.tracking_number,
            back=came_from() or url_for("ComplaintView.list"),
            suggestion=classification.suggestion_of(session, complaint),
            **duplicate_context(session, complaint),
        )

    @expose("/<int:pk>/suggestion", methods=["POST"])
    @has_access
    def accept_suggestion(self, pk):
        """Accept the suggested category and request type in one click."""
        complaint = self._get_or_404(pk)
        self._run(classification.accept_suggestion, db.session, complaint, g.user,
                  success=_("Suggested classification accepted."))
        return self._back(pk)

    @expose("/<int:pk>/state", methods=["POST"])
    @has_access
    def change_state(self, pk):
        complaint = self._get_or_404(pk)
        target = _get(State, request.form.get("state_id"))
        if target is None:
            flash(_("Choose a state."), "danger")
        else:
            self._run(complaint_service.change_state, db.session, complaint, target,
                      actor=g.user, comment=request.form.get("comment") or None,
                      success=_("State changed to “%(state)s”.", state=target.label))
        return self._back(pk)

    @expose("/<int:pk>/assign", methods=["POST"])
    @has_access
    def assign(self, pk):
        complaint = self._get_or_404(pk)
        team = _get(Team, request.form.get("team_id"))
        user = _get(AppUser, request.form.get("assignee_id"))
        self._run(complaint_service.assign, db.session, complaint, team=team, assignee=user,
                  actor=g.user, success=_("Assignment saved."))
        return self._back(pk)

    @expose("/<int:pk>/merge", methods=["POST"])
    @has_access
    def merge(self, pk):
        """Merge this complaint into the one posted as ``target_id`` (app/services/merge.py)."""
        complaint = self._get_or_404(pk)
        target = db.session.scalars(select(Complaint).where(
            Complaint.id == (parse_id(request.form.get("target_id")) or 0),
            visible_condition())).first()
        if target is None:
            flash(_("This complaint was not found."), "danger")
            return self._back(pk)
        self._run(merge_service.merge_complaint, db.session, complaint, target, g.user,
                  current_reader(), success=_("%(number)s merged into %(target)s.",
                                              number=complaint.tracking_number,
                                              target=target.tracking_number))
        return self._back(target.id if complaint.merged_into_id else pk)

    @expose("/<int:pk>/notes", methods=["POST"])
    @has_access
    def add_note(self, pk):
        complaint = self._get_or_404(pk)
        self._run(followup.add_note, db.session, complaint, g.user,
                  request.form.get("body", ""), success=_("Note added."))
        return self._back(pk, "notes")

    @expose("/<int:pk>/reminders", methods=["POST"])
    @has_access
    def add_reminder(self, pk):
        complaint = self._get_or_404(pk)
        user = _get(AppUser, request.form.get("user_id"))
        remind_at = _parse_local(request.form.get("remind_at", ""))
        if remind_at is None:
            flash(_("Enter the reminder date as YYYY-MM-DD HH:MM."), "danger")
        else:
            self._run(followup.add_reminder, db.session, complaint, user, remind_at,
                      request.form.get("note"), g.user, success=_("Reminder set."))
        return self._back(pk, "reminders")

    @expose("/<int:pk>/reminders/<int:reminder_id>/done", methods=["POST"])
    @has_access
    def complete_reminder(self, pk, reminder_id):
        complaint = self._get_or_404(pk)
        reminder = db.session.get(Reminder, reminder_id)
        if reminder is None or reminder.complaint_id != complaint.id:
            abort(404)
        self._run(followup.complete_reminder, db.session, reminder, g.user,
                  success=_("Reminder done."))
        return self._back(pk, "reminders")

    @expose("/<int:pk>/letters", methods=["POST"])
    @has_access
    def generate_letter(self, pk):
        complaint = self._get_or_404(pk)
        template = _get(DocumentTemplate, request.form.get("template_id"))
        if template is None or not template.active:
            flash(_("Choose a letter template."), "danger")
            return self._back(pk, "documents")
        try:
            document = letters.generate_letter(
                db.session, complaint, template, g.user, config=current_app.config,
                pdf=request.form.get("format") == "pdf")
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return self._back(pk, "documents")
        return redirect(url_for("ComplaintView.download_letter", pk=pk, doc_id=document.id))

    @expose("/<int:pk>/letters/<int:doc_id>")
    @has_access
    def download_letter(self, pk, doc_id):
        complaint = self._get_or_404(pk)  # out of the reader's scope: 404
        document = db.session.get(GeneratedDocument, doc_id)
        if document is None or document.complaint_id != complaint.id:
            abort(404)
        return send_document(document.content, document.filename, document.mime_type)

    @expose("/<int:pk>/attachments", methods=["POST"])
    @has_access
    def add_attachments(self, pk):
        complaint = self._get_or_404(pk)
        limit = current_app.config["ATTACHMENT_MAX_BYTES"]
        # One byte past the limit is enough to refuse: never read an unbounded file.
        uploads = [attachment_service.Upload(f.filename, f.read(limit + 1))
                   for f in request.files.getlist("files") if f and f.filename]
        try:
            added = attachment_service.add_attachments(db.session, complaint, uploads, g.user,
                                                       current_app.config)
        except ServiceError as exc:
            flash(str(exc), "danger")  # the service rolled back: nothing was stored
        else:
            flash(_("%(n)s file(s) attached.", n=len(added)), "success")
        return self._back(pk, "documents")

    @expose("/<int:pk>/attachments/<int:att_id>")
    @has_access
    def download_attachment(self, pk, att_id):
        attachment = self._attachment_or_404(pk, att_id)
        try:
            content = attachment_service.content_of(db.session, attachment, current_app.config)
        except FileNotFoundError:
            logger.error("the file of attachment %s (%s) is missing from the %s store",
                         attachment.id, attachment.stored_name, attachment.storage)
            abort(404)
        response = send_document(content, attachment.original_name, attachment.content_type)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @expose("/<int:pk>/attachments/<int:att_id>/remove", methods=["POST"])
    @has_access
    def remove_attachment(self, pk, att_id):
        attachment = self._attachment_or_404(pk, att_id)
        name = attachment.original_name
        self._run(attachment_service.remove_attachment, db.session, attachment, g.user,
                  current_app.config, removes_any=self._can("delete"),
                  success=_("“%(name)s” removed.", name=name))
        return self._back(pk, "documents")

    @expose("/<int:pk>/messages", methods=["POST"])
    @has_access
    def send_message(self, pk):
        complaint = self._get_or_404(pk)
        limit = current_app.config["ATTACHMENT_MAX_BYTES"]
        uploads = [attachment_service.Upload(f.filename, f.read(limit + 1))
                   for f in request.files.getlist("files") if f and f.filename]
        if not (complaint.complainant_email or (complaint.client and complaint.client.email)):
            flash(_("This complaint has no email address to write to."), "danger")
            return self._back(pk, "messages")
        self._run(messages.send_message, db.session, complaint, g.user,
                  request.form.get("body", ""), uploads, current_app.config,
                  success=_("Message sent to the complainant."))
        return self._back(pk, "messages")

    @expose("/<int:pk>/messages/read", methods=["POST"])
    @has_access
    def mark_messages_read(self, pk):
        complaint = self._get_or_404(pk)
        messages.mark_thread_read(db.session, complaint, g.user)
        if request.headers.get("X-Requested-With") == "fetch":
            return "", 204
        return self._back(pk, "messages")

    def _attachment_or_404(self, pk, att_id):
        complaint = self._get_or_404(pk)  # out of the reader's scope: 404
        attachment = db.session.get(Attachment, att_id)
        if attachment is None or attachment.complaint_id != complaint.id:
            abort(404)
        return attachment

    # --- Excel export of the list, with the list's own filters and sort -----------------

    @expose("/export", methods=["POST"])
    @has_access
    def export(self):
        """Every row of the filtered list (the URL's query string) as a workbook; above
        EXPORT_BACKGROUND_ROWS rows the export is queued and lands in "My exports"."""
        language = current_language()
        time_zone = get_setting(db.session, "time_zone")
        try:
            base = list_statement(self, request.args)
            stmt = exports.complaints_statement(base, visible_condition(), language)
            db.session.commit()  # hold no write lock while the workbook is written
            with exports.read_only(db.engine) as connection:
                total = exports.count_rows(connection, stmt)
                if total <= current_app.config["EXPORT_BACKGROUND_ROWS"]:
                    path = temporary_workbook()
                    try:
                        exports.write_complaints(connection, stmt, path, utcnow(), language,
                                                 time_zone)
                    except BaseException:
                        os.unlink(path)
                        raise
                    return send_workbook(path, exports.complaints_filename(utcnow()))
        except MALFORMED_ARGS as exc:
            if not is_malformed(exc):
                raise  # the database is down: an error page, not "invalid filters"
            db.session.rollback()
            flash(_("Some filters of this address were invalid and have been removed."),
                  "warning")
            return redirect(url_for("ComplaintView.list"))
        # The job keeps its compiled statement: the scheduler never reads this view.
        params = export_jobs.complaints_params(db.session.connection(), base,
                                               visible_condition(), language, time_zone)
        export_jobs.request_export(db.session, g.user, "complaints",
                                   {"args": request.args.to_dict(flat=False), **params},
                                   language, total=total)
        flash(_("This export has %(n)s rows: it is being prepared in the background. "
                "Download it from “My exports” when it is ready.", n=number(total)), "info")
        return redirect(url_for("MyExportView.index"))

    # --- ajax lookups for the form -------------------------------------------------------

    @expose("/lookup/clients")
    @has_access
    def lookup_clients(self):
        term = request.args.get("q", "").strip()
        stmt = select(Client).order_by(Client.name).limit(LOOKUP_LIMIT)
        if term:
            pattern = f"{term}%"
            stmt = stmt.where(or_(Client.name.ilike(pattern),
                                  Client.customer_number.ilike(pattern)))
        return jsonify(results=[{"id": c.id, "text": str(c)} for c in db.session.scalars(stmt)])

    @expose("/lookup/contracts")
    @has_access
    def lookup_contracts(self):
        client_id = parse_id(request.args.get("client_id"))
        if not client_id:
            return jsonify(results=[])
        term = request.args.get("q", "").strip()
        stmt = (select(Contract).where(Contract.client_id == client_id)
                .order_by(Contract.number).limit(LOOKUP_LIMIT))
        if term:
            stmt = stmt.where(or_(Contract.number.ilike(f"{term}%"),
                                  Contract.label.ilike(f"%{term}%")))
        return jsonify(results=[{"id": c.id, "text": str(c)} for c in db.session.scalars(stmt)])

    # --- helpers ------------------------------------------------------------------------

    def _get_or_404(self, pk):
        """The complaint, or 404 — the same answer whether it does not exist or is out of
        the reader's scope, so a URL reveals nothing."""
        complaint = db.session.scalars(
            select(Complaint).where(Complaint.id == pk, visible_condition())).first()
        if complaint is None:
            abort(404)
        return complaint

    def _visible(self, pk) -> bool:
        return db.session.scalar(select(Complaint.id).where(
            Complaint.id == pk, visible_condition())) is not None

    def _can(self, permission):
        return self.appbuilder.sm.has_access(f"can_{permission}", self.class_permission_name)

    def _run(self, action, *args, success, **kwargs):
        try:
            action(*args, **kwargs)
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            flash(success, "success")

    def _back(self, pk, tab=None):
        url = url_for("ComplaintView.show", pk=pk)
        return redirect(f"{url}#{tab}" if tab else url)


def _posted_custom_values() -> dict:
    """What process_form took out of the posted form (nothing for a form without them)."""
    return g.pop("custom_field_values", None) or {}


def _active_users(session):
    return session.scalars(select(AppUser).where(AppUser.active.is_(True))
                           .options(selectinload(AppUser.roles))
                           .order_by(AppUser.first_name, AppUser.last_name)).all()


def _parse_local(raw: str):
    from datetime import datetime

    raw = raw.strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return check_date(to_utc(datetime.strptime(raw, fmt), current_app.config[
                "BABEL_DEFAULT_TIMEZONE"]))
        except (ValueError, OverflowError):  # OverflowError: year 1 in UTC is year 0;
            continue  # ValueError: DateOutOfRange too (app.domain.dates)
    return None
