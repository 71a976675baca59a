"""Reading the portal's requests: form fields and uploaded files, bounded."""

from flask import current_app, request

from app.services.attachments import Upload

FIELDS = ("name", "email", "phone", "customer_number", "order_number", "request_type",
          "category", "subject", "description", "consent")
HONEYPOT = "website"


def form_data() -> dict:
    return {name: request.form.get(name, "") for name in FIELDS}


def uploads(field="files") -> list[Upload]:
    """The files of the request, each read one byte past the limit at most."""
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    return [Upload(f.filename, f.read(limit + 1))
            for f in request.files.getlist(field) if f and f.filename]


def is_bot(data) -> bool:
    """The honeypot field is hidden from people: whoever fills it is a robot."""
    return bool((data.get(HONEYPOT) or "").strip())
