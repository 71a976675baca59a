"""Who is who among the staff, for work done outside a request (alerts, digests)."""

from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import select

from app.domain.roles import SUPERVISOR
from app.models import AppUser


def supervisors(session) -> list[AppUser]:
    """Active users holding the Supervisor role, in a stable order."""
    return list(session.scalars(
        select(AppUser).where(AppUser.active.is_(True),
                              AppUser.roles.any(Role.name == SUPERVISOR))
        .order_by(AppUser.id)).all())
