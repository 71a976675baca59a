"""On-screen notifications: the bell in the navbar and the list behind it.

A row stores what happened (``kind``) and the complaint's tracking number, not a sentence:
the sentence is rendered at display time, in the reader's language.
"""

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from app.models.base import Model, utcnow

ASSIGNED, REMINDER_DUE = "assigned", "reminder_due"
# The complainant wrote (portal or email): for the assignee.
MESSAGE_RECEIVED = "message_received"
# Raised by notification rules (app/domain/alert_rules.py): "rule_<condition>".
RULE_NO_ACTION, RULE_DUE_WITHIN, RULE_OVERDUE, RULE_REMINDER_DUE = (
    "rule_no_action", "rule_due_within", "rule_overdue", "rule_reminder_due")


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


class NotificationRule(Model):
    """When to alert, whom, and how: editable by admins (Configuration), applied by the
    rule scan (app/services/alert_rules.py). See app/domain/alert_rules.py."""

    __tablename__ = "notification_rule"

    id = Column(Integer, primary_key=True)
    name = Column(String(150), nullable=False)
    condition = Column(String(20), nullable=False)
    days = Column(Integer)
    to_assignee = Column(Boolean, nullable=False, default=False)
    to_team_manager = Column(Boolean, nullable=False, default=False)
    to_supervisors = Column(Boolean, nullable=False, default=False)
    fixed_address = Column(String(320))
    by_email = Column(Boolean, nullable=False, default=True)
    on_screen = Column(Boolean, nullable=False, default=True)
    by_sms = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # The scan has alerted everything this rule matched up to here: the next one reads
    # only what fell due or changed since (NULL: a new or edited rule reads everything).
    checked_until = Column(DateTime)

    def __str__(self) -> str:
        return self.name or ""


class RuleAlert(Model):
    """One occurrence of a rule on a complaint: the unique key that makes every alert
    exactly-once. Inserted (ON CONFLICT DO NOTHING) in the same transaction as the
    notifications and emails it causes, so two scans, or two schedulers, alert once.

    ``occurrence_at`` is the fact that fired: the deadline for "overdue" / "due within",
    the last action for "no action", the due date for "reminder due" (``reminder_id``
    tells which reminder; 0 for the other conditions, so the unique key has no NULL).
    """

    __tablename__ = "rule_alert"
    __table_args__ = (
        UniqueConstraint("rule_id", "complaint_id", "reminder_id", "occurrence_at",
                         name="uq_rule_alert_occurrence"),
    )

    id = Column(Integer, primary_key=True)
    rule_id = Column(Integer, ForeignKey("notification_rule.id", ondelete="CASCADE"),
                     nullable=False)
    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="CASCADE"),
                          nullable=False, index=True)
    reminder_id = Column(Integer, nullable=False, default=0)
    occurrence_at = Column(DateTime, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
