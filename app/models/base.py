"""Shared column helpers and the reference-list mixin."""

from datetime import UTC, datetime

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Integer, String

from app.i18n import current_language


def utcnow() -> datetime:
    """Naive UTC now: every timestamp is stored in UTC and shown in the user's time zone."""
    return datetime.now(UTC).replace(tzinfo=None)


def id_of(obj):
    """The primary key of a loaded row, or None (for "no team", "no assignee", …)."""
    return getattr(obj, "id", None) if obj is not None else None


class LabelledMixin:
    """A row with a stable code and a French and an English label."""

    code = Column(String(50), unique=True, nullable=False)
    label_fr = Column(String(150), nullable=False)
    label_en = Column(String(150), nullable=False)

    @property
    def label(self) -> str:
        return self.label_en if current_language() == "en" else self.label_fr

    def __str__(self) -> str:
        return self.label or self.code or ""


class ReferenceMixin(LabelledMixin):
    """A reference list item: code, FR/EN labels, display order, active flag."""

    id = Column(Integer, primary_key=True)
    position = Column(Integer, nullable=False, default=0)
    active = Column(Boolean, nullable=False, default=True)


__all__ = ["Model", "utcnow", "id_of", "LabelledMixin", "ReferenceMixin"]
