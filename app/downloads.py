"""File downloads shared by the back office and the complainant portal."""

import io

from flask import send_file


def send_document(content: bytes, filename: str, mime_type: str):
    """A stored file as a download (never shown inline)."""
    return send_file(io.BytesIO(content), mimetype=mime_type, as_attachment=True,
                     download_name=filename)
