"""Clients and contracts created or edited outside the forms (the REST API): the checks
the forms make (unique numbers, existing related rows), as services that commit."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.models import Client, Contract
from app.services.exceptions import ServiceError


class DuplicateNumber(ServiceError):
    def __init__(self, number):
        super().__init__(_l("“%(number)s” is already used."), number=number)


class UnknownReference(ServiceError):
    def __init__(self, field):
        super().__init__(_l("%(field)s: no such item."), field=field)


def resolve(session, model, field: str, pk, active_only: bool = False):
    """The row ``pk`` of ``model`` (None for None), or UnknownReference naming ``field``."""
    if pk is None:
        return None
    row = session.get(model, pk)
    if row is None or (active_only and getattr(row, "active", True) is False):
        raise UnknownReference(field)
    return row


def save_client(session, client: Client, values: dict) -> Client:
    """Apply ``values`` to ``client`` (new or existing), refuse a duplicate customer
    number, and commit."""
    return _save_numbered(session, client, values, Client.customer_number)


def save_contract(session, contract: Contract, values: dict) -> Contract:
    """Apply ``values`` to ``contract`` (new or existing), refuse a duplicate contract
    number, and commit."""
    return _save_numbered(session, contract, values, Contract.number)


def _save_numbered(session, row, values: dict, number_column):
    _set(row, values)
    model = type(row)
    number = getattr(row, number_column.key)
    taken = session.scalar(select(model.id).where(number_column == number,
                                                  model.id != (row.id or 0)))
    if taken is not None:
        raise DuplicateNumber(number)
    return _commit(session, row, number)


def _set(row, values):
    for name, value in values.items():
        setattr(row, name, value)


def _commit(session, row, number):
    session.add(row)
    try:
        session.commit()
    except IntegrityError:  # the same number saved concurrently
        session.rollback()
        raise DuplicateNumber(number) from None
    return row
