"""The SMS outbox: every text message the product sends is a row here first.

Same life as an email of the outbox (app/models/outbox.py): written in the transaction of
the change that causes it, claimed by one delivery pass, retried with backoff, failed for
good when the provider refuses it, visible and retryable in Audit → SMS.
"""

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from app.models.base import Model, utcnow
from app.models.outbox import PENDING


class OutboundSms(Model):
    __tablename__ = "outbound_sms"
    __table_args__ = (
        Index("ix_outbound_sms_status_next", "status", "next_attempt_at"),
    )

    id = Column(Integer, primary_key=True)
    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="SET NULL"), index=True)
    # E.164 (app/domain/phones.py)
    recipient = Column(String(20), nullable=False)
    language = Column(String(5), nullable=False, default="fr")
    body = Column(Text, nullable=False)
    status = Column(String(10), nullable=False, default=PENDING)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow)
    last_error = Column(Text)
    # The provider's id of the accepted message (Twilio's SID, a gateway's id).
    provider_id = Column(String(100))
    dedupe_key = Column(String(200), unique=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    sent_at = Column(DateTime)
    sending_started_at = Column(DateTime)

    complaint = relationship("Complaint")

    def __str__(self) -> str:
        return f"{self.recipient}: {self.body[:40]}"
