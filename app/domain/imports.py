"""Importing clients, contracts and complaints from a spreadsheet: the pure rules.

Which product field a column holds (guessed from its header, French or English), how a
cell becomes a value (French dates ``dd/mm/yyyy [hh:mm]``, numbers ``1 234,5``, yes/no,
reference items by code or label), and why a row is refused. No I/O here: the service
(``app/services/imports.py``) reads the file and writes the rows.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.dates import EARLIEST, LATEST

CLIENTS, CONTRACTS, COMPLAINTS = "clients", "contracts", "complaints"
KINDS = (CLIENTS, CONTRACTS, COMPLAINTS)
CUSTOM_PREFIX = "cf:"

# Why a row is refused (translated by the service's caller).
MISSING = "missing"
NOT_A_DATE = "not_a_date"
DATE_OUT_OF_RANGE = "date_out_of_range"
NOT_A_NUMBER = "not_a_number"
NOT_YES_NO = "not_yes_no"
UNKNOWN_VALUE = "unknown_value"
UNKNOWN_CLIENT = "unknown_client"
UNKNOWN_CONTRACT = "unknown_contract"
CONTRACT_MISMATCH = "contract_mismatch"
DUPLICATE = "duplicate"
TOO_LONG = "too_long"
BEFORE_RECEIVED = "before_received"
BAD_CUSTOM_VALUE = "bad_custom_value"

# Field types.
TEXT, DATE, DATETIME, REF, BOOL, INT, KEY = "text", "date", "datetime", "ref", "bool", "int", "key"


@dataclass(frozen=True)
class Field:
    name: str
    type: str = TEXT
    required: bool = False
    size: int | None = None
    headers: tuple = ()  # header words that name it, French and English, normalised


def normalise(text) -> str:
    """Lower case, no accents, words separated by one space: how headers and labels compare."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9@]+", " ", text.lower()).split())


def _f(name, type_=TEXT, required=False, size=None, headers=()):
    return Field(name, type_, required, size, tuple(normalise(h) for h in (name, *headers)))


_ORG = (
    _f("sector", REF, headers=("secteur", "sector")),
    _f("agency", REF, headers=("agence", "agency", "branch")),
    _f("analytic_code", size=50, headers=("code analytique", "analytic code", "analytique")),
)

FIELDS = {
    CLIENTS: (
        _f("customer_number", KEY, True, 50, ("numéro client", "n° client", "no client",
                                              "code client", "customer number",
                                              "customer no", "client number", "client id")),
        _f("name", required=True, size=200, headers=("nom", "raison sociale", "name",
                                                     "client", "customer name")),
        _f("kind", REF, headers=("type", "type de client", "kind", "genre")),
        _f("email", size=320, headers=("courriel", "e-mail", "mail", "adresse mail")),
        _f("phone", size=50, headers=("téléphone", "tel", "tél", "telephone", "phone")),
        _f("address", headers=("adresse", "address", "adresse postale")),
        *_ORG,
    ),
    CONTRACTS: (
        _f("number", KEY, True, 50, ("numéro de contrat", "n° contrat", "contrat",
                                     "numéro contrat", "contract number", "contract no",
                                     "contract")),
        _f("client", REF, True, headers=("numéro client", "n° client", "client",
                                         "code client", "customer number", "customer")),
        _f("label", size=200, headers=("libellé", "intitulé", "label", "description")),
        *_ORG,
        _f("start_date", DATE, headers=("date de début", "début", "start date", "start")),
        _f("end_date", DATE, headers=("date de fin", "fin", "end date", "end")),
    ),
    COMPLAINTS: (
        _f("tracking_number", size=32, headers=("numéro de suivi", "n° de suivi", "référence",
                                                 "numéro", "tracking number", "reference")),
        _f("received_at", DATETIME, True, headers=("date de réception", "reçue le", "reçu le",
                                                   "date réception", "date", "received at",
                                                   "received", "date received")),
        _f("subject", size=255, headers=("objet", "sujet", "subject", "titre", "title")),
        _f("description", headers=("description", "détail", "texte", "details", "body")),
        _f("request_type", REF, headers=("type de demande", "type", "request type")),
        _f("channel", REF, headers=("canal", "channel", "origine", "source")),
        _f("category", REF, headers=("catégorie", "category", "motif", "thème")),
        _f("severity", REF, headers=("gravité", "sévérité", "severity")),
        _f("complexity", REF, headers=("complexité", "niveau de complexité", "complexity")),
        _f("state", REF, headers=("état", "statut", "state", "status")),
        _f("client", REF, headers=("numéro client", "n° client", "client", "code client",
                                   "customer number", "customer")),
        _f("contract", REF, headers=("numéro de contrat", "n° contrat", "contrat",
                                     "contract number", "contract")),
        _f("complainant_name", size=200, headers=("nom du réclamant", "réclamant", "nom",
                                                  "complainant", "complainant name", "name")),
        _f("complainant_email", size=320, headers=("courriel", "e-mail", "email", "mail")),
        _f("complainant_phone", size=50, headers=("téléphone", "tel", "phone")),
        _f("complainant_address", headers=("adresse", "address")),
        _f("order_number", size=100, headers=("numéro de commande", "n° commande", "commande",
                                              "order number", "order")),
        _f("team", REF, headers=("service", "équipe", "team")),
        _f("assignee", REF, headers=("responsable", "assigné à", "agent", "assignee",
                                     "assigned to")),
        _f("confidential", BOOL, headers=("confidentiel", "confidential")),
        _f("resolution", headers=("résolution", "réponse", "resolution", "answer")),
        _f("resolution_type", REF, headers=("type de résolution", "resolution type")),
        _f("corrective_actions", headers=("actions correctives", "corrective actions")),
        _f("answered_at", DATETIME, headers=("date de réponse", "répondu le", "répondue le",
                                             "answered at", "answered", "answer date")),
        _f("closed_at", DATETIME, headers=("date de clôture", "clôturé le", "clôturée le",
                                           "closed at", "closed", "closing date")),
        _f("satisfaction", BOOL, headers=("satisfait", "client satisfait", "satisfied",
                                          "satisfaction")),
        _f("satisfaction_rating", INT, headers=("note", "note de satisfaction", "rating")),
    ),
}

YES_WORDS = {"1", "true", "yes", "y", "on", "oui", "o", "vrai", "x"}
NO_WORDS = {"0", "false", "no", "n", "off", "non", "faux"}
KIND_WORDS = {"person": {"person", "particulier", "personne", "personne physique",
                         "individual", "p"},
              "company": {"company", "entreprise", "societe", "personne morale", "business",
                          "professionnel", "e", "c"}}

_DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})"
                      r"(?:[ T]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


class Refused(ValueError):
    """A row that cannot be imported: why (a code above) and in which field."""

    def __init__(self, code: str, field: str = "", value=""):
        super().__init__(code)
        self.code, self.field, self.value = code, field, value


def fields_of(kind: str) -> tuple:
    if kind not in FIELDS:
        raise ValueError(kind)
    return FIELDS[kind]


def guess_mapping(headers, kind: str, custom_fields=()) -> dict[int, str]:
    """``{column index: field name}`` guessed from the headers. ``custom_fields`` are
    ``(key, label_fr, label_en)`` of complaints' custom fields (named ``cf:<key>``).
    Each field goes to one column at most: an exact header wins over a partial one."""
    candidates = [(f.name, f.headers) for f in fields_of(kind)]
    if kind == COMPLAINTS:
        candidates += [(CUSTOM_PREFIX + key, tuple(normalise(x) for x in (key, fr, en)))
                       for key, fr, en in custom_fields]
    scored = []
    for index, header in enumerate(headers):
        norm = normalise(header)
        if not norm:
            continue
        for rank, (name, words) in enumerate(candidates):
            if norm in words:
                scored.append((0, words.index(norm), index, rank, name))
    mapping, taken = {}, set()
    for _exact, _position, index, _rank, name in sorted(scored):
        if index not in mapping and name not in taken:
            mapping[index] = name
            taken.add(name)
    return mapping


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_text(raw, field: str = "", size: int | None = None) -> str | None:
    if is_empty(raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a number typed in a cell: "123", not "123.0"
    text = str(raw).strip()
    if size is not None and len(text) > size:
        raise Refused(TOO_LONG, field, text)
    return text


def parse_datetime(raw, field: str = "") -> datetime | None:
    """A cell as a date and time: a spreadsheet date, ``dd/mm/yyyy [hh:mm[:ss]]`` (also
    with ``-`` or ``.``, two-digit years, ``14h30``), or ISO ``yyyy-mm-dd [hh:mm]``."""
    if is_empty(raw):
        return None
    if isinstance(raw, datetime):
        value = raw.replace(microsecond=0, tzinfo=None)
    elif isinstance(raw, date):
        value = datetime(raw.year, raw.month, raw.day)
    else:
        value = _parse_date_text(str(raw).strip(), field)
    if not EARLIEST <= value.date() <= LATEST:
        raise Refused(DATE_OUT_OF_RANGE, field, raw)
    return value


def _parse_date_text(text, field):
    match = _DATE_RE.match(text)
    if match:
        day, month, year, hour, minute, second = match.groups()
        year = int(year) + (2000 if len(year) == 2 else 0)
        parts = (year, int(month), int(day))
    else:
        match = _ISO_RE.match(text)
        if not match:
            raise Refused(NOT_A_DATE, field, text)
        year, month, day, hour, minute, second = match.groups()
        parts = (int(year), int(month), int(day))
    try:
        return datetime(*parts, int(hour or 0), int(minute or 0), int(second or 0))
    except ValueError:
        raise Refused(NOT_A_DATE, field, text) from None


def parse_date(raw, field: str = "") -> date | None:
    value = parse_datetime(raw, field)
    return value.date() if value else None


def parse_number(raw, field: str = "") -> float | None:
    """``1 234,5``, ``1234.5``, ``1.234,5`` or a number cell."""
    if is_empty(raw):
        return None
    if isinstance(raw, bool):
        raise Refused(NOT_A_NUMBER, field, raw)
    if isinstance(raw, int | float):
        return float(raw)
    text = re.sub(r"[\s\u00a0\u202f']", "", str(raw))
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise Refused(NOT_A_NUMBER, field, raw) from None


def parse_int(raw, field: str = "") -> int | None:
    value = parse_number(raw, field)
    if value is None:
        return None
    if not value.is_integer():
        raise Refused(NOT_A_NUMBER, field, raw)
    return int(value)


def parse_bool(raw, field: str = "") -> bool | None:
    if is_empty(raw):
        return None
    if isinstance(raw, bool):
        return raw
    word = normalise(raw)
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise Refused(NOT_YES_NO, field, raw)


def parse_kind(raw, field: str = "kind") -> str | None:
    word = normalise(raw)
    if not word:
        return None
    for kind, words in KIND_WORDS.items():
        if word in words:
            return kind
    raise Refused(UNKNOWN_VALUE, field, raw)


def reference_index(items) -> dict[str, object]:
    """``{normalised code or label: id}`` of ``(id, code, label_fr, label_en)`` items, for
    ``match_reference``. A code wins over another item's label."""
    index, items = {}, list(items)
    for item_id, _code, label_fr, label_en in items:
        for word in (label_fr, label_en):
            if word:
                index.setdefault(normalise(word), item_id)
    for item_id, code, _fr, _en in items:
        if code:
            index[normalise(code)] = item_id
    return index


def match_reference(raw, index: dict, chosen: dict | None = None, field: str = ""):
    """The id ``raw`` names: the user's choice for that value first (``chosen``:
    normalised value → id, or None for "leave empty"), then a code or label. None for an
    empty cell; Refused(UNKNOWN_VALUE) for a value nobody mapped."""
    if is_empty(raw):
        return None
    key = normalise(parse_text(raw))
    if chosen and key in chosen:
        return chosen[key]
    if key in index:
        return index[key]
    raise Refused(UNKNOWN_VALUE, field, parse_text(raw))


def decode_csv(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(sample: str) -> str:
    """``;``, ``,`` or tab, as csv.Sniffer reads the first lines; ``;`` (French Excel)
    when it cannot tell."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        return ";" if sample.count(";") >= sample.count(",") else ","
