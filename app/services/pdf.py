"""Letters as PDF, converted from the DOCX by LibreOffice when it is installed and
enabled (``LETTERS_PDF=1``; ``soffice`` on PATH or ``SOFFICE_PATH``)."""

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from flask_babel import lazy_gettext as _l

from app.services.exceptions import ServiceError

logger = logging.getLogger(__name__)

PDF_MIME = "application/pdf"


class ConversionFailed(ServiceError):
    def __init__(self):
        super().__init__(_l("The letter could not be converted to PDF; the Word version "
                            "can still be generated."))


def soffice_path(config) -> str | None:
    """The LibreOffice executable when PDF letters are enabled and it is installed."""
    if not config.get("LETTERS_PDF"):
        return None
    return shutil.which(config.get("SOFFICE_PATH") or "soffice")


def docx_to_pdf(docx: bytes, soffice: str, timeout: float = 60) -> bytes:
    """The PDF of a DOCX; ConversionFailed when LibreOffice fails or takes too long.

    Each conversion gets a profile of its own: concurrent soffice runs sharing one
    profile fail.
    """
    with tempfile.TemporaryDirectory(prefix="rec-pdf-") as tmp:
        work = Path(tmp)
        source = work / "letter.docx"
        source.write_bytes(docx)
        command = [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}",
                   "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(work),
                   str(source)]
        try:
            subprocess.run(command, check=True, timeout=timeout, capture_output=True,
                           stdin=subprocess.DEVNULL)
        except (subprocess.SubprocessError, OSError) as exc:
            logger.warning("PDF conversion failed: %r", exc)
            raise ConversionFailed() from None
        target = work / "letter.pdf"
        data = target.read_bytes() if target.exists() else b""
    if not data.startswith(b"%PDF-"):
        logger.warning("PDF conversion produced no PDF")
        raise ConversionFailed()
    return data
