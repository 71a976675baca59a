"""The outbox: every email the product sends is a row here first (DESIGN.md §1).

Written in the same transaction as the change that causes it, so no email is lost when
the SMTP server is down, and archived on its complaint once sent.
"""

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from app.models.base import Model, utcnow

PENDING, SENT, FAILED = "pending", "sent", "failed"
STATUSES = (PENDING, SENT, FAILED)


class OutboundEmail(Model):
    __tablename__ = "outbound_email"
    __table_args__ = (
        # The delivery pass reads "pending and due" rows in this order.
        Index("ix_outbound_email_status_next", "status", "next_attempt_at"),
    )

    id = Column(Integer, primary_key=True)
    # The email outlives a deleted complaint only if never sent (deletion is blocked
    # otherwise), hence SET NULL rather than CASCADE.
    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="SET NULL"), index=True)
    recipient = Column(String(320), nullable=False)
    language = Column(String(5), nullable=False, default="fr")
    subject = Column(String(255), nullable=False)
    body_text = Column(Text, nullable=False)
    body_html = Column(Text)
    status = Column(String(10), nullable=False, default=PENDING)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow)
    last_error = Column(Text)
    refused_recipients = Column(Text)
    # One key per alert: the same alert is never queued twice, whoever queues it.
    dedupe_key = Column(String(200), unique=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    sent_at = Column(DateTime)
    # Claim lease: a delivery pass owns the row until this plus the lease has passed
    # (a pass that died mid-send releases its rows that way).
    sending_started_at = Column(DateTime)

    complaint = relationship("Complaint")

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"
