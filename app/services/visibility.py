"""Who may see which complaints (DESIGN.md §2), as ONE SQL condition used by every read.

Agents see the complaints of the clients in their portfolio, of their team, or assigned
to them; holders of the "all complaints" permission (supervisors, admins, viewers by
default) see every complaint. Confidential complaints are visible only to holders of the
confidential permission, everywhere, on top of the rest.
"""

from dataclasses import dataclass

from sqlalchemy import and_, false, or_, select, true

from app.domain.fulltext import Facets
from app.domain.roles import SCOPE_VIEW, SEE_ALL, SEE_CONFIDENTIAL  # noqa: F401  (re-export)
from app.models import Client, Complaint


@dataclass(frozen=True)
class Reader:
    """What visibility depends on, read once per request from the signed-in user."""

    user_id: int | None
    team_id: int | None = None
    sees_all: bool = False
    sees_confidential: bool = False

    @property
    def sees_whole_register(self) -> bool:
        """Every complaint, confidential ones included."""
        return self.user_id is not None and self.sees_all and self.sees_confidential


NOBODY = Reader(user_id=None)


def visible_condition(reader: Reader):
    """SQL condition on Complaint: true for the complaints ``reader`` may see."""
    if reader.user_id is None:
        return false()
    scope = true() if reader.sees_all else _own_scope(reader)
    if reader.sees_confidential:
        return scope
    return scope & Complaint.confidential.is_(False)


def scope_parts(reader: Reader) -> list:
    """The complaints a reader who does not see them all may see, as disjoint conditions
    whose union is ``visible_condition``: their team's, those assigned to them in another
    team, those of their portfolio's clients in neither. Counted apart, each part reads
    its own index, where a planner given their union walked a whole register."""
    if reader.user_id is None:
        return []
    mine = Complaint.assignee_id == reader.user_id
    portfolio = Complaint.client_id.in_(
        select(Client.id).where(Client.portfolio_owner_id == reader.user_id))
    not_mine = Complaint.assignee_id.is_distinct_from(reader.user_id)
    if reader.team_id is None:
        parts = [mine, and_(portfolio, not_mine)]
    else:
        not_team = Complaint.team_id.is_distinct_from(reader.team_id)
        parts = [Complaint.team_id == reader.team_id, and_(mine, not_team),
                 and_(portfolio, not_team, not_mine)]
    if not reader.sees_confidential:
        parts = [and_(part, Complaint.confidential.is_(False)) for part in parts]
    return parts


# Past this many clients in a portfolio, a scope is not written as words of the full-text
# index (each client one more word to look up).
PORTFOLIO_FACETS_AT_MOST = 50


def scope_facets(session, reader: Reader) -> Facets | None:
    """The reader's scope as the full-text index holds it (``domain.fulltext.FACETS``):
    their team, assignee or portfolio's clients, and not confidential unless they may
    see it; None when it cannot be written so (nobody; a portfolio of more than
    PORTFOLIO_FACETS_AT_MOST clients)."""
    if reader.user_id is None:
        return None
    hidden = () if reader.sees_confidential else (("confidential", 1),)
    if reader.sees_all:
        return Facets(none_of=hidden)
    clients = session.scalars(select(Client.id).where(Client.portfolio_owner_id == reader.user_id)
                              .order_by(Client.id).limit(PORTFOLIO_FACETS_AT_MOST + 1)).all()
    if len(clients) > PORTFOLIO_FACETS_AT_MOST:
        return None
    own = [("assignee", reader.user_id), *(("client", client) for client in clients)]
    if reader.team_id is not None:
        own.append(("team", reader.team_id))
    return Facets(any_of=(tuple(own),), none_of=hidden)


def reader_for(user) -> Reader:
    """The visibility of ``user`` read from their roles' permissions, for work done
    outside a request (a background export)."""
    if user is None or not user.active:
        return NOBODY
    granted = {(pv.permission.name, pv.view_menu.name) for role in user.roles
               for pv in role.permissions if pv.permission and pv.view_menu}
    return Reader(user_id=user.id, team_id=getattr(user, "team_id", None),
                  sees_all=(SEE_ALL, SCOPE_VIEW) in granted,
                  sees_confidential=(SEE_CONFIDENTIAL, SCOPE_VIEW) in granted)


def can_see(reader: Reader, complaint: Complaint, portfolio_owner_id=None) -> bool:
    """The same rule for one loaded complaint (without a query)."""
    if reader.user_id is None:
        return False
    if complaint.confidential and not reader.sees_confidential:
        return False
    if reader.sees_all:
        return True
    owner = portfolio_owner_id if portfolio_owner_id is not None else (
        complaint.client.portfolio_owner_id if complaint.client is not None else None)
    return reader.user_id in (complaint.assignee_id, owner) or (
        reader.team_id is not None and complaint.team_id == reader.team_id)


def reader_of(user) -> Reader:
    """The visibility facts of a user read from their roles in the database, for work done
    outside a request (alerts, digests). The same permissions as ``current_reader``."""
    if user is None or not getattr(user, "active", True):
        return NOBODY
    granted = {(pv.permission.name, pv.view_menu.name)
               for role in user.roles for pv in role.permissions
               if pv.permission is not None and pv.view_menu is not None}
    return Reader(user_id=user.id, team_id=getattr(user, "team_id", None),
                  sees_all=(SEE_ALL, SCOPE_VIEW) in granted,
                  sees_confidential=(SEE_CONFIDENTIAL, SCOPE_VIEW) in granted)


def readers_of(session, users) -> dict[int, "Reader"]:
    """``{user id: Reader}`` for ``users``, read as ``reader_of`` reads one, but with the
    visibility permissions of all their roles in one query (the reminder form's list)."""
    from flask_appbuilder.security.sqla.models import (
        Permission,
        PermissionView,
        ViewMenu,
        assoc_permissionview_role,
    )

    link = assoc_permissionview_role.c
    role_ids = {role.id for user in users for role in user.roles}
    granted: dict[int, set] = {}
    if role_ids:
        rows = session.execute(
            select(link.role_id, Permission.name)
            .join(PermissionView, PermissionView.id == link.permission_view_id)
            .join(Permission, Permission.id == PermissionView.permission_id)
            .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)
            .where(ViewMenu.name == SCOPE_VIEW, link.role_id.in_(role_ids)))
        for role_id, name in rows:
            granted.setdefault(role_id, set()).add(name)
    readers = {}
    for user in users:
        names = set().union(*(granted.get(role.id, set()) for role in user.roles))
        readers[user.id] = NOBODY if not getattr(user, "active", True) else Reader(
            user_id=user.id, team_id=getattr(user, "team_id", None),
            sees_all=SEE_ALL in names, sees_confidential=SEE_CONFIDENTIAL in names)
    return readers


def _own_scope(reader: Reader):
    portfolio = select(Client.id).where(Client.portfolio_owner_id == reader.user_id)
    clauses = [Complaint.assignee_id == reader.user_id, Complaint.client_id.in_(portfolio)]
    if reader.team_id is not None:
        clauses.append(Complaint.team_id == reader.team_id)
    return or_(*clauses)
