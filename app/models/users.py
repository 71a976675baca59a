"""Users (FAB's, extended with a team and a language) and teams ("services")."""

from flask_appbuilder.security.sqla.models import User as FabUser
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.models.base import Model


class Team(Model):
    __tablename__ = "team"

    id = Column(Integer, primary_key=True)
    name = Column(String(150), unique=True, nullable=False)
    email = Column(String(320))
    manager_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    active = Column(Boolean, nullable=False, default=True)
    manager = relationship("AppUser", foreign_keys=[manager_id])

    def __str__(self) -> str:
        return self.name


class AppUser(FabUser):
    """FAB's user on the same ``ab_user`` table, with the columns this product needs."""

    __tablename__ = "ab_user"

    team_id = Column(Integer, ForeignKey("team.id", ondelete="SET NULL", name="fk_ab_user_team_id",
                                         use_alter=True), index=True)
    language = Column(String(5))
    # Naive UTC: until then a sign-in is refused without checking the password
    # (app/domain/login_lock.py); FAB's fail_login_count counts the failures in a row.
    login_locked_until = Column(DateTime)
    team = relationship(Team, foreign_keys=[team_id], backref="members")

    def __str__(self) -> str:
        full = f"{self.first_name or ''} {self.last_name or ''}".strip()
        return full or self.username
