"""The organisation's logo on the letterhead: an image uploaded by an admin, checked
(size, sniffed type, readable dimensions), kept in the file store; the setting
``organisation_logo`` says where ("<store>:<stored name>")."""

import logging
import struct

from docx.image.exceptions import (
    InvalidImageStreamError,
    UnexpectedEndOfFileError,
    UnrecognizedImageError,
)
from docx.image.image import Image
from flask_babel import lazy_gettext as _l

from app.domain import files
from app.models import Setting
from app.services import storage
from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)

LOGO_KEY = "organisation_logo"


class LogoRefused(ServiceError):
    def __init__(self):
        super().__init__(_l("The logo must be a PNG or JPEG image."))


class LogoTooLarge(ServiceError):
    def __init__(self, max_kb: int):
        super().__init__(_l("The logo is too large (at most %(kb)s KB)."), kb=max_kb)


def check_logo(data: bytes, max_bytes: int) -> str:
    """The logo's content type; LogoTooLarge or LogoRefused when it is not usable."""
    if len(data) > max_bytes:
        raise LogoTooLarge(max_bytes // 1024)
    try:
        content_type = files.sniff(data)
    except files.Refused:
        raise LogoRefused() from None
    if content_type not in files.IMAGES:
        raise LogoRefused()
    try:  # the header the letters' renderer reads: its size in pixels and DPI
        image = Image.from_blob(data)
    except (UnrecognizedImageError, InvalidImageStreamError, UnexpectedEndOfFileError,
            struct.error, ValueError, IndexError, KeyError, EOFError):
        raise LogoRefused() from None
    if not (0 < image.px_width <= 10000 and 0 < image.px_height <= 10000):
        raise LogoRefused()
    return content_type


def set_logo(session, data: bytes, config) -> None:
    """Check and store the new logo, replacing the old one; commit."""
    check_logo(data, config["LOGO_MAX_BYTES"])
    store = storage.default_storage(config)
    name = storage.new_name()
    store.save(session, name, data)
    _forget(session, config)
    session.add(Setting(key=LOGO_KEY, value=f"{store.kind}:{name}"))
    try:
        session.commit()
    except BaseException:
        session.rollback()
        raise


def remove_logo(session, config) -> None:
    """No logo on the letters any more; commit."""
    _forget(session, config)
    session.commit()


def logo_bytes(session, config) -> bytes | None:
    """The logo, or None when there is none (or its file is gone)."""
    where = _where(session)
    if where is None:
        return None
    try:
        return storage.storage_for(where[0], config).load(session, where[1])
    except (FileNotFoundError, ValueError):
        logger.warning("the letterhead logo %s:%s cannot be read", *where)
        return None


def _where(session):
    row = session.get(Setting, LOGO_KEY)
    kind, _, name = (row.value or "").partition(":") if row is not None else ("", "", "")
    return (kind, name) if kind in storage.KINDS and name else None


def _forget(session, config) -> None:
    where = _where(session)
    if where is not None:
        storage.storage_for(where[0], config).remove(session, where[1])
    row = session.get(Setting, LOGO_KEY)
    if row is not None:
        session.delete(row)
        session.flush()
