"""Workflow states and their allowed transitions: data, editable by admins."""

from sqlalchemy import Boolean, Column, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import relationship

from app.models.base import Model, ReferenceMixin


class State(ReferenceMixin, Model):
    __tablename__ = "state"

    is_open = Column(Boolean, nullable=False, default=True)
    pauses_clock = Column(Boolean, nullable=False, default=False)
    is_final = Column(Boolean, nullable=False, default=False)
    notify_complainant = Column(Boolean, nullable=False, default=False)
    # Entering this state records the answer date (processing time stops there).
    marks_answered = Column(Boolean, nullable=False, default=False)
    is_initial = Column(Boolean, nullable=False, default=False)


class StateTransition(Model):
    __tablename__ = "state_transition"
    __table_args__ = (UniqueConstraint("source_id", "target_id"),)

    id = Column(Integer, primary_key=True)
    source_id = Column(Integer, ForeignKey("state.id", ondelete="CASCADE"), nullable=False)
    target_id = Column(Integer, ForeignKey("state.id", ondelete="CASCADE"), nullable=False)
    source = relationship(State, foreign_keys=[source_id], lazy="joined")
    target = relationship(State, foreign_keys=[target_id], lazy="joined")

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"
