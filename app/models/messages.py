"""Two-way messages between staff and the complainant, response templates, and the
emails taken in (so that a mail delivered twice is taken in once)."""

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import backref, relationship

from app.models.base import Model, utcnow

IN, OUT = "in", "out"


class Message(Model):
    """A message on a complaint: ``in`` from the complainant (portal or email), ``out``
    from staff (emailed through the outbox). Never shows internal notes."""

    __tablename__ = "message"
    __table_args__ = (
        # The Messages tab lists a complaint's thread; the unread flag is read per complaint.
        Index("ix_message_complaint_id_id", "complaint_id", "id"),
    )

    id = Column(Integer, primary_key=True)
    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="CASCADE"),
                          nullable=False)
    direction = Column(String(3), nullable=False)  # in | out
    body = Column(Text, nullable=False)
    author_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    sender_email = Column(String(320))
    # "portal", "email" (intake) or "staff"
    source = Column(String(10), nullable=False, default="staff")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # Incoming messages stay unread until the assignee opens the Messages tab.
    unread = Column(Boolean, nullable=False, default=False)

    complaint = relationship(
        "Complaint",
        backref=backref("messages", order_by="Message.id", passive_deletes=True,
                        cascade="all, delete-orphan"))
    author = relationship("AppUser")
    attachments = relationship("Attachment", back_populates="message",
                               order_by="Attachment.id")

    def __str__(self) -> str:
        return f"{self.direction}: {self.body[:40]}"


class ResponseTemplate(Model):
    """A canned answer (FR or EN) that staff insert into a message; managed by admins."""

    __tablename__ = "response_template"

    id = Column(Integer, primary_key=True)
    name = Column(String(150), nullable=False)
    language = Column(String(5), nullable=False, default="fr")
    body = Column(Text, nullable=False)
    active = Column(Boolean, nullable=False, default=True)

    def __str__(self) -> str:
        return self.name or ""


class InboundEmail(Model):
    """One email taken in by ``flask intake email``, keyed by its Message-ID."""

    __tablename__ = "inbound_email"

    id = Column(Integer, primary_key=True)
    message_id = Column(String(255), nullable=False, unique=True)
    sender = Column(String(320))
    subject = Column(String(255))
    outcome = Column(String(20), nullable=False)  # message | complaint | ignored
    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="SET NULL"),
                          index=True)
    received_at = Column(DateTime, nullable=False, default=utcnow)


class PublicSubmission(Model):
    """A complaint sent through the public JSON API, accepted with its tracking number and
    registered as a complaint by the scheduler moments later (``registered_at``): the API
    answers in a couple of milliseconds, whatever the load on the complaint register."""

    __tablename__ = "public_submission"
    __table_args__ = (
        Index("ix_public_submission_waiting", "id",
              sqlite_where=text("registered_at IS NULL"),
              postgresql_where=text("registered_at IS NULL")),
    )

    id = Column(Integer, primary_key=True)
    tracking_number = Column(String(32), nullable=False, unique=True)
    payload = Column(Text, nullable=False)  # the checked fields, as JSON
    language = Column(String(5), nullable=False, default="fr")
    received_at = Column(DateTime, nullable=False, default=utcnow)
    registered_at = Column(DateTime)
    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="SET NULL"))
