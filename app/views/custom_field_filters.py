"""Custom fields as filters of the complaint list, read from the address on each request:
``cf_<key>=…`` (contains for text, equality otherwise), ``cfmin_<key>`` / ``cfmax_<key>``
(a range of numbers or dates). FAB builds its filters once, at registration; these work
for a field added after start. Each condition reads the field's own index
(``custom_field_value (field_id, value_…)``)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.domain import custom_fields as domain
from app.i18n import current_language
from app.models import Complaint, CustomFieldValue
from app.models.custom_fields import VALUE_COLUMNS
from app.services import custom_fields as service

EQUAL, LOW, HIGH = "cf_", "cfmin_", "cfmax_"
RANGED = (domain.NUMBER, domain.DATE)


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
    fields = {field.key: field for field in service.active_fields(session) if field.in_list}
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
    for field in service.active_fields(session):
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
