"""One rule for every value the database keeps unique (a customer number, a contract
number, a holiday's date, a reference code, a letter template's name…).

Before a write, ``find_clash`` reads the model's declared unique keys (unique columns,
unique constraints and unique indexes on plain columns) and names the value another row
holds; at the write, ``refusal`` turns the database's own unique violation (two requests
saving the same value at once) into the same answer. Either way the caller answers
"“…” is already used." (409 on the API, a form error on the web) and nothing is kept.
"""

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, UniqueConstraint, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import functions
from sqlalchemy.sql.elements import BindParameter

from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)

UNIQUE_SQLSTATE = "23505"  # PostgreSQL's unique_violation


class AlreadyUsed(ServiceError):
    """A value (or a combination of values) another row already holds."""

    def __init__(self, value=None):
        if value is None:
            super().__init__(_l("These values are already used by another record."))
        else:
            super().__init__(_l("“%(value)s” is already used."), value=shown(value))


def shown(value) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@dataclass(frozen=True)
class KeyPart:
    """One attribute of a unique key, and what an empty value (NULL) counts as: the ``x``
    of an index on ``coalesce(column, x)`` ("any" as 0), else None (an empty value
    clashes with nothing, as in SQL)."""

    name: str
    empty: object = None


def unique_keys(model) -> list[tuple[KeyPart, ...]]:
    """Each unique key of ``model``: unique columns and constraints, and unique indexes
    on columns or on ``coalesce(column, value)``."""
    table, mapper = model.__table__, inspect(model)
    keys = [[(column, None) for column in constraint.columns]
            for constraint in table.constraints if isinstance(constraint, UniqueConstraint)]
    for index in table.indexes:
        parts = [_column_of(expression) for expression in index.expressions]
        if index.unique and parts and None not in parts:
            keys.append(parts)
    return [tuple(KeyPart(mapper.get_property_by_column(column).key, empty)
                  for column, empty in key) for key in keys if key]


def _column_of(expression):
    """``(column, empty)`` for ``column`` or ``coalesce(column, literal)``, else None."""
    if isinstance(expression, Column):
        return expression, None
    if isinstance(expression, functions.coalesce):
        first, *rest = expression.clauses
        if isinstance(first, Column) and len(rest) == 1 and isinstance(rest[0], BindParameter):
            return first, rest[0].value
    return None


def find_value(session, model, values: dict, exclude_id=None) -> bool:
    """Whether a row of ``model`` other than ``exclude_id`` holds ``values`` (by
    attribute name)."""
    return _exists(session, model, [getattr(model, name) == value
                                    for name, value in values.items()], exclude_id)


def _exists(session, model, conditions, exclude_id) -> bool:
    """Read without flushing the pending changes, which may hold the clashing value."""
    key = inspect(model).primary_key[0]
    statement = select(key).where(*conditions)
    if exclude_id is not None:
        statement = statement.where(key != exclude_id)
    with session.no_autoflush:
        return session.scalar(statement.limit(1)) is not None


def find_clash(session, row) -> AlreadyUsed | None:
    """The refusal for the first unique key whose values ``row`` shares with another row
    (an empty value clashes with nothing, unless the key says what it counts as), or
    None."""
    model, identity = type(row), inspect(row).identity
    for key in unique_keys(model):
        with session.no_autoflush:
            values = [(part, _value(row, part.name)) for part in key]
        values = [(part, part.empty if value is None else value) for part, value in values]
        if any(value is None for _part, value in values):
            continue
        conditions = [_condition(getattr(model, part.name), part, value)
                      for part, value in values]
        if _exists(session, model, conditions, identity[0] if identity else None):
            return AlreadyUsed(values[0][1] if len(key) == 1 else None)
    return None


def _condition(column, part, value):
    if part.empty is None:
        return column == value
    return func.coalesce(column, part.empty) == value


def _value(row, name):
    """The attribute's value, or for a foreign key not set yet (a form sets ``source``,
    the flush sets ``source_id``) the id of the related row."""
    value = getattr(row, name)
    if value is not None:
        return value
    column = inspect(type(row)).columns[name]
    for relation in inspect(type(row)).relationships:
        if column in relation.local_columns and relation.direction.name == "MANYTOONE":
            related = getattr(row, relation.key)
            if related is not None:
                return inspect(related).identity[0] if inspect(related).identity else None
    return None


def check_unique(session, row) -> None:
    """AlreadyUsed when ``row`` would break one of its model's unique keys."""
    clash = find_clash(session, row)
    if clash is not None:
        raise clash


def is_unique_violation(error) -> bool:
    """Whether a database error is a unique violation (PostgreSQL or SQLite)."""
    if not isinstance(error, IntegrityError):
        return False
    original = error.orig
    if getattr(original, "sqlstate", None) == UNIQUE_SQLSTATE:
        return True
    return "UNIQUE constraint failed" in str(original)


def refusal(error) -> AlreadyUsed | None:
    """The AlreadyUsed a unique violation met at the write stands for, or None for any
    other error."""
    if not is_unique_violation(error):
        return None
    logger.info("unique violation at the write: %s", error.orig)
    return AlreadyUsed()
