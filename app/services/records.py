"""Clients and contracts created or edited outside the forms (the REST API): the checks
the forms make (unique numbers, existing related rows), as services that commit."""

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.models import Client, Contract
from app.services import uniqueness
from app.services.exceptions import ServiceError


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
    return _save(session, client, values)


def save_contract(session, contract: Contract, values: dict) -> Contract:
    """Apply ``values`` to ``contract`` (new or existing), refuse a duplicate contract
    number, and commit."""
    return _save(session, contract, values)


def _save(session, row, values: dict):
    """Apply ``values``, refuse a value another row holds (uniqueness.AlreadyUsed, the
    row left unchanged), and commit."""
    with session.no_autoflush:
        _set(row, values)
        clash = uniqueness.find_clash(session, row)
    if clash is not None:
        session.rollback()
        raise clash
    session.add(row)
    try:
        session.commit()
    except IntegrityError as error:  # the same number saved concurrently
        session.rollback()
        refused = uniqueness.refusal(error)
        if refused is None:
            raise
        raise refused from None
    return row


def _set(row, values):
    for name, value in values.items():
        setattr(row, name, value)
