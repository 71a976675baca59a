"""Logging: one handler on the root logger, plain text (default) or one JSON object a line
(``LOG_FORMAT=json``, for log collectors), with the request id on every line logged while
a request is served (``-`` / null elsewhere). The id is sent back as ``X-Request-ID``;
behind TRUSTED_PROXIES the proxy's own ``X-Request-ID`` is kept, so both logs agree.
"""

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime

PLAIN = "%(asctime)s %(levelname)s [%(name)s] [%(request_id)s] %(message)s"
HEADER = "X-Request-ID"
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# Framework loggers whose messages are not ours to print:
QUIET = {
    # FAB warns at every start, for each search column it makes no filter of: its own
    # security views' relations (roles.name, users.username…) and the complaints' urgency,
    # whose filter app/views/complaints.py adds itself. Nothing an operator can act on.
    "flask_appbuilder.models.filters": logging.ERROR,
    # Each revision applied: the release step prints the list itself ("Migrated: …").
    "alembic.runtime.migration": logging.WARNING,
}


class StderrHandler(logging.StreamHandler):
    """Writes to the current ``sys.stderr`` (a test's capture, a redirected stream)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id``: the current request's id, or None outside a request."""

    def filter(self, record):
        from flask import g, has_request_context

        record.request_id = g.get("request_id") if has_request_context() else None
        return True


class PlainFormatter(logging.Formatter):
    def format(self, record):
        if getattr(record, "request_id", None) is None:
            record.request_id = "-"
        try:
            return super().format(record)
        finally:
            record.request_id = None if record.request_id == "-" else record.request_id


class JsonFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(log_format: str = "plain", level: str = "INFO") -> logging.Handler:
    """Put the one handler on the root logger (again: the last application's format wins
    in a process that builds several), and quiet the framework's noise."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, StderrHandler)), None)
    if handler is None:
        handler = StderrHandler()
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if log_format == "json" else PlainFormatter(PLAIN))
    # The product's own loggers at LOG_LEVEL; the frameworks' from WARNING (their INFO
    # lines, "Initializing AppBuilder" and the like, say nothing to an operator).
    wanted = logging.getLevelName(level.upper())
    if not isinstance(wanted, int):
        raise RuntimeError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    logging.getLogger("app").setLevel(wanted)
    root.setLevel(wanted if wanted <= logging.DEBUG else max(wanted, logging.WARNING))
    for name, quiet_level in QUIET.items():
        logging.getLogger(name).setLevel(quiet_level)
    return handler


def register_request_id(app) -> None:
    """Give every request an id (first of the before-request functions)."""
    trust_given = bool(app.config.get("TRUSTED_PROXIES"))

    def assign():
        from flask import g, request

        given = request.headers.get(HEADER, "") if trust_given else ""
        g.request_id = given if _GIVEN_ID.match(given) else uuid.uuid4().hex

    def send(response):
        from flask import g

        if "request_id" in g:
            response.headers[HEADER] = g.request_id
        return response

    app.before_request_funcs.setdefault(None, []).insert(0, assign)
    app.after_request(send)
