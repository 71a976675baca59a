"""Assignment rules (admins): category / request type / channel → team and assignee, and
the rotation of each team for round-robin assignment."""

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from app.models.base import Model, utcnow


class AssignmentRule(Model):
    """Conditions left empty match any value; the first active matching rule in
    (position, id) order assigns a new complaint (app/domain/assignment.py)."""

    __tablename__ = "assignment_rule"

    id = Column(Integer, primary_key=True)
    name = Column(String(150), nullable=False)
    position = Column(Integer, nullable=False, default=0)
    category_id = Column(Integer, ForeignKey("category.id", ondelete="CASCADE"))
    request_type_id = Column(Integer, ForeignKey("request_type.id", ondelete="CASCADE"))
    channel_id = Column(Integer, ForeignKey("channel.id", ondelete="CASCADE"))
    team_id = Column(Integer, ForeignKey("team.id", ondelete="CASCADE"), nullable=False)
    assignee_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    round_robin = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    category = relationship("Category")
    request_type = relationship("RequestType")
    channel = relationship("Channel")
    team = relationship("Team")
    assignee = relationship("AppUser")

    def __str__(self) -> str:
        return self.name or ""


class TeamRotation(Model):
    """The member of a team who got the last round-robin complaint. The row is locked
    while the next one is chosen, so two creations at once never pick the same person."""

    __tablename__ = "team_rotation"

    team_id = Column(Integer, ForeignKey("team.id", ondelete="CASCADE"), primary_key=True)
    last_user_id = Column(Integer)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
