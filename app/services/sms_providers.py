"""SMS provider adapters: one ``send(to, text)`` each, over HTTP with a timeout.

- ``HttpGateway``: most SMS gateways take one HTTP request; configured by URL, method,
  headers and a body template (JSON or form) with the placeholders ``{to}``, ``{from}``
  and ``{text}``.
- ``Twilio``: Twilio's documented Messages resource (``POST /2010-04-01/Accounts/
  {AccountSid}/Messages.json``, form-encoded ``To``/``From``/``Body``, HTTP basic auth).

``send`` returns the provider's message id (or None) once the provider took the message;
it raises ``SmsRefused`` when the provider refuses this message for good (a bad number,
a malformed request: retrying changes nothing), and ``SmsUnavailable`` for what may pass
(timeout, connection refused, 5xx, 429, rejected credentials an admin can fix).
"""

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote

import requests

JSON, FORM = "json", "form"
METHODS = ("POST", "PUT", "GET")
PLACEHOLDERS = ("{to}", "{from}", "{text}")
# Statuses worth trying again: timeout, too many requests, credentials an admin may fix.
RETRIABLE_4XX = {401, 403, 408, 409, 425, 429}
TWILIO_BASE_URL = "https://api.twilio.com"


class SmsError(Exception):
    """The message was not taken; ``str()`` says why, for the Audit list."""


class SmsRefused(SmsError):
    """The provider refused this message: never retried."""


class SmsUnavailable(SmsError):
    """The provider could not be reached or asked to come back later: retried."""


def fill(template: str, values: dict, quote_values=False) -> str:
    """Replace ``{to}``, ``{from}`` and ``{text}`` (only those: other braces stay)."""
    for name in ("to", "from", "text"):
        value = values.get(name) or ""
        template = template.replace("{" + name + "}", quote(value) if quote_values else value)
    return template


def render_body(template: str, body_format: str, values: dict):
    """The request body: a JSON document (placeholders filled inside its strings, so a
    quote in the text stays valid JSON) or a list of form fields."""
    if body_format == JSON:
        return _fill_json(json.loads(template), values)
    return [(key, fill(value, values)) for key, value in
            parse_qsl(template.strip(), keep_blank_values=True)]


def _fill_json(node, values):
    if isinstance(node, str):
        return fill(node, values)
    if isinstance(node, list):
        return [_fill_json(item, values) for item in node]
    if isinstance(node, dict):
        return {key: _fill_json(value, values) for key, value in node.items()}
    return node


def check_template(template: str, body_format: str) -> bool:
    """True when the body template can be rendered (JSON parses, or form fields parse)."""
    try:
        render_body(template, body_format, {})
    except ValueError:
        return False
    return True


def parse_headers(text: str) -> dict:
    """``Name: value`` lines (blank lines ignored); raise ValueError on a line without
    a colon."""
    headers = {}
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise ValueError(line)
        headers[name.strip()] = value.strip()
    return headers


@dataclass(frozen=True)
class HttpGateway:
    url: str
    body_template: str = ""
    body_format: str = JSON
    method: str = "POST"
    headers: dict = field(default_factory=dict)
    sender: str = ""
    timeout: float = 10.0

    def send(self, to: str, text: str) -> str | None:
        values = {"to": to, "from": self.sender, "text": text}
        url = fill(self.url, values, quote_values=True)
        kwargs = {"headers": self.headers, "timeout": self.timeout}
        if self.method != "GET" and self.body_template.strip():
            body = render_body(self.body_template, self.body_format, values)
            kwargs["json" if self.body_format == JSON else "data"] = body
        response = _call(self.method, url, **kwargs)
        _raise_for_status(response, _error_text(response))
        return _message_id(response)


@dataclass(frozen=True)
class Twilio:
    account_sid: str
    auth_token: str
    sender: str
    base_url: str = TWILIO_BASE_URL
    timeout: float = 10.0

    def send(self, to: str, text: str) -> str | None:
        url = (f"{self.base_url.rstrip('/')}/2010-04-01/Accounts/"
               f"{quote(self.account_sid, safe='')}/Messages.json")
        # A Messaging Service SID (MG…) stands in for a sender number.
        origin = "MessagingServiceSid" if self.sender.startswith("MG") else "From"
        response = _call("POST", url, data={"To": to, origin: self.sender, "Body": text},
                         auth=(self.account_sid, self.auth_token), timeout=self.timeout)
        _raise_for_status(response, _twilio_error(response))
        return _message_id(response)


def _call(method, url, **kwargs):
    try:
        return requests.request(method, url, allow_redirects=False, **kwargs)
    except requests.Timeout as exc:
        raise SmsUnavailable(f"timeout after {kwargs.get('timeout')} s") from exc
    except requests.RequestException as exc:
        raise SmsUnavailable(f"{type(exc).__name__}: {exc}"[:500]) from exc


def _raise_for_status(response, detail):
    status = response.status_code
    if 200 <= status < 300:
        return
    text = f"HTTP {status}: {detail}"[:1000]
    if status >= 500 or status in RETRIABLE_4XX or status < 200:
        raise SmsUnavailable(text)
    raise SmsRefused(text)


def _json(response):
    try:
        return response.json()
    except ValueError:
        return None


def _error_text(response) -> str:
    data = _json(response)
    if isinstance(data, dict):
        for key in ("message", "error", "detail", "description"):
            if data.get(key):
                return str(data[key])
    return (response.text or response.reason or "").strip()[:500]


def _twilio_error(response) -> str:
    """Twilio's error body: ``{"code": 21211, "message": "…", "more_info": …}``."""
    data = _json(response)
    if isinstance(data, dict) and data.get("message"):
        return f"{data.get('code', '')} {data['message']}".strip()
    return _error_text(response)


def _message_id(response) -> str | None:
    data = _json(response)
    if isinstance(data, dict):
        for key in ("sid", "id", "message_id", "messageId"):
            if data.get(key):
                return str(data[key])[:100]
    return None
