"""Who may move a row into a scope (issue 19): nobody widens their own access by editing.

A reader sees the complaints of their team, those assigned to them and those of the clients
in their portfolio (app/services/visibility.py). Who owns a client's portfolio, which team
and which person handle a complaint, are assignment decisions: only a writer holding the
assign permission (supervisors, admins) makes them. Without it, a writer may

- not set or change a client's portfolio owner;
- not change a complaint's team or assignee; on a new complaint, choose only their own
  team and themselves (or leave them empty for the assignment rules);
- not move an existing complaint, or a contract, to a client of their own portfolio.

The rules take plain values (ids); ``complaint_placement``/``stored_placement`` read them
from a session for the forms and the API.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.models import Client, Complaint, Contract
from app.models.base import id_of
from app.services.exceptions import ServiceError


class ScopeChangeRefused(ServiceError):
    """A change only someone allowed to assign may make; nothing was changed."""


OWNER_REFUSED = _l("Only people allowed to assign can set or change a client's "
                   "portfolio owner.")
ASSIGNMENT_REFUSED = _l("Only people allowed to assign can change the team or the assignee.")
NEW_ASSIGNMENT_REFUSED = _l("Only people allowed to assign can give a new complaint to "
                            "another team or another person.")
CLIENT_REFUSED = _l("Only people allowed to assign can move a complaint or a contract to a "
                    "client of their own portfolio.")


@dataclass(frozen=True)
class Writer:
    """Who is writing: their id and team, and whether they hold the assign permission."""

    user_id: int | None
    team_id: int | None = None
    may_assign: bool = False


@dataclass(frozen=True)
class Placement:
    """What puts a complaint in a scope: its team, its assignee, its client's owner."""

    team_id: int | None = None
    assignee_id: int | None = None
    client_owner_id: int | None = None


def check_portfolio_owner(writer: Writer, old_owner_id, new_owner_id) -> None:
    """A client's portfolio owner is set (on a new client: ``old_owner_id`` None) or
    changed only by a writer who may assign."""
    if new_owner_id != old_owner_id and not writer.may_assign:
        raise ScopeChangeRefused(OWNER_REFUSED)


def check_complaint(writer: Writer, before: Placement | None, after: Placement) -> None:
    """A complaint created (``before`` None) or edited from ``before`` to ``after``."""
    if writer.may_assign:
        return
    if before is None:
        if after.team_id not in (None, writer.team_id) or \
                after.assignee_id not in (None, writer.user_id):
            raise ScopeChangeRefused(NEW_ASSIGNMENT_REFUSED)
        return
    if (before.team_id, before.assignee_id) != (after.team_id, after.assignee_id):
        raise ScopeChangeRefused(ASSIGNMENT_REFUSED)
    check_client_move(writer, before.client_owner_id, after.client_owner_id)


def check_client_move(writer: Writer, old_owner_id, new_owner_id) -> None:
    """An existing complaint or contract moved from a client owned by ``old_owner_id`` to
    one owned by ``new_owner_id``: refused when it enters the writer's own portfolio."""
    if writer.may_assign or writer.user_id is None:
        return
    if new_owner_id == writer.user_id and old_owner_id != writer.user_id:
        raise ScopeChangeRefused(CLIENT_REFUSED)


# --- the values, read from a session ------------------------------------------------------

def complaint_placement(complaint: Complaint) -> Placement:
    """The placement of ``complaint`` as it is in memory (edited, not yet flushed)."""
    client = complaint.client
    return Placement(team_id=id_of(complaint.team), assignee_id=id_of(complaint.assignee),
                     client_owner_id=client.portfolio_owner_id if client is not None else None)


def stored_placement(session, complaint: Complaint) -> Placement | None:
    """The placement of ``complaint`` as stored (None for a new one), read without
    flushing the edits pending in the session."""
    if complaint.id is None:
        return None
    with session.no_autoflush:
        row = session.execute(
            select(Complaint.team_id, Complaint.assignee_id, Client.portfolio_owner_id)
            .outerjoin(Client, Client.id == Complaint.client_id)
            .where(Complaint.id == complaint.id)).first()
    return Placement(*row) if row is not None else None


def stored_contract_owner(session, contract: Contract):
    """The portfolio owner of the client ``contract`` belongs to, as stored (None for a
    new contract)."""
    if contract.id is None:
        return None
    with session.no_autoflush:
        return session.scalar(select(Client.portfolio_owner_id)
                              .join(Contract, Contract.client_id == Client.id)
                              .where(Contract.id == contract.id))


def stored_portfolio_owner(session, client: Client):
    """The portfolio owner of ``client`` as stored (None for a new client)."""
    if client.id is None:
        return None
    with session.no_autoflush:
        return session.scalar(select(Client.portfolio_owner_id).where(Client.id == client.id))


def check_complaint_write(session, writer: Writer, complaint: Complaint) -> None:
    """``check_complaint`` on the edits pending on ``complaint``."""
    check_complaint(writer, stored_placement(session, complaint), complaint_placement(complaint))


def check_contract_write(session, writer: Writer, contract: Contract, new_client_id) -> None:
    """``check_client_move`` for an existing ``contract`` given to client ``new_client_id``."""
    if contract.id is None:
        return
    with session.no_autoflush:
        client = session.get(Client, new_client_id) if new_client_id is not None else None
    new_owner = client.portfolio_owner_id if client is not None else None
    check_client_move(writer, stored_contract_owner(session, contract), new_owner)


def check_client_write(session, writer: Writer, client: Client, new_owner_id) -> None:
    """``check_portfolio_owner`` for ``client`` (new or existing) given ``new_owner_id``."""
    check_portfolio_owner(writer, stored_portfolio_owner(session, client), new_owner_id)
