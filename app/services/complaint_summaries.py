"""What a client's complaints tab shows of each complaint when its row unfolds: how many
files, emails and letters it has, in three grouped counts for the whole tab (never one
query a row)."""

from dataclasses import dataclass

from sqlalchemy import func, select

from app.models import Attachment, GeneratedDocument, OutboundEmail


@dataclass(frozen=True)
class DocumentCounts:
    attachments: int = 0
    emails: int = 0
    letters: int = 0

    @property
    def total(self) -> int:
        return self.attachments + self.emails + self.letters


def document_counts(session, complaint_ids: list[int]) -> dict[int, DocumentCounts]:
    """``{complaint id: DocumentCounts}`` for each of ``complaint_ids``."""
    if not complaint_ids:
        return {}
    counted = {}
    for name, model in (("attachments", Attachment), ("emails", OutboundEmail),
                        ("letters", GeneratedDocument)):
        counted[name] = dict(session.execute(
            select(model.complaint_id, func.count()).where(
                model.complaint_id.in_(complaint_ids)).group_by(model.complaint_id)).all())
    return {pk: DocumentCounts(**{name: counts.get(pk, 0)
                                  for name, counts in counted.items()})
            for pk in complaint_ids}
