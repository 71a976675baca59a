"""Custom fields: checking a definition, reading and writing a complaint's values.

Values are written in the caller's transaction (the complaint form's, the API's), each
change with an Event "field changed old → new" like the built-in fields; the caller
commits. Rules and parsing live in app/domain/custom_fields.py.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, select, update

from app.domain import custom_fields as domain
from app.domain import events
from app.models import CustomField, CustomFieldValue, Event
from app.models.base import id_of
from app.models.custom_fields import VALUE_COLUMNS
from app.services import uniqueness
from app.services.clock import utcnow
from app.services.exceptions import DATE_OUT_OF_RANGE, ServiceError

EVENT_PREFIX = "cf:"  # Event.field of a custom field: "cf:<key>"

PROBLEMS = {
    domain.REQUIRED: _l("This field is required."),
    domain.NOT_A_NUMBER: _l("Enter a number (e.g. 12.5)."),
    domain.NUMBER_TOO_LARGE: _l("This number is too large."),
    domain.NOT_A_DATE: _l("Enter a date as YYYY-MM-DD."),
    domain.DATE_OUT_OF_RANGE: DATE_OUT_OF_RANGE,
    domain.UNKNOWN_CHOICE: _l("Choose one of the offered values."),
    domain.NOT_YES_NO: _l("Answer yes or no."),
    domain.TEXT_TOO_LONG: _l("At most %(detail)s characters."),
    domain.NOT_TEXT: _l("Enter a text."),
    domain.BAD_KEY: _l("The key must be lower-case letters, digits or “_”, starting with a "
                       "letter (at most 40)."),
    domain.UNKNOWN_TYPE: _l("Choose a type."),
    domain.NO_CHOICES: _l("A “choice” field needs at least one choice."),
    domain.CHOICES_NOT_USED: _l("Only a “choice” field takes choices: leave them empty."),
    domain.BAD_CHOICE_LINE: _l("Choice line %(detail)s: write “code | label FR | label EN”, "
                               "the code in letters, digits, “_” or “-”."),
    domain.DUPLICATE_CHOICE: _l("The choice code “%(detail)s” is used twice."),
    domain.TOO_MANY_CHOICES: _l("At most %(detail)s choices."),
}


class FieldRefused(ServiceError):
    """A definition that cannot be saved (admin screen)."""


class ValuesRefused(ServiceError):
    """Values that cannot be saved: ``problems`` maps each field key to its Problem (None
    for a key that is no active field). Worded when read, in the reader's language."""

    def __init__(self, problems: dict, fields: dict):
        super().__init__(_l("Custom fields refused."))
        self.problems, self.fields = problems, fields

    @property
    def errors(self) -> dict:
        return {key: message_of(problem) if problem is not None
                else str(_l("No such active custom field.")) for key, problem
                in self.problems.items()}

    def __str__(self) -> str:
        key, error = next(iter(self.errors.items()))
        field = self.fields.get(key)
        return str(_l("%(field)s: %(error)s")) % {
            "field": field.label if field is not None else key, "error": error}


def message_of(problem: domain.Problem) -> str:
    return str(PROBLEMS[problem.code]) % {"detail": problem.detail}


def spec_of(field: CustomField) -> domain.FieldSpec:
    try:
        choices = domain.parse_choices(field.choices) if field.type == domain.CHOICE else ()
    except domain.Problem:
        choices = ()
    return domain.FieldSpec(key=field.key, type=field.type, required=bool(field.required),
                            request_type_ids=frozenset(t.id for t in field.request_types),
                            choices=choices)


def active_fields(session) -> list[CustomField]:
    """The active fields in display order (a few rows: read on every form and list)."""
    return list(session.scalars(select(CustomField).where(CustomField.active.is_(True))
                                .order_by(CustomField.position, CustomField.id)))


def has_values(session, field_id) -> bool:
    return bool(field_id) and session.scalar(
        select(exists().where(CustomFieldValue.field_id == field_id)))


def stored_definition(session, field_id) -> tuple | None:
    """``(key, type)`` as stored, read before a form changes the row (FAB's populating of
    the request types queries, and so flushes the other changes, before pre_update)."""
    row = session.execute(select(CustomField.key, CustomField.type)
                          .where(CustomField.id == field_id)).first()
    return tuple(row) if row is not None else None


def validate_field(session, field: CustomField, stored: tuple | None = None) -> None:
    """Refuse a definition that is inconsistent or that would orphan stored values;
    ``stored`` is ``stored_definition`` of an edited field."""
    field.key = (field.key or "").strip()
    try:
        choices = domain.parse_choices(field.choices)
        domain.check_definition(field.key, field.type, choices)
    except domain.Problem as problem:
        raise FieldRefused(message_of(problem)) from None
    # No autoflush: the form's changes are on the object; the checks compare them with
    # what is stored.
    uniqueness.check_unique(session, field)  # the key, as every unique value
    with session.no_autoflush:
        if field.id:
            _check_stored_values(session, field, choices,
                                 stored or stored_definition(session, field.id))
    field.choices = domain.format_choices(choices) or None


def _check_stored_values(session, field, choices, stored):
    if not has_values(session, field.id):
        return
    stored_key, stored_type = stored
    if stored_key != field.key:
        raise FieldRefused(_l("Complaints have values for this field: its key cannot change."))
    if stored_type != field.type:
        raise FieldRefused(_l("Complaints have values for this field: its type cannot "
                              "change."))
    if field.type == domain.CHOICE:
        used = set(session.scalars(select(CustomFieldValue.value_text).distinct()
                                   .where(CustomFieldValue.field_id == field.id)))
        missing = sorted(used - {c.code for c in choices})
        if missing:
            raise FieldRefused(_l("Complaints use the choice “%(code)s”: it cannot be "
                                  "removed (deactivate the field, or keep the code)."),
                               code=missing[0])


def values_of(session, complaint_id) -> dict[int, object]:
    """``{field_id: typed value}`` of one complaint."""
    if not complaint_id:
        return {}
    rows = session.scalars(select(CustomFieldValue)
                           .where(CustomFieldValue.complaint_id == complaint_id))
    return {row.field_id: getattr(row, VALUE_COLUMNS[row.field.type]) for row in rows}


def parse_values(fields, raw: dict, request_type_id, stored: dict, complete: bool) -> dict:
    """``{field: typed value}`` for the keys of ``raw`` (``{key: raw value}``). With
    ``complete``, every required field that applies must end up with a value. Raises
    ValuesRefused with every error at once."""
    parsed, problems = {}, {}
    for field in fields:
        spec = spec_of(field)
        given = field.key in raw
        if not given and not complete:
            continue
        try:
            value = domain.parse_value(spec, raw[field.key]) if given else stored.get(field.id)
            domain.check_required(spec, request_type_id, value)
        except domain.Problem as problem:
            problems[field.key] = problem
            continue
        if given:
            parsed[field] = value
    for key in sorted(set(raw) - {f.key for f in fields}):
        problems[key] = None
    if problems:
        raise ValuesRefused(problems, {f.key: f for f in fields})
    return parsed


def stage_values(session, complaint, raw: dict, actor=None, now=None,
                 complete: bool = True) -> list[str]:
    """Check ``raw`` (``{key: raw value}``) and write it on ``complaint`` (flushed, with
    an id) in the session's transaction, logging each change. Returns the changed keys."""
    fields = active_fields(session)
    stored = values_of(session, complaint.id)
    parsed = parse_values(fields, raw, id_of(complaint.request_type)
                          or complaint.request_type_id, stored, complete)
    changed = []
    for field, value in parsed.items():
        old = stored.get(field.id)
        if old == value:
            continue
        _write(session, complaint.id, field, value)
        _log_change(session, complaint, field, old, value, actor, now or utcnow())
        changed.append(field.key)
    return changed


def _write(session, complaint_id, field, value):
    row = session.get(CustomFieldValue, (complaint_id, field.id))
    if value is None:
        if row is not None:
            session.delete(row)
        return
    if row is None:
        row = CustomFieldValue(complaint_id=complaint_id, field_id=field.id)
        session.add(row)
    setattr(row, VALUE_COLUMNS[field.type], value)


def _log_change(session, complaint, field, old, new, actor, now):
    spec = spec_of(field)
    if actor is not None:
        complaint.last_action_at = now
    session.add(Event(
        complaint_id=complaint.id, created_at=now, user_id=id_of(actor),
        actor_kind=events.ACTOR_USER if actor is not None else events.ACTOR_SYSTEM,
        kind=events.FIELD_CHANGED, field=f"{EVENT_PREFIX}{field.key}",
        old_value=domain.display_value(spec, old), new_value=domain.display_value(spec, new)))


def clear_personal_values(session, complaint) -> int:
    """Remove the free-text values of a complaint (anonymisation): text may name people;
    numbers, dates, choices and yes/no do not. Not committed. Returns the rows removed."""
    return clear_text_values(session, [complaint.id])


def clear_text_values(session, complaint_ids) -> int:
    """``clear_personal_values`` for several complaints at once, their history's old and
    new text values included. Not committed. Returns the value rows removed."""
    text_fields = select(CustomField.id).where(CustomField.type == domain.TEXT)
    text_keys = [f"{EVENT_PREFIX}{key}" for key in session.scalars(
        select(CustomField.key).where(CustomField.type == domain.TEXT))]
    if text_keys:
        session.execute(update(Event).where(Event.complaint_id.in_(complaint_ids),
                                            Event.field.in_(text_keys))
                        .values(old_value=None, new_value=None)
                        .execution_options(synchronize_session=False))
    result = session.execute(delete(CustomFieldValue).where(
        CustomFieldValue.complaint_id.in_(complaint_ids),
        CustomFieldValue.field_id.in_(text_fields)))
    return result.rowcount or 0
