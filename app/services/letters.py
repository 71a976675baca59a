"""Word letters: checking uploaded DOCX templates, rendering them safely, generating a
letter for a complaint (stored, with an Event in the same transaction).

Templates are user uploads: the zip is checked for decompression bombs before anything
parses it, and docxtpl renders in a sandboxed Jinja environment with autoescape, so a
template can neither reach Python internals nor break the XML with ``&`` or ``<``. It
renders in a process of its own (app/services/letter_render.py says why), stopped after
LETTER_RENDER_SECONDS, with at most LETTER_MAX_CHARS characters of output and
LETTER_RENDER_MEMORY_MB of memory: at upload and at every letter.
"""

import base64
import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.domain import events as ev
from app.domain.deletion import GENERATED_DOCUMENTS
from app.domain.files import ZIP_BOMB, Refused, ZipLimits, check_zip
from app.domain.letters import letter_context, letter_filename, sample_context
from app.domain.letters import unknown_placeholders as _unknown
from app.models import DocumentTemplate, Event, GeneratedDocument
from app.models.letters import DOCX_MIME
from app.services import letter_render, letterhead
from app.services import pdf as pdf_service
from app.services.clock import to_local, utcnow
from app.services.deletion import TRACE_COUNTERS
from app.services.exceptions import ServiceError
from app.services.settings import get_setting

logger = logging.getLogger(__name__)

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024  # the upload itself
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # all members once inflated
MAX_RATIO = 100  # inflated size / upload size
MAX_MEMBERS = 1000
ZIP_LIMITS = ZipLimits(MAX_UNCOMPRESSED_BYTES, MAX_RATIO, MAX_MEMBERS)
MAIN_PART = "word/document.xml"
RENDERER = Path(letter_render.__file__)


@dataclass(frozen=True)
class RenderLimits:
    """How long, how much output and how much memory one rendering may take."""

    seconds: float = 5.0
    max_chars: int = 5_000_000
    memory_mb: int = 512

    @classmethod
    def from_config(cls, config) -> "RenderLimits":
        """The limits of the application's configuration (defaults for missing keys)."""
        config = config or {}
        return cls(seconds=config.get("LETTER_RENDER_SECONDS") or cls.seconds,
                   max_chars=config.get("LETTER_MAX_CHARS") or cls.max_chars,
                   memory_mb=config.get("LETTER_RENDER_MEMORY_MB") or cls.memory_mb)


class NotADocx(ServiceError):
    def __init__(self):
        super().__init__(_l("This file is not a Word document (.docx)."))


class ZipBomb(ServiceError):
    def __init__(self):
        super().__init__(_l("This file inflates to an unreasonable size once opened: "
                            "it is refused."))


class TooLarge(ServiceError):
    def __init__(self):
        super().__init__(_l("The template is too large (at most %(mb)s MB)."),
                         mb=MAX_TEMPLATE_BYTES // (1024 * 1024))


class RenderFailed(ServiceError):
    def __init__(self, error):
        super().__init__(_l("The template cannot be rendered: %(error)s"), error=error)


class RenderTooSlow(ServiceError):
    def __init__(self, seconds):
        super().__init__(_l("The template takes too long to render (more than %(seconds)s "
                            "seconds): check its loops."), seconds=f"{seconds:g}")


class RenderTooLong(ServiceError):
    def __init__(self, chars):
        super().__init__(_l("The letter would be too long (more than %(chars)s characters): "
                            "check the template's loops."), chars=chars)


class RenderTooLarge(ServiceError):
    def __init__(self, megabytes):
        super().__init__(_l("The template needs too much memory to render (more than "
                            "%(mb)s MB): check its loops."), mb=megabytes)


class RendererFailed(ServiceError):
    def __init__(self):
        super().__init__(_l("The letter could not be rendered. Please try again."))


def check_docx(data: bytes) -> None:
    """Refuse what is not a DOCX, or would inflate too much, before any parsing."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TooLarge()
    try:
        names = check_zip(data, ZIP_LIMITS)
    except Refused as refused:
        if refused.reason == ZIP_BOMB:
            raise ZipBomb() from None
        raise NotADocx() from None
    if MAIN_PART not in names:
        raise NotADocx()


def render(template_bytes: bytes, context: dict[str, str], logo: bytes | None = None,
           limits: RenderLimits | None = None) -> bytes:
    """The DOCX rendered with ``context`` (sandboxed, autoescaped, within ``limits``), with
    ``logo`` (PNG or JPEG bytes, already checked) as ``{{ logo }}``; ServiceError if it
    does not render."""
    check_docx(template_bytes)
    return _run_renderer(template_bytes, context, logo, limits or RenderLimits())[0]


def validate_template(data: bytes, limits: RenderLimits | None = None) -> list[str]:
    """Check an uploaded template; return its unknown placeholders (warnings).

    Raises ServiceError when it is not a DOCX, is a zip bomb, or fails to render with
    the example values of every placeholder within ``limits``.
    """
    check_docx(data)
    _, used = _run_renderer(data, sample_context(), None, limits or RenderLimits(),
                            placeholders=True)
    return _unknown(used)


def _run_renderer(template: bytes, context, logo, limits: RenderLimits,
                  placeholders=False) -> tuple[bytes, list[str]]:
    request = json.dumps({
        "template": base64.b64encode(template).decode("ascii"), "context": context,
        "logo": base64.b64encode(logo).decode("ascii") if logo else None,
        "max_chars": limits.max_chars, "memory_mb": limits.memory_mb,
        "placeholders": placeholders}).encode()
    try:
        # -I: nothing from the environment or the working directory is imported.
        done = subprocess.run([sys.executable, "-I", str(RENDERER)], input=request,
                              capture_output=True, timeout=limits.seconds, check=False)
    except subprocess.TimeoutExpired:  # run() has killed it
        logger.warning("letter template stopped after %s s", limits.seconds)
        raise RenderTooSlow(limits.seconds) from None
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        logger.error("letter renderer failed (exit %s): %s", done.returncode,
                     done.stderr.decode(errors="replace")[-2000:])
        raise RendererFailed()
    return _answered(answer, limits)


def _answered(answer: dict, limits: RenderLimits) -> tuple[bytes, list[str]]:
    error = answer.get("error")
    if error == letter_render.TOO_LONG:
        raise RenderTooLong(limits.max_chars)
    if error == letter_render.OUT_OF_MEMORY:
        raise RenderTooLarge(limits.memory_mb)
    if error == letter_render.TEMPLATE_ERROR:
        raise RenderFailed(answer.get("detail") or "?")
    if error is not None:
        logger.info("template does not render: %s", answer.get("detail"))
        raise NotADocx()
    return base64.b64decode(answer["docx"]), answer.get("placeholders") or []


def _context(session, complaint, actor, now, language) -> dict[str, str]:
    tz = get_setting(session, "time_zone")
    client = complaint.client
    return letter_context(
        organisation_name=get_setting(session, "organisation_name"),
        organisation_address=get_setting(session, "organisation_address"),
        date=_long_date(now, tz, language),
        tracking_number=complaint.tracking_number,
        complainant_name=complaint.complainant_name or (client.name if client else ""),
        complainant_address=complaint.complainant_address or (client.address if client else ""),
        client_name=client.name if client else "",
        received_date=_long_date(complaint.received_at, tz, language),
        subject=complaint.subject,
        description=complaint.description,
        resolution=complaint.resolution,
        agent_name=_person(actor),
    )


def generate_letter(session, complaint, template, actor, now=None, config=None,
                    pdf=False) -> GeneratedDocument:
    """Render ``template`` for ``complaint``, store it and write the Event; commit.

    ``config`` (the application's configuration) gives the letterhead logo's store and
    LibreOffice; with ``pdf`` the letter is also converted to PDF, stored beside the DOCX
    (one Event each), and the PDF is returned. Nothing is stored if the conversion fails.
    """
    now = now or utcnow()
    context = _context(session, complaint, actor, now, template.language)
    logo = letterhead.logo_bytes(session, config) if config is not None else None
    filename = letter_filename(complaint.tracking_number, template.purpose, template.language)
    complaint_id, template_id, template_name, user_id = (
        complaint.id, template.id, template.name, getattr(actor, "id", None))
    content = render(template.content, context, logo, RenderLimits.from_config(config))
    documents = [(filename, content, DOCX_MIME)]
    if pdf:
        documents.append((filename.removesuffix(".docx") + ".pdf",
                          _to_pdf(session, content, config), pdf_service.PDF_MIME))
    complaint.last_action_at = now
    for name, data, mime in documents:
        document = GeneratedDocument(
            complaint_id=complaint_id, template_id=template_id, mime_type=mime,
            filename=name, content=data, created_by_id=user_id, created_at=now)
        session.add(document)
        session.add(Event(complaint_id=complaint_id, kind=ev.DOCUMENT_GENERATED,
                          actor_kind=ev.ACTOR_USER, user_id=user_id, created_at=now,
                          new_value=name, detail=template_name))
    session.commit()
    logger.info("letter %s generated for complaint %s", document.filename, complaint_id)
    return document


def _to_pdf(session, docx: bytes, config) -> bytes:
    soffice = pdf_service.soffice_path(config or {})
    if soffice is None:
        raise pdf_service.ConversionFailed()
    # End the (read) transaction first: on SQLite every transaction holds the write lock,
    # which nobody else should wait on while LibreOffice works.
    session.commit()
    return pdf_service.docx_to_pdf(docx, soffice, config.get("SOFFICE_TIMEOUT", 60))


def active_templates(session) -> list[DocumentTemplate]:
    """Templates offered on the complaint page, by language then name."""
    return session.scalars(select(DocumentTemplate).where(DocumentTemplate.active.is_(True))
                           .order_by(DocumentTemplate.language, DocumentTemplate.name)).all()


def documents_of(session, complaint) -> list[GeneratedDocument]:
    """The complaint's generated letters, newest first (its "Documents & emails" tab)."""
    return session.scalars(select(GeneratedDocument).where(
        GeneratedDocument.complaint_id == complaint.id)
        .order_by(GeneratedDocument.id.desc())).all()


def count_generated_documents(session, complaint) -> int:
    """Letters generated for ``complaint``: any one forbids deleting it (DESIGN.md §2)."""
    return session.scalar(select(func.count()).select_from(GeneratedDocument).where(
        GeneratedDocument.complaint_id == complaint.id))


def _long_date(value, tz, language) -> str:
    if value is None:
        return ""
    return format_date(to_local(value, tz).date(), format="long", locale=language)


def _person(actor) -> str:
    if actor is None:
        return ""
    name = f"{getattr(actor, 'first_name', '') or ''} {getattr(actor, 'last_name', '') or ''}"
    return name.strip() or str(actor)


# The deletion service asks every feature that sends what it sent.
TRACE_COUNTERS[GENERATED_DOCUMENTS] = count_generated_documents
