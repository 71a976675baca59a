"""Complaints, their notes and reminders, through the same services as the complaint page.

Child resources (notes, reminders — and messages later) follow one pattern: a
``complaint_id`` in the body, looked up through the reader's visibility (out of scope:
404), the UI's permission on ``ComplaintView``, one service call.
"""

from flask import current_app, g
from flask_appbuilder.api import expose, safe
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import permission_name, protect
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.api import schemas
from app.api.base import NotFound, ScopedModelApi
from app.extensions import db
from app.models import (
    AppUser,
    Category,
    Channel,
    Client,
    Complaint,
    Complexity,
    Contract,
    Event,
    Message,
    Note,
    Reminder,
    RequestType,
    ResolutionType,
    Severity,
    State,
    Team,
)
from app.reader import (
    OfVisibleComplaints,
    VisibleComplaints,
    current_reader,
    current_writer,
    visible_condition,
)
from app.services import access_log, deletion, followup, merge, messages, scope_changes
from app.services import complaints as complaint_service
from app.services import custom_fields as custom_field_service
from app.services.exceptions import ServiceError
from app.services.records import resolve

COMPLAINT_PERMISSIONS = "ComplaintView"  # the UI's permissions, not new ones
# body field -> (relationship, model, only active items may be chosen)
COMPLAINT_REFERENCES = {
    "request_type_id": ("request_type", RequestType, True),
    "channel_id": ("channel", Channel, True),
    "client_id": ("client", Client, False),
    "contract_id": ("contract", Contract, False),
    "category_id": ("category", Category, True),
    "severity_id": ("severity", Severity, True),
    "complexity_id": ("complexity", Complexity, True),
    "resolution_type_id": ("resolution_type", ResolutionType, True),
}
COMPLAINT_COLUMNS = [
    "id", "tracking_number", "received_at", "request_type_id", "channel_id", "client_id",
    "contract_id", "complainant_name", "complainant_email", "complainant_phone",
    "complainant_address", "order_number", "subject", "description", "category_id",
    "severity_id", "complexity_id", "state_id", "team_id", "assignee_id", "confidential",
    "resolution", "resolution_type_id", "corrective_actions", "satisfaction",
    "satisfaction_rating", "due_at", "answered_at", "closed_at", "created_at", "updated_at",
    "custom_fields",
]
COMPLAINT_LIST_COLUMNS = [
    "id", "tracking_number", "received_at", "client_id", "subject", "category_id",
    "state_id", "team_id", "assignee_id", "confidential", "due_at", "closed_at",
]
COMPLAINT_SEARCH = ["tracking_number", "subject", "complainant_email", "order_number",
                    "received_at", "due_at", "confidential"]


def visible_complaint(pk) -> Complaint:
    """The complaint ``pk`` if the signed-in reader may see it, else NotFound."""
    complaint = db.session.scalars(
        select(Complaint).where(Complaint.id == pk, visible_condition())).first()
    if complaint is None:
        raise NotFound()
    return complaint


def _apply(complaint, values):
    # No autoflush: a lookup would flush the previous change, and the history (which
    # compares with the stored values) would miss it.
    with db.session.no_autoflush:
        _set_values(complaint, values)


def _set_values(complaint, values):
    for field, value in values.items():
        if field in COMPLAINT_REFERENCES:
            relation, model, active_only = COMPLAINT_REFERENCES[field]
            current = getattr(complaint, field)
            row = resolve(db.session, model, field, value,
                          active_only=active_only and value != current)
            setattr(complaint, relation, row)
        else:
            setattr(complaint, field, value)


class ComplaintApi(ScopedModelApi):
    resource_name = "complaint"
    datamodel = SQLAInterface(Complaint)
    class_permission_name = COMPLAINT_PERMISSIONS
    openapi_spec_tag = "Complaints"
    include_route_methods = {"get", "get_list", "post", "put", "delete", "transition",
                             "assign", "history"}
    method_permission_name = {**ScopedModelApi.method_permission_name,
                              "transition": "edit", "assign": "assign", "history": "show"}
    base_filters = [["id", VisibleComplaints, None]]
    base_order = ("received_at", "desc")
    list_columns = COMPLAINT_LIST_COLUMNS
    show_columns = COMPLAINT_COLUMNS
    order_columns = ["tracking_number", "received_at", "due_at", "id"]
    search_columns = COMPLAINT_SEARCH
    post_schema = schemas.ComplaintPostSchema()
    put_schema = schemas.ComplaintPutSchema()
    openapi_spec_component_schemas = (schemas.TransitionSchema, schemas.AssignSchema,
                                      schemas.EventSchema)

    def get_headless(self, pk, **kwargs):
        """As the complaint page: opening a confidential complaint is logged."""
        complaint = self._item_or_none(pk)
        if complaint is None:
            return self.response_404()
        access_log.record_consultation(db.session, complaint, g.user)
        return super().get_headless(pk, **kwargs)

    def create(self, values):
        custom = values.pop("custom_fields", None) or {}
        complaint = Complaint(satisfaction="unknown", confidential=False)
        _apply(complaint, values)
        complaint_service.stage_new_complaint(db.session, complaint, actor=g.user)
        custom_field_service.stage_values(db.session, complaint, custom, actor=g.user)
        db.session.commit()
        return complaint

    def update(self, complaint, values):
        custom = values.pop("custom_fields", None)
        _apply(complaint, values)
        complaint_service.stage_update(db.session, complaint, actor=g.user)
        scope_changes.check_complaint_write(db.session, current_writer(), complaint)
        if custom is not None:
            custom_field_service.stage_values(db.session, complaint, custom, actor=g.user,
                                              complete=False)
        db.session.commit()

    def remove(self, complaint):
        deletion.stage_deletion(db.session, complaint, g.user, config=current_app.config)
        db.session.delete(complaint)
        db.session.commit()

    @expose("/<pk>/transition", methods=["POST"])
    @protect()
    @safe
    @permission_name("transition")
    def transition(self, pk):
        """Move the complaint to another state, along an allowed transition.
        ---
        post:
          summary: Change the state (as the state buttons of the complaint page)
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/TransitionSchema'
          responses:
            200:
              description: The complaint in its new state
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      id:
                        type: integer
                      result:
                        $ref: '#/components/schemas/{{self.__class__.__name__}}.get'
        """
        return self._action(pk, schemas.TransitionSchema(), self._transition)

    @expose("/<pk>/assign", methods=["POST"])
    @protect()
    @safe
    @permission_name("assign")
    def assign(self, pk):
        """Give the complaint to a team and/or a person (absent: unchanged, null: nobody).
        ---
        post:
          summary: Assign (needs the assign permission, as on the complaint page)
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/AssignSchema'
          responses:
            200:
              description: The complaint with its new assignment
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      id:
                        type: integer
                      result:
                        $ref: '#/components/schemas/{{self.__class__.__name__}}.get'
        """
        return self._action(pk, schemas.AssignSchema(), self._assign)

    @expose("/<pk>/history", methods=["GET"])
    @protect()
    @safe
    @permission_name("history")
    def history(self, pk):
        """The complaint's history, newest first.
        ---
        get:
          summary: History events of the complaint
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: The events
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      result:
                        type: array
                        items:
                          $ref: '#/components/schemas/EventSchema'
        """
        complaint = self._item_or_none(pk)
        if complaint is None:
            return self.response_404()
        access_log.record_consultation(db.session, complaint, g.user)
        events = db.session.scalars(select(Event).where(Event.complaint_id == complaint.id)
                                    .order_by(Event.id.desc())).all()
        hidden = merge.hidden_numbers(db.session, events, current_reader())
        rows = schemas.EventSchema(many=True).dump(events)
        for row in rows:  # a merge names the other complaint only to who may see it
            if row["kind"] in merge.MERGE_EVENTS and row["new_value"] in hidden:
                row["new_value"] = None
        return self.response(200, result=rows)

    def _action(self, pk, schema, run):
        complaint = self._item_or_none(pk)
        if complaint is None:
            return self.response_404()
        _, error = self.write(lambda data: run(complaint, schema.load(data)))
        if error:
            return error
        return self.response(200, id=complaint.id,
                             result=self.show_model_schema.dump(complaint))

    def _transition(self, complaint, values):
        target = db.session.scalars(select(State).where(
            State.code == values["state"], State.active.is_(True))).first()
        if target is None:
            raise ServiceError(_l("Unknown state: %(code)s."), code=values["state"])
        complaint_service.change_state(db.session, complaint, target, actor=g.user,
                                       comment=values.get("comment") or None)

    def _assign(self, complaint, values):
        team = (resolve(db.session, Team, "team_id", values["team_id"], active_only=True)
                if "team_id" in values else complaint.team)
        user = (resolve(db.session, AppUser, "assignee_id", values["assignee_id"],
                        active_only=True)
                if "assignee_id" in values else complaint.assignee)
        complaint_service.assign(db.session, complaint, team=team, assignee=user,
                                 actor=g.user)


class ComplaintChildApi(ScopedModelApi):
    """A resource that belongs to a complaint: read within the reader's scope, added on
    a visible complaint only, with the complaint page's permissions."""

    class_permission_name = COMPLAINT_PERMISSIONS
    include_route_methods = {"get", "get_list", "post"}
    method_permission_name = {"get": "show", "get_list": "show", "post": "edit"}
    base_filters = [["complaint_id", OfVisibleComplaints, None]]
    base_order = ("id", "desc")


class NoteApi(ComplaintChildApi):
    resource_name = "note"
    datamodel = SQLAInterface(Note)
    openapi_spec_tag = "Notes"
    list_columns = show_columns = ["id", "complaint_id", "author_id", "body", "created_at"]
    order_columns = ["id", "created_at"]
    search_columns = ["complaint_id", "body"]
    post_schema = schemas.NotePostSchema()

    def create(self, values):
        complaint = visible_complaint(values["complaint_id"])
        return followup.add_note(db.session, complaint, g.user, values["body"])


class MessageApi(ComplaintChildApi):
    """The thread with the complainant: read it, and write to them (emailed through the
    outbox, as from the Messages tab). Their own messages arrive through the portal or
    by email, never through this API."""

    resource_name = "message"
    datamodel = SQLAInterface(Message)
    openapi_spec_tag = "Messages"
    list_columns = show_columns = ["id", "complaint_id", "direction", "body", "author_id",
                                   "sender_email", "source", "unread", "created_at"]
    order_columns = ["id", "created_at"]
    search_columns = ["complaint_id", "direction", "unread"]
    post_schema = schemas.MessagePostSchema()

    def create(self, values):
        complaint = visible_complaint(values["complaint_id"])
        return messages.send_message(db.session, complaint, g.user, values["body"], [],
                                     current_app.config)


class ReminderApi(ComplaintChildApi):
    resource_name = "reminder"
    datamodel = SQLAInterface(Reminder)
    openapi_spec_tag = "Reminders"
    include_route_methods = {"get", "get_list", "post", "done"}
    method_permission_name = {**ComplaintChildApi.method_permission_name, "done": "edit"}
    list_columns = show_columns = ["id", "complaint_id", "user_id", "remind_at", "note",
                                   "done_at", "created_by_id", "created_at"]
    order_columns = ["id", "remind_at"]
    search_columns = ["complaint_id", "user_id", "remind_at", "done_at"]
    post_schema = schemas.ReminderPostSchema()

    def create(self, values):
        complaint = visible_complaint(values["complaint_id"])
        user = resolve(db.session, AppUser, "user_id", values["user_id"], active_only=True)
        return followup.add_reminder(db.session, complaint, user, values["remind_at"],
                                     values.get("note"), g.user)

    @expose("/<pk>/done", methods=["POST"])
    @protect()
    @safe
    @permission_name("done")
    def done(self, pk):
        """Mark the reminder done (once).
        ---
        post:
          summary: Mark a reminder done
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: The reminder
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      id:
                        type: integer
                      result:
                        $ref: '#/components/schemas/{{self.__class__.__name__}}.get'
        """
        reminder = self._item_or_none(pk)
        if reminder is None:
            return self.response_404()
        followup.complete_reminder(db.session, reminder, g.user)
        return self.response(200, id=reminder.id, result=self.show_model_schema.dump(reminder))

