"""Word letters: DOCX templates managed by admins and the letters generated from them.

Files are kept in the database (LargeBinary): the simplest storage that every
application host shares (DESIGN.md §6, ``FILE_STORAGE=database``).
"""

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import deferred, relationship

from app.models.base import Model, utcnow

PURPOSES = ("acknowledgement", "answer", "closure", "other")
LANGUAGES = ("fr", "en")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentTemplate(Model):
    __tablename__ = "document_template"

    id = Column(Integer, primary_key=True)
    name = Column(String(150), nullable=False, unique=True)
    purpose = Column(String(20), nullable=False, default="other")
    language = Column(String(5), nullable=False, default="fr")
    filename = Column(String(255), nullable=False)
    # Deferred: lists and selects never load the file.
    content = deferred(Column(LargeBinary, nullable=False))
    active = Column(Boolean, nullable=False, default=True)
    uploaded_by_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    uploaded_at = Column(DateTime, nullable=False, default=utcnow)

    uploaded_by = relationship("AppUser")

    def __str__(self) -> str:
        return self.name or ""


class GeneratedDocument(Model):
    """A letter rendered for one complaint; its existence forbids deleting the complaint."""

    __tablename__ = "generated_document"

    id = Column(Integer, primary_key=True)
    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="CASCADE"),
                          nullable=False, index=True)
    template_id = Column(Integer, ForeignKey("document_template.id", ondelete="SET NULL"))
    filename = Column(String(255), nullable=False)
    content = deferred(Column(LargeBinary, nullable=False))
    mime_type = Column(String(127), nullable=False, default=DOCX_MIME)
    created_by_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at = Column(DateTime, nullable=False, default=utcnow)

    complaint = relationship("Complaint")
    template = relationship(DocumentTemplate)
    created_by = relationship("AppUser")

    def __str__(self) -> str:
        return self.filename or ""
