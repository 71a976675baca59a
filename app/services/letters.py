"""Word letters: checking uploaded DOCX templates, rendering them safely, generating a
letter for a complaint (stored, with an Event in the same transaction).

Templates are user uploads: the zip is checked for decompression bombs before anything
parses it, and docxtpl renders in a sandboxed Jinja environment with autoescape, so a
template can neither reach Python internals nor break the XML with ``&`` or ``<``.
"""

import io
import logging
import zipfile

from babel.dates import format_date
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml.etree import LxmlError
from sqlalchemy import func, select

from app.domain import events as ev
from app.domain.deletion import GENERATED_DOCUMENTS
from app.domain.files import ZIP_BOMB, Refused, ZipLimits, check_zip
from app.domain.letters import letter_context, letter_filename, sample_context
from app.domain.letters import unknown_placeholders as _unknown
from app.models import DocumentTemplate, Event, GeneratedDocument
from app.models.letters import DOCX_MIME
from app.services import letterhead
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
LOGO_HEIGHT = Mm(18)  # the width follows the image's proportions


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


class LetterSandbox(SandboxedEnvironment):
    """Jinja's sandbox, refusing (not silently emptying) any reach for internals."""

    def unsafe_undefined(self, obj, attribute):
        raise SecurityError(f"access to attribute {attribute!r} of "
                            f"{type(obj).__name__!r} object is unsafe.")


def sandbox() -> SandboxedEnvironment:
    """The Jinja environment every letter renders in."""
    return LetterSandbox(autoescape=True)


def render(template_bytes: bytes, context: dict[str, str], logo: bytes | None = None) -> bytes:
    """The DOCX rendered with ``context`` (sandboxed, autoescaped), with ``logo`` (PNG or
    JPEG bytes, already checked) as ``{{ logo }}``; ServiceError if it does not render."""
    check_docx(template_bytes)
    try:
        document = DocxTemplate(io.BytesIO(template_bytes))
        context = {**context, "logo": _logo(document, logo)}
        document.render(context, jinja_env=sandbox(), autoescape=True)
        out = io.BytesIO()
        document.save(out)
    except TemplateError as exc:
        raise RenderFailed(exc.message or type(exc).__name__) from None
    except (LxmlError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        logger.info("template does not render: %r", exc)
        raise NotADocx() from None
    return out.getvalue()


def _logo(document, logo: bytes | None):
    # Jinja calls the image's __html__ (autoescape): it inserts the picture in the run.
    return InlineImage(document, io.BytesIO(logo), height=LOGO_HEIGHT) if logo else ""


def validate_template(data: bytes) -> list[str]:
    """Check an uploaded template; return its unknown placeholders (warnings).

    Raises ServiceError when it is not a DOCX, is a zip bomb, or fails to render with
    the example values of every placeholder.
    """
    render(data, sample_context())
    try:
        used = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(sandbox())
    except TemplateError as exc:
        raise RenderFailed(exc.message or type(exc).__name__) from None
    return _unknown(used)


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
    content = render(template.content, context, logo)
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
