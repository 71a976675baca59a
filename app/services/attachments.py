"""Files attached to complaints: checked (size, sniffed type, decompression bombs), stored
under random names, listed, downloaded, removed — every upload and removal written to the
complaint's history in the same transaction.
"""

import hashlib
import logging
import re
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from app.domain import events as ev
from app.domain import files
from app.models import Attachment, Event
from app.services import storage
from app.services.clock import utcnow
from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)

REFUSALS = {
    files.EMPTY: _l("“%(name)s” is empty."),
    files.EXECUTABLE: _l("“%(name)s” is a program or a script: such files are refused."),
    files.UNSUPPORTED: _l("“%(name)s” is not an accepted kind of file (PDF, images, Office "
                          "or OpenDocument documents, text, CSV), whatever its name says."),
    files.ZIP_BOMB: _l("“%(name)s” inflates to an unreasonable size once opened: it is "
                       "refused."),
}


class FileRefused(ServiceError):
    def __init__(self, name: str, reason: str):
        super().__init__(REFUSALS.get(reason, REFUSALS[files.UNSUPPORTED]), name=name)
        self.reason = reason


class FileTooLarge(ServiceError):
    def __init__(self, name: str, max_bytes: int):
        super().__init__(_l("“%(name)s” is too large: at most %(max)s a file."), name=name,
                         max=reader_size(max_bytes))


class TooManyFiles(ServiceError):
    def __init__(self, max_files: int):
        super().__init__(_l("At most %(n)s files at once."), n=max_files)


class NoFile(ServiceError):
    def __init__(self):
        super().__init__(_l("Choose one or more files to attach."))


class NotAllowed(ServiceError):
    def __init__(self):
        super().__init__(_l("Only the person who attached this file, a supervisor or an "
                            "admin can remove it."))


@dataclass(frozen=True)
class Upload:
    """One uploaded file as received: its name as the browser sent it, and its bytes
    (read up to one byte past the limit, so an oversize file is recognised)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Checked:
    name: str
    data: bytes
    content_type: str


def check_upload(upload: Upload, max_bytes: int) -> Checked:
    """The upload with its clean name and sniffed type, or FileTooLarge / FileRefused."""
    name = files.clean_filename(upload.name)
    if len(upload.data) > max_bytes:
        raise FileTooLarge(name, max_bytes)
    try:
        content_type = files.sniff(upload.data)
    except files.Refused as refused:
        raise FileRefused(name, refused.reason) from None
    return Checked(name, upload.data, content_type)


def add_attachments(session, complaint, uploads: list[Upload], actor, config,
                    now=None) -> list[Attachment]:
    """Check every upload, then store them all with one Event each; commit.

    All or nothing: one refused file and nothing is stored.
    """
    if not uploads:
        raise NoFile()
    if len(uploads) > config["ATTACHMENT_MAX_FILES"]:
        raise TooManyFiles(config["ATTACHMENT_MAX_FILES"])
    checked = [check_upload(upload, config["ATTACHMENT_MAX_BYTES"]) for upload in uploads]
    store, now = storage.default_storage(config), now or utcnow()
    added = []
    try:
        for item in checked:
            added.append(_store(session, store, complaint, item, actor, now))
        session.commit()
    except BaseException:
        session.rollback()  # and the files written so far are removed
        raise
    logger.info("%s file(s) attached to %s", len(added), complaint.tracking_number)
    return added


def check_uploads(uploads: list[Upload], config) -> list[Checked]:
    """Every upload checked (count, size, type); raises on the first refused one. No
    upload at all is fine (a message may have no file)."""
    if len(uploads) > config["ATTACHMENT_MAX_FILES"]:
        raise TooManyFiles(config["ATTACHMENT_MAX_FILES"])
    return [check_upload(upload, config["ATTACHMENT_MAX_BYTES"]) for upload in uploads]


def stage_files(session, complaint, checked: list[Checked], actor, config, now,
                message=None, actor_kind=ev.ACTOR_USER) -> list[Attachment]:
    """Store checked files on the complaint (and ``message``), one Event each, without
    committing: the caller commits, and a rollback removes the files written."""
    store = storage.default_storage(config)
    return [_store(session, store, complaint, item, actor, now, message, actor_kind)
            for item in checked]


def _store(session, store, complaint, item: Checked, actor, now, message=None,
           actor_kind=ev.ACTOR_USER) -> Attachment:
    name = storage.new_name()
    store.save(session, name, item.data)
    attachment = Attachment(
        complaint_id=complaint.id, original_name=item.name, storage=store.kind,
        stored_name=name, content_type=item.content_type, size=len(item.data),
        sha256=hashlib.sha256(item.data).hexdigest(), uploaded_by_id=getattr(actor, "id", None),
        uploaded_at=now, message=message)
    session.add(attachment)
    session.add(Event(complaint_id=complaint.id, kind=ev.ATTACHMENT_ADDED,
                      actor_kind=actor_kind, user_id=attachment.uploaded_by_id,
                      created_at=now, new_value=item.name, detail=human_size(len(item.data))))
    return attachment


def may_remove(attachment, actor, removes_any: bool) -> bool:
    """The uploader, or someone allowed to remove any file (supervisors, admins)."""
    return removes_any or (actor is not None and attachment.uploaded_by_id == actor.id)


def remove_attachment(session, attachment, actor, config, removes_any=False, now=None):
    """Remove the file and its row, with an Event; commit (the file goes after commit)."""
    if not may_remove(attachment, actor, removes_any):
        raise NotAllowed()
    now = now or utcnow()
    storage.storage_for(attachment.storage, config).remove(session, attachment.stored_name)
    session.add(Event(complaint_id=attachment.complaint_id, kind=ev.ATTACHMENT_REMOVED,
                      actor_kind=ev.ACTOR_USER, user_id=getattr(actor, "id", None),
                      created_at=now, old_value=attachment.original_name,
                      detail=attachment.sha256))
    session.delete(attachment)
    session.commit()


def discard_files_of(session, complaint, config) -> None:
    """Deleting a complaint: its files leave the store with it (after the commit)."""
    for attachment in complaint.attachments:
        storage.storage_for(attachment.storage, config).remove(session, attachment.stored_name)


def content_of(session, attachment, config) -> bytes:
    """The bytes of an attachment, from whichever store holds them."""
    return storage.storage_for(attachment.storage, config).load(session, attachment.stored_name)


def attachments_of(session, complaint) -> list[Attachment]:
    """The complaint's files, newest first."""
    return session.scalars(select(Attachment).where(Attachment.complaint_id == complaint.id)
                           .order_by(Attachment.id.desc())).all()


def _size(n: int) -> tuple[float, str]:
    """``(value, unit)``, the value rounded as people read it (3.4, 10, 512)."""
    for unit, scale in (("MB", 1024 ** 2), ("KB", 1024)):
        if n >= scale:
            value = n / scale
            return (round(value) if value >= 10 else round(value, 1)), unit
    return n, "B"


def human_size(n: int) -> str:
    """``512 B``, ``3.4 KB``, ``10 MB``: sizes as people read them, in English (stored in
    a complaint's history, which shows them in its reader's language: ``size_text``)."""
    value, unit = _size(n)
    return f"{value:g} {unit}"


SIZE = re.compile(r"^(\d+(?:\.\d+)?) (B|KB|MB)$")


def size_text(value: float, unit: str):
    """A size in the reader's language when shown (a lazy string): ``10 Mo``, ``3,4 Ko``
    in French, ``10 MB``, ``3.4 KB`` in English."""
    number = LazyString(format_decimal, value, "0.#")
    if unit == "MB":
        return _l("%(n)s MB", n=number)
    if unit == "KB":
        return _l("%(n)s KB", n=number)
    return _l("%(n)s B", n=number)


def reader_size(n: int):
    """``human_size`` in the reader's language (a lazy string, see ``size_text``)."""
    return size_text(*_size(n))


def shown_size(stored: str):
    """A size ``human_size`` stored, in the reader's language; other text as it is."""
    match = SIZE.match(stored or "")
    return size_text(float(match.group(1)), match.group(2)) if match else stored
