"""IMAP mailboxes polled by the scheduler (Configuration → Mailboxes): where to connect,
what to do with a mail once taken in, the defaults of the complaints they open, and the
state of the last poll (shown in red when it failed)."""

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from app.domain.mailboxes import MARK_SEEN, TLS
from app.models.base import Model


class Mailbox(Model):
    __tablename__ = "mailbox"

    id = Column(Integer, primary_key=True)
    name = Column(String(100), unique=True, nullable=False)
    host = Column(String(255), nullable=False)
    port = Column(Integer, nullable=False, default=993)
    security = Column(String(10), nullable=False, default=TLS)  # tls | starttls | none
    username = Column(String(255), nullable=False)
    # Fernet token (app/services/secret_box.py), never the password itself.
    password_encrypted = Column(Text)
    folder = Column(String(255), nullable=False, default="INBOX")
    processed_action = Column(String(10), nullable=False, default=MARK_SEEN)  # seen|move|delete
    move_to = Column(String(255))
    request_type_id = Column(Integer, ForeignKey("request_type.id", ondelete="SET NULL"))
    channel_id = Column(Integer, ForeignKey("channel.id", ondelete="SET NULL"))
    team_id = Column(Integer, ForeignKey("team.id", ondelete="SET NULL"))
    active = Column(Boolean, nullable=False, default=True)
    # The last poll: when it ran, how it ended; failures in a row set the next try.
    last_polled_at = Column(DateTime)
    last_error = Column(Text)
    last_error_at = Column(DateTime)
    failures = Column(Integer, nullable=False, default=0)
    next_poll_at = Column(DateTime)
    # A poll claims the mailbox until then: a second scheduler leaves it alone meanwhile.
    claimed_until = Column(DateTime)
    taken_in = Column(Integer, nullable=False, default=0)

    request_type = relationship("RequestType")
    channel = relationship("Channel")
    team = relationship("Team")

    def __str__(self) -> str:
        return self.name or ""
