"""SMS configuration (Configuration → SMS), kept in the settings table under ``sms_*``
keys: which provider, its parameters, the sender and the default region of phone
numbers. Secrets (Twilio's auth token, the gateway's headers, which usually carry an
API key) are written, never shown back: an empty field keeps the stored value. They are
stored encrypted (app/services/secret_box.py), as a mailbox's password is.
"""

from urllib.parse import urlparse

from flask_babel import lazy_gettext as _l

from app.domain import phones
from app.models import Setting
from app.services import secret_box
from app.services import sms_providers as providers
from app.services.context import surroundings_of
from app.services.exceptions import ServiceError

OFF, HTTP, TWILIO = "", "http", "twilio"
PROVIDERS = (OFF, HTTP, TWILIO)
DEFAULTS = {
    "sms_provider": OFF,
    "sms_region": phones.DEFAULT_REGION,
    "sms_sender": "",
    "sms_http_url": "",
    "sms_http_method": "POST",
    "sms_http_format": providers.JSON,
    "sms_http_body": '{"to": "{to}", "from": "{from}", "text": "{text}"}',
    "sms_http_headers": "",
    "sms_twilio_account_sid": "",
    "sms_twilio_auth_token": "",
    "sms_twilio_base_url": providers.TWILIO_BASE_URL,
}
SECRETS = ("sms_http_headers", "sms_twilio_auth_token")
PREFIX = "sms_"


def load(session) -> dict:
    """Every SMS setting, stored value or default; secrets decrypted (one encrypted
    under another SECRET_KEY reads as not given: the admin types it again)."""
    stored = {row.key: row.value for row in session.query(Setting).filter(
        Setting.key.in_(list(DEFAULTS)))}
    values = {key: stored.get(key) or default for key, default in DEFAULTS.items()}
    for key in SECRETS:
        if values[key]:
            try:
                values[key] = secret_box.decrypt(_secret_key(session), key, values[key])
            except secret_box.SecretUnreadable:
                values[key] = ""
    return values


def _secret_key(session) -> str:
    return surroundings_of(session).config["SECRET_KEY"]


def shown(session) -> dict:
    """What the configuration page shows: secrets replaced by whether one is stored."""
    values = load(session)
    return {key: (bool(values[key]) if key in SECRETS else values[key]) for key in values}


def region(session) -> str:
    """The region a number without an international prefix is read in (e.g. FR)."""
    value = session.get(Setting, "sms_region")
    code = (value.value if value is not None else "") or DEFAULTS["sms_region"]
    return code if phones.is_region(code) else phones.DEFAULT_REGION


def save(session, posted: dict) -> None:
    """Check and store the posted settings (no commit); secrets left empty are kept.
    Raise ``ServiceError`` listing every problem, and then nothing is changed."""
    values = load(session)
    for key in DEFAULTS:
        value = (posted.get(key) or "").strip()
        if key in SECRETS and not value and not posted.get(f"{key}_clear"):
            continue
        values[key] = value
    values["sms_region"] = values["sms_region"].upper()
    values["sms_http_method"] = values["sms_http_method"].upper()
    problems = problems_of(values)
    if problems:
        raise ServiceError(" ".join(str(problem) for problem in problems))
    for key, value in values.items():
        if key in SECRETS and value:
            value = secret_box.encrypt(_secret_key(session), key, value)
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value


def problems_of(values: dict) -> list:
    """The translated reasons the settings cannot work (empty when they can)."""
    problems = []
    if values["sms_provider"] not in PROVIDERS:
        problems.append(_l("Choose an SMS provider from the list."))
    if not phones.is_region(values["sms_region"]):
        problems.append(_l("The default region is a two-letter country code (e.g. FR)."))
    if values["sms_provider"] == HTTP:
        problems.extend(_http_problems(values))
    if values["sms_provider"] == TWILIO:
        if not values["sms_twilio_account_sid"] or not values["sms_twilio_auth_token"]:
            problems.append(_l("Twilio needs its Account SID and Auth Token."))
        if not _is_url(values["sms_twilio_base_url"]):
            problems.append(_l("The API address must start with http:// or https://."))
    if values["sms_provider"] and not values["sms_sender"]:
        problems.append(_l("Give the sender: a number, a name or a Messaging Service SID."))
    return problems


def _http_problems(values):
    problems = []
    if not _is_url(values["sms_http_url"]):
        problems.append(_l("The gateway address must start with http:// or https://."))
    if values["sms_http_method"] not in providers.METHODS:
        problems.append(_l("The method is POST, PUT or GET."))
    if values["sms_http_format"] not in (providers.JSON, providers.FORM):
        problems.append(_l("The body is JSON or a form."))
    elif not providers.check_template(values["sms_http_body"], values["sms_http_format"]):
        problems.append(_l("The body template is not valid JSON."))
    try:
        providers.parse_headers(values["sms_http_headers"])
    except ValueError:
        problems.append(_l("Write one header per line, as “Name: value”."))
    return problems


def _is_url(value) -> bool:
    parsed = urlparse(value or "")
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def provider_from(values: dict, timeout: float = 10.0):
    """The configured adapter, or None when SMS is off (the messages wait)."""
    if values["sms_provider"] == HTTP:
        return providers.HttpGateway(
            url=values["sms_http_url"], body_template=values["sms_http_body"],
            body_format=values["sms_http_format"], method=values["sms_http_method"],
            headers=providers.parse_headers(values["sms_http_headers"]),
            sender=values["sms_sender"], timeout=timeout)
    if values["sms_provider"] == TWILIO:
        return providers.Twilio(
            account_sid=values["sms_twilio_account_sid"],
            auth_token=values["sms_twilio_auth_token"], sender=values["sms_sender"],
            base_url=values["sms_twilio_base_url"], timeout=timeout)
    return None
