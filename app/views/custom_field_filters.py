"""Custom fields on the complaint list: a column each, and filters read from the address
on each request: ``cf_<key>=…`` (contains for text, equality otherwise), ``cfmin_<key>``
and ``cfmax_<key>`` (a range of numbers or dates). FAB builds its filters once, at
registration; these work for a field added after start. Each condition reads the
field's own index (``custom_field_value (field_id, value_…)``)."""

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.domain import custom_fields as domain
from app.i18n import current_language
from app.models import Complaint, CustomFieldValue
from app.models.custom_fields import VALUE_COLUMNS
from app.services import custom_fields as service

EQUAL, LOW, HIGH = "cf_", "cfmin_", "cfmax_"
RANGED = (domain.NUMBER, domain.DATE)


def _active_fields(session) -> list:
    """The active fields, read once a request: the list's conditions, columns and inputs
    all ask for them."""
    if not has_request_context():
        return service.active_fields(session)
    if "custom_fields_of_request" not in g:
        g.custom_fields_of_request = service.active_fields(session)
    return g.custom_fields_of_request


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _condition(field, prefix, raw):
    spec = service.spec_of(field)
    column = getattr(CustomFieldValue, VALUE_COLUMNS[field.type])
    if field.type == domain.TEXT:
        return column.ilike(_like_pattern(raw.strip()[:domain.MAX_TEXT]), escape="\\")
    value = domain.parse_value(spec, raw)  # a Problem is a ValueError: "invalid filters"
    if prefix == LOW and field.type in RANGED:
        return column >= value
    if prefix == HIGH and field.type in RANGED:
        return column <= value
    return column == value


def conditions(session, args) -> list:
    """SQL conditions on Complaint for the ``cf*_`` arguments of ``args`` (a MultiDict);
    unknown keys are ignored. Raises ValueError for a value of the wrong type."""
    wanted = [(prefix, name[len(prefix):], value) for name, value in args.items()
              for prefix in (LOW, HIGH, EQUAL) if name.startswith(prefix)
              and value not in (None, "")]
    if not wanted:
        return []
    fields = {field.key: field for field in _active_fields(session) if field.in_list}
    found = []
    for prefix, key, raw in wanted:
        field = fields.get(key)
        if field is None:
            continue
        matching = (select(CustomFieldValue.complaint_id)
                    .where(CustomFieldValue.field_id == field.id,
                           _condition(field, prefix, raw)))
        found.append(Complaint.id.in_(matching))
    return found


def filter_inputs(session, args) -> list[dict]:
    """What the list's small form shows: per field in the list, its inputs and values."""
    inputs = []
    for field in _active_fields(session):
        if not field.in_list:
            continue
        entry = {"key": field.key, "label": field.label, "type": field.type,
                 "value": args.get(f"{EQUAL}{field.key}", ""),
                 "min": args.get(f"{LOW}{field.key}", ""),
                 "max": args.get(f"{HIGH}{field.key}", "")}
        if field.type == domain.CHOICE:
            entry["choices"] = [(c.code, c.label(current_language()))
                                for c in service.spec_of(field).choices]
        elif field.type == domain.YES_NO:
            entry["choices"] = [("yes", str(_l("Yes"))), ("no", str(_l("No")))]
        inputs.append(entry)
    return inputs


def add_list_columns(session, widget) -> None:
    """Append to FAB's list ``widget`` one column per field marked "on the list", with
    the values of the page's complaints read in one query."""
    from app.views.custom_fields import shown_value

    fields = [field for field in _active_fields(session) if field.in_list]
    args = widget.template_args
    if not fields or not args.get("pks"):
        return
    names = {field.id: f"{EQUAL}{field.key}" for field in fields}
    rows = session.scalars(select(CustomFieldValue).where(
        CustomFieldValue.complaint_id.in_(args["pks"]),
        CustomFieldValue.field_id.in_(list(names))))
    values = {(row.complaint_id, row.field_id): row for row in rows}
    table = []
    for pk, cells in zip(args["pks"], args["value_columns"], strict=True):
        for field in fields:
            row = values.get((pk, field.id))
            value = getattr(row, VALUE_COLUMNS[field.type]) if row is not None else None
            cells[names[field.id]] = shown_value(field, value) if row is not None else None
        table.append(cells)
    args["value_columns"] = table
    args["include_columns"] = [*args["include_columns"], *names.values()]
    args["label_columns"] = {**args["label_columns"],
                             **{names[field.id]: field.label for field in fields}}
