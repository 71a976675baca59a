"""On-screen notifications: the bell in the navbar and the list behind it.

A row stores what happened (``kind``) and the complaint's tracking number, not a sentence:
the sentence is rendered at display time, in the reader's language.
"""

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from app.models.base import Model, utcnow

ASSIGNED, REMINDER_DUE = "assigned", "reminder_due"


class Notification(Model):
    __tablename__ = "notification"
    __table_args__ = (
        # The bell counts "unread of this user"; the list reads them newest first.
        Index("ix_notification_user_read", "user_id", "read_at", "id"),
    )

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="CASCADE"))
    kind = Column(String(40), nullable=False)
    tracking_number = Column(String(32))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    read_at = Column(DateTime)
    # One key per alert: two schedulers, or a second scan, never make a second row.
    dedupe_key = Column(String(200), nullable=False, unique=True)

    complaint = relationship("Complaint")
