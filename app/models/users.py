"""Users (FAB's, extended with a team and a language) and teams ("services")."""

from flask_appbuilder.security.sqla.models import User as FabUser
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.i18n import current_language
from app.models.base import Model


class Team(Model):
    __tablename__ = "team"

    id = Column(Integer, primary_key=True)
    name = Column(String(150), unique=True, nullable=False)  # the French name
    # The English name; empty, the French one is shown in English too.
    name_en = Column(String(150))
    email = Column(String(320))
    manager_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    active = Column(Boolean, nullable=False, default=True)
    manager = relationship("AppUser", foreign_keys=[manager_id])

    @property
    def label(self) -> str:
        """The name in the reader's language, as reference lists' ``label``."""
        return self.label_in(current_language())

    def label_in(self, language: str) -> str:
        return (self.name_en if language == "en" else None) or self.name or ""

    def __str__(self) -> str:
        return self.label


class AppUser(FabUser):
    """FAB's user on the same ``ab_user`` table, with the columns this product needs."""

    __tablename__ = "ab_user"

    team_id = Column(Integer, ForeignKey("team.id", ondelete="SET NULL", name="fk_ab_user_team_id",
                                         use_alter=True), index=True)
    language = Column(String(5))
    # E.164 (app/domain/phones.py): where notification rules with the SMS channel write.
    mobile_phone = Column(String(20))
    # Naive UTC: until then a sign-in is refused without checking the password
    # (app/domain/login_lock.py); FAB's fail_login_count counts the failures in a row.
    login_locked_until = Column(DateTime)
    # SHA-256 of the secret of the user's private calendar address (app/services/calendar.py);
    # empty: no address. The secret itself is shown once, never stored.
    calendar_token_hash = Column(String(64), unique=True, index=True)
    team = relationship(Team, foreign_keys=[team_id], backref="members")

    def __str__(self) -> str:
        full = f"{self.first_name or ''} {self.last_name or ''}".strip()
        return full or self.username
