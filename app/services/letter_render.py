"""Renders one user-uploaded letter template, in a process of its own.

``app/services/letters.py`` runs ``python -I letter_render.py`` with a JSON request on
standard input and reads a JSON answer on standard output; it kills the process at
LETTER_RENDER_SECONDS. This file imports nothing of the application (run by path, it
starts in ~0.2 s: docxtpl and Jinja only).

Why a process and not a budget inside the web worker: a template is user input that Jinja
runs as code. The sandbox keeps it away from Python's internals, not from computing:
nested loops of 10^8 turns, ``10 ** 10 ** 9`` (one C call that no signal interrupts),
``"x" * 10 ** 10``, a filter on a huge string. Python cannot stop a running thread, an
alarm signal needs the main thread and waits for the C call to end, and counting loop
turns in the sandbox would miss every other way. A child process stops at the deadline
whatever it does (the kernel kills it), its memory is capped (RLIMIT_AS), and the worker
only waits on a pipe. Inside the child, the output is still counted as it is produced, so
a template that writes too much is refused at once rather than when the time is up.
"""

import base64
import io
import json
import resource
import sys
import zipfile

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml.etree import LxmlError

LOGO_HEIGHT = Mm(18)  # the width follows the image's proportions

# The answer's "error" when the template does not render.
TEMPLATE_ERROR = "template"  # with "detail": Jinja's message
NOT_A_DOCX = "not_a_docx"
TOO_LONG = "too_long"
OUT_OF_MEMORY = "memory"


class TooLong(Exception):
    """The rendered letter passed the output budget."""


class LetterSandbox(SandboxedEnvironment):
    """Jinja's sandbox with autoescape, refusing (not silently emptying) any reach for
    internals, and stopping once the output passes ``max_chars`` characters."""

    def __init__(self, max_chars: int | None = None):
        super().__init__(autoescape=True)
        self.chars_left = max_chars

    def unsafe_undefined(self, obj, attribute):
        raise SecurityError(f"access to attribute {attribute!r} of "
                            f"{type(obj).__name__!r} object is unsafe.")

    def concat(self, chunks):
        """Every rendered output (the document, its headers and footers, a macro's or a
        ``{% set %}`` block's) is joined here (Jinja's ``Environment.concat``): counted
        as it comes, so a loop that writes too much stops when it passes the budget."""
        if self.chars_left is None:
            return "".join(chunks)
        kept = []
        for chunk in chunks:
            self.chars_left -= len(chunk)
            if self.chars_left < 0:
                raise TooLong()
            kept.append(chunk)
        return "".join(kept)


def render_docx(template: bytes, context: dict, logo: bytes | None,
                max_chars: int | None) -> bytes:
    """The DOCX rendered with ``context``, ``logo`` (PNG/JPEG bytes) as ``{{ logo }}``."""
    document = DocxTemplate(io.BytesIO(template))
    context = {**context, "logo": _logo(document, logo)}
    document.render(context, jinja_env=LetterSandbox(max_chars), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _logo(document, logo: bytes | None):
    # Jinja calls the image's __html__ (autoescape): it inserts the picture in the run.
    return InlineImage(document, io.BytesIO(logo), height=LOGO_HEIGHT) if logo else ""


def placeholders_of(template: bytes) -> list[str]:
    """The names the template reads (parsed, not run)."""
    document = DocxTemplate(io.BytesIO(template))
    return sorted(document.get_undeclared_template_variables(LetterSandbox()))


def answer(request: dict) -> dict:
    """The JSON answer to one request (see ``main``)."""
    template = base64.b64decode(request["template"])
    logo = base64.b64decode(request["logo"]) if request.get("logo") else None
    try:
        docx = render_docx(template, request["context"], logo, request.get("max_chars"))
        names = placeholders_of(template) if request.get("placeholders") else []
    except TooLong:
        return {"error": TOO_LONG}
    except MemoryError:
        return {"error": OUT_OF_MEMORY}
    except TemplateError as exc:
        return {"error": TEMPLATE_ERROR, "detail": exc.message or type(exc).__name__}
    except (LxmlError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        return {"error": NOT_A_DOCX, "detail": repr(exc)[:500]}
    return {"docx": base64.b64encode(docx).decode("ascii"), "placeholders": names}


def main() -> None:
    """Read ``{"template", "context", "logo", "max_chars", "memory_mb", "placeholders"}``
    (bytes in base64) on stdin, write ``{"docx", "placeholders"}`` or ``{"error"}``."""
    request = json.load(sys.stdin)
    memory = request.get("memory_mb")
    if memory:
        limit = int(memory) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    json.dump(answer(request), sys.stdout)


if __name__ == "__main__":
    main()
