"""Clients: list, and the client page with tabs Réclamations, Contrats, Historique."""

from flask import abort, g, has_request_context, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectField

from app.extensions import db
from app.models import Client, Complaint, Contract, Event
from app.models.base import id_of
from app.reader import current_reader, current_writer, visible_condition
from app.services import deletion, letters, scope_changes
from app.services.complaint_summaries import document_counts
from app.services.followup import overdue_reminder_counts
from app.views.base import AppModelView, parse_id
from app.views.formatting import local_date, local_datetime
from app.views.forms import (
    BOOTSTRAP,
    client_field,
    client_from_args,
    email_field,
    phone_field,
    required,
)
from app.views.history import describe_events
from app.views.labels import CLIENT_KINDS, CLIENT_LABELS, COMPLAINT_LABELS, CONTRACT_LABELS
from app.views.return_to import remember_list

TAB_LIMIT = 100
OWNER = "portfolio_owner"


def _without(form_class, name):
    """``form_class`` without its field ``name`` (WTForms drops a field set to None)."""
    return type(form_class.__name__, (form_class,), {name: None})


def _posted_owner(item):
    """The portfolio owner an add or edit form asks for: the posted one (even when the
    form does not offer the field: a hand-made post is refused, not ignored), else the
    item's."""
    if OWNER in request.form:
        return parse_id(request.form.get(OWNER))
    return id_of(item.portfolio_owner)


class ClientView(AppModelView):
    datamodel = SQLAInterface(Client)
    route_base = "/clients"
    list_title = _l("Clients")
    show_title = _l("Client")
    add_title = _l("New client")
    edit_title = _l("Edit client")
    label_columns = CLIENT_LABELS
    list_columns = ["customer_number", "name", "kind", "email", "phone", "sector", "agency",
                    "analytic_code", "portfolio_owner"]
    search_columns = ["customer_number", "name", "email", "kind", "sector", "agency",
                      "analytic_code", "portfolio_owner"]
    add_columns = ["customer_number", "name", "kind", "email", "phone", "address", "sector",
                   "agency", "analytic_code", "portfolio_owner"]
    edit_columns = add_columns
    order_columns = ["customer_number", "name"]
    base_order = ("name", "asc")
    formatters_columns = {"kind": lambda v: dict(CLIENT_KINDS).get(v, v)}
    add_form_extra_fields = {
        "kind": SelectField(_l("Kind"), choices=CLIENT_KINDS, default="person",
                            render_kw=BOOTSTRAP),
        "email": email_field(_l("Email")),
        "phone": phone_field(_l("Phone")),
    }
    edit_form_extra_fields = add_form_extra_fields
    validators_columns = {"customer_number": required(), "name": required()}
    add_form_query_rel_fields = {
        "sector": [["active", FilterEqual, True]],
        "agency": [["active", FilterEqual, True]],
        "portfolio_owner": [["active", FilterEqual, True]],
    }
    edit_form_query_rel_fields = add_form_query_rel_fields
    show_template = "clients/show.html"

    # --- the portfolio owner: only for people allowed to assign (scope_changes) ----------

    @property
    def add_form(self):
        return self._offered(self.__dict__.get("_add_form"))

    @add_form.setter
    def add_form(self, form):
        self._add_form = form

    @property
    def edit_form(self):
        return self._offered(self.__dict__.get("_edit_form"))

    @edit_form.setter
    def edit_form(self, form):
        self._edit_form = form

    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        widgets = widgets or {}
        widgets["add"] = self.add_widget(form=form, include_cols=self._shown(self.add_columns),
                                         exclude_cols=exclude_cols or [])
        return widgets

    def _get_edit_widget(self, form, exclude_cols=None, widgets=None):
        widgets = widgets or {}
        widgets["edit"] = self.edit_widget(form=form,
                                           include_cols=self._shown(self.edit_columns),
                                           exclude_cols=exclude_cols or [])
        return widgets

    def pre_add(self, item):
        scope_changes.check_client_write(db.session, current_writer(), item,
                                         _posted_owner(item))

    def pre_update(self, item):
        scope_changes.check_client_write(db.session, current_writer(), item,
                                         _posted_owner(item))

    def post_add(self, item):
        g.saved_client = item.id

    def post_update(self, item):
        g.saved_client = item.id

    def post_add_redirect(self):
        """Saved: the client's page; not saved: where the form was opened from."""
        pk = g.pop("saved_client", None)
        return redirect(url_for("ClientView.show", pk=pk) if pk else self.get_redirect())

    post_edit_redirect = post_add_redirect

    @staticmethod
    def _offered(form):
        """The form class for the signed-in user (FAB's registration reads it too)."""
        if form is None or not has_request_context() or current_writer().may_assign:
            return form
        return _without(form, OWNER)

    @staticmethod
    def _shown(columns):
        return columns if current_writer().may_assign else [c for c in columns if c != OWNER]

    @expose("/show/<int:pk>")
    @has_access
    def show(self, pk):
        client = db.session.get(Client, pk)
        if client is None:
            abort(404)
        complaints = db.session.scalars(
            select(Complaint).where(Complaint.client_id == client.id, visible_condition())
            .options(selectinload(Complaint.state), selectinload(Complaint.category),
                     selectinload(Complaint.assignee))
            .order_by(Complaint.received_at.desc()).limit(TAB_LIMIT)
        ).all()
        events = db.session.scalars(
            select(Event).join(Complaint, Event.complaint_id == Complaint.id)
            .where(Complaint.client_id == client.id, visible_condition())
            .order_by(Event.id.desc()).limit(TAB_LIMIT)
        ).all()
        contracts = db.session.scalars(
            select(Contract).where(Contract.client_id == client.id).order_by(Contract.number)
        ).all()
        self.update_redirect()  # as FAB's show: the language switch and "back" return here
        remember_list()  # its complaints tab: the way back from one of them
        sm = self.appbuilder.sm
        can = {name: sm.has_access(f"can_{name}", "ComplaintView")
               for name in ("edit", "delete")}
        return self.render_template(
            self.show_template,
            client=client,
            complaints=complaints,
            overdue=overdue_reminder_counts(db.session, [c.id for c in complaints]),
            # What a complaint's row unfolds (seed 000): its documents, its actions.
            documents=document_counts(db.session, [c.id for c in complaints]),
            can_edit=can["edit"], can_delete=can["delete"],
            delete_blockers={c.id: deletion.deletion_blockers(db.session, c)
                             for c in complaints} if can["delete"] else {},
            letter_templates=letters.active_templates(db.session) if can["edit"] else [],
            contracts=contracts,
            history=[dict(row, tracking=e.complaint.tracking_number, complaint_id=e.complaint_id)
                     for row, e in zip(describe_events(db.session, events, current_reader()),
                                       events, strict=True)],
            labels=CLIENT_LABELS,
            complaint_labels=COMPLAINT_LABELS,
            contract_labels=CONTRACT_LABELS,
            tab_limit=TAB_LIMIT,
            local_datetime=local_datetime,
            local_date=local_date,
            title=client.name,
        )


class ContractView(AppModelView):
    datamodel = SQLAInterface(Contract)
    route_base = "/contracts"
    list_title = _l("Contracts")
    show_title = _l("Contract")
    add_title = _l("New contract")
    edit_title = _l("Edit contract")
    label_columns = CONTRACT_LABELS
    list_columns = ["number", "client", "label", "sector", "agency", "analytic_code",
                    "start_date", "end_date"]
    search_columns = ["number", "label", "sector", "agency", "analytic_code", "start_date",
                      "end_date"]
    add_columns = ["client", "number", "label", "sector", "agency", "analytic_code",
                   "start_date", "end_date"]
    edit_columns = add_columns
    show_columns = add_columns
    base_order = ("number", "asc")
    validators_columns = {"number": required(), "client": required()}
    add_form_query_rel_fields = ClientView.add_form_query_rel_fields
    edit_form_query_rel_fields = add_form_query_rel_fields

    add_form_extra_fields = {"client": client_field("/complaints/lookup/clients", mandatory=True,
                                                    default=client_from_args)}
    edit_form_extra_fields = {"client": client_field("/complaints/lookup/clients",
                                                     mandatory=True)}

    def pre_update(self, item):
        scope_changes.check_contract_write(db.session, current_writer(), item,
                                           id_of(item.client))

    def post_add_redirect(self):
        client_id = parse_id(request.form.get("client"))
        if client_id:
            return redirect(url_for("ClientView.show", pk=client_id) + "#contracts")
        return super().post_add_redirect()
