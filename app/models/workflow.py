"""Workflow states and their allowed transitions: data, editable by admins."""

from flask_babel import gettext, ngettext
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
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


class DeadlineRule(Model):
    """Delay for (state or any) × (complexity or any); NULL means "any"."""

    __tablename__ = "deadline_rule"

    id = Column(Integer, primary_key=True)
    state_id = Column(Integer, ForeignKey("state.id", ondelete="CASCADE"))
    complexity_id = Column(Integer, ForeignKey("complexity.id", ondelete="CASCADE"))
    days = Column(Integer, nullable=False, default=15)
    business_days = Column(Boolean, nullable=False, default=False)
    warning_days = Column(Integer, nullable=False, default=3)
    state = relationship(State, lazy="joined")
    complexity = relationship("Complexity", lazy="joined")

    def __str__(self) -> str:
        # Shown where FAB names the row (a delete's confirmation, a flash message).
        unit = (ngettext("%(num)d business day", "%(num)d business days", self.days)
                if self.business_days else
                ngettext("%(num)d day", "%(num)d days", self.days))
        return gettext("%(state)s, %(complexity)s: %(delay)s",
                       state=self.state or gettext("any state"),
                       complexity=self.complexity or gettext("any complexity"), delay=unit)


class Holiday(Model):
    """A public holiday, skipped when deadlines count business days."""

    __tablename__ = "holiday"

    id = Column(Integer, primary_key=True)
    day = Column(Date, unique=True, nullable=False)
    label = Column(String(150))

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.label or ''}".strip()


# NULL means "any": a plain unique constraint would let two "any × any" rules in.
Index("uq_deadline_rule_scope", func.coalesce(DeadlineRule.state_id, 0),
      func.coalesce(DeadlineRule.complexity_id, 0), unique=True)
