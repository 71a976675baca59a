"""Satisfaction surveys sent at closure, and the retention period of each request type
(a column of ``request_type``, added in migration 0016)."""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from app.models.base import Model, utcnow


class SatisfactionSurvey(Model):
    """One survey per closure of a complaint: the link's token is stored as its SHA-256
    only (a leaked database gives no working link), valid until ``expires_at``."""

    __tablename__ = "satisfaction_survey"
    # The closure a survey belongs to: closing twice at once (two requests) makes one.
    __table_args__ = (UniqueConstraint("complaint_id", "closed_at",
                                       name="uq_satisfaction_survey_closure"),)

    id = Column(Integer, primary_key=True)
    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="CASCADE"),
                          nullable=False, index=True)
    closed_at = Column(DateTime, nullable=False)
    token_hash = Column(String(64), nullable=False, unique=True)
    sent_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)
    answered_at = Column(DateTime)
    satisfied = Column(Boolean)
    rating = Column(Integer)
    comment = Column(Text)
    # The complaint was reopened because of this answer (once per survey).
    reopened_at = Column(DateTime)

    complaint = relationship("Complaint")
