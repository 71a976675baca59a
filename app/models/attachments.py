"""Files attached to complaints, and the file store kept in the database
(``FILE_STORAGE=database``)."""

from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import backref, deferred, relationship

from app.models.base import Model, utcnow


class Attachment(Model):
    """A file on a complaint: the original (Unicode) name for people, a random stored
    name for the store, and the type sniffed from its content."""

    __tablename__ = "attachment"

    id = Column(Integer, primary_key=True)
    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="CASCADE"),
                          nullable=False, index=True)
    original_name = Column(String(255), nullable=False)
    # Where the bytes are ("local" or "database") and under which random name: a row
    # stays readable after FILE_STORAGE changes.
    storage = Column(String(10), nullable=False, default="local")
    stored_name = Column(String(64), nullable=False, unique=True)
    content_type = Column(String(127), nullable=False)
    size = Column(BigInteger, nullable=False)
    sha256 = Column(String(64), nullable=False)
    uploaded_by_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    uploaded_at = Column(DateTime, nullable=False, default=utcnow)
    # A file sent with a message (portal, email, staff): the complainant sees those only.
    message_id = Column(Integer, ForeignKey("message.id", ondelete="CASCADE"), index=True)

    complaint = relationship(
        "Complaint",
        backref=backref("attachments", order_by="Attachment.id.desc()", passive_deletes=True,
                        cascade="all, delete-orphan"))
    uploaded_by = relationship("AppUser")
    message = relationship("Message", back_populates="attachments")

    def __str__(self) -> str:
        return self.original_name or ""


class StoredFile(Model):
    """The bytes of a file when the store is the database."""

    __tablename__ = "stored_file"

    name = Column(String(64), primary_key=True)
    content = deferred(Column(LargeBinary, nullable=False))
    created_at = Column(DateTime, nullable=False, default=utcnow)
