"""Rows of an import turned into records' values: what the database knows (reference
lists, clients, contracts, teams, users, custom fields), read once per run, and the
parsing of one row against it (``domain.imports`` does the cell-level rules)."""

from dataclasses import dataclass, field

from sqlalchemy import select

from app.domain import custom_fields as cf_domain
from app.domain import imports as rules
from app.domain.imports import Refused
from app.models import REFERENCE_MODELS, AppUser, Client, Contract, CustomField, State, Team
from app.services.custom_fields import active_fields, spec_of

ORG = ("sector_id", "agency_id", "analytic_code")


@dataclass
class Lookups:
    """Indexes of what a row may name, ``{normalised code or label: id}`` per field."""

    indexes: dict = field(default_factory=dict)
    chosen: dict = field(default_factory=dict)  # field → {normalised raw: id or None}
    clients: dict = field(default_factory=dict)  # customer number → (id, *ORG)
    contracts: dict = field(default_factory=dict)  # number → (id, client id, *ORG)
    states: dict = field(default_factory=dict)  # id → State
    custom: dict = field(default_factory=dict)  # key → (CustomField id, FieldSpec)
    initial_state: int | None = None
    default_complexity: int | None = None

    def reference(self, name, raw):
        return rules.match_reference(raw, self.indexes.get(name, {}), self.chosen.get(name),
                                     name)


def load_lookups(session, kind: str, values: dict | None = None) -> Lookups:
    """Everything rows of ``kind`` may refer to. ``values``: the user's choices for values
    no code or label matches, ``{field: {raw value: code, label or None}}``."""
    look = Lookups()
    for name, model in REFERENCE_MODELS.items():
        look.indexes[name] = rules.reference_index(
            session.execute(select(model.id, model.code, model.label_fr, model.label_en)))
    states = list(session.scalars(select(State).order_by(State.position)))
    look.states = {s.id: s for s in states}
    look.indexes["state"] = rules.reference_index((s.id, s.code, s.label_fr, s.label_en)
                                                  for s in states)
    look.initial_state = next((s.id for s in states if s.is_initial),
                              states[0].id if states else None)
    look.indexes["team"] = rules.reference_index(
        session.execute(select(Team.id, Team.name, Team.name, Team.name_en)))
    look.indexes["assignee"] = _user_index(session)
    complexities = look.indexes["complexity"]
    look.default_complexity = complexities.get("standard") or next(
        iter(complexities.values()), None)
    if kind != rules.CLIENTS:
        look.clients = {n: row for n, *row in session.execute(
            select(Client.customer_number, Client.id, *(getattr(Client, c) for c in ORG)))}
    if kind == rules.COMPLAINTS:
        look.contracts = {n: row for n, *row in session.execute(
            select(Contract.number, Contract.id, Contract.client_id,
                   *(getattr(Contract, c) for c in ORG)))}
        look.custom = {f.key: (f.id, spec_of(f)) for f in active_fields(session)}
    look.chosen = _chosen(look, values or {})
    return look


def _user_index(session):
    index = {}
    for uid, username, email, first, last in session.execute(
            select(AppUser.id, AppUser.username, AppUser.email, AppUser.first_name,
                   AppUser.last_name)):
        for word in (f"{first or ''} {last or ''}", f"{last or ''} {first or ''}", email,
                     username):
            if rules.normalise(word):
                index[rules.normalise(word)] = uid
    return index


def _chosen(look, values):
    """The user's choices, each target resolved to an id through the same index."""
    chosen = {}
    for name, pairs in values.items():
        index = look.indexes.get(name, {})
        chosen[name] = {rules.normalise(raw): (index.get(rules.normalise(target))
                                               if target not in (None, "") else None)
                        for raw, target in pairs.items()}
    return chosen


def custom_field_choices(session) -> list[tuple[str, str, str]]:
    """``(key, label_fr, label_en)`` of the active custom fields, for guessing headers."""
    return [(f.key, f.label_fr, f.label_en) for f in session.scalars(
        select(CustomField).where(CustomField.active.is_(True)))]


def cells(values, columns: dict[int, str]) -> dict:
    """``{field: raw cell}`` of a row, for the mapped columns."""
    return {name: (values[index] if index < len(values) else None)
            for index, name in columns.items() if name}


def parse(kind: str, raw: dict, look: Lookups) -> dict:
    """The record's values from the row's cells; Refused when a rule says no."""
    values = {}
    for spec in rules.fields_of(kind):
        if spec.name not in raw:
            if spec.required and spec.name != "client":
                raise Refused(rules.MISSING, spec.name)
            continue
        value = _value(kind, spec, raw[spec.name], look)
        if value is None and spec.required:
            raise Refused(rules.MISSING, spec.name)
        values[spec.name] = value
    if kind == rules.CONTRACTS and "client" not in values:
        raise Refused(rules.MISSING, "client")
    if kind == rules.COMPLAINTS:
        values["custom"] = _custom(raw, look)
        _complete_complaint(values, look)
    return values


def _value(kind, spec, raw, look):
    name = spec.name
    if spec.type in (rules.TEXT, rules.KEY):
        return rules.parse_text(raw, name, spec.size)
    if spec.type == rules.DATE:
        return rules.parse_date(raw, name)
    if spec.type == rules.DATETIME:
        return rules.parse_datetime(raw, name)
    if spec.type == rules.BOOL:
        return rules.parse_bool(raw, name)
    if spec.type == rules.INT:
        return rules.parse_int(raw, name)
    if name == "kind":
        return rules.parse_kind(raw)
    if name == "client":
        return _keyed(look.clients, raw, rules.UNKNOWN_CLIENT, name)
    if name == "contract":
        return _keyed(look.contracts, raw, rules.UNKNOWN_CONTRACT, name)
    return look.reference(name, raw)


def _keyed(table, raw, code, name):
    text = rules.parse_text(raw, name)
    if text is None:
        return None
    if text not in table:
        raise Refused(code, name, text)
    return text


def _custom(raw, look) -> dict:
    values = {}
    for key, (field_id, spec) in look.custom.items():
        cell = raw.get(rules.CUSTOM_PREFIX + key)
        if cell is None:
            continue
        if spec.type == cf_domain.DATE and not isinstance(cell, str):
            cell = rules.parse_date(cell, rules.CUSTOM_PREFIX + key)
            cell = cell.isoformat() if cell else None
        try:
            values[field_id] = (spec.type, cf_domain.parse_value(spec, cell))
        except cf_domain.Problem:
            raise Refused(rules.BAD_CUSTOM_VALUE, rules.CUSTOM_PREFIX + key, cell) from None
    return values


def _complete_complaint(values, look):
    """Client from the contract, a contract of the client, dates in order, defaults."""
    contract = values.get("contract")
    client = values.get("client")
    if contract is not None:
        contract_client = look.contracts[contract][1]
        if client is not None and look.clients[client][0] != contract_client:
            raise Refused(rules.CONTRACT_MISMATCH, "contract", contract)
    received = values["received_at"]
    for name in ("answered_at", "closed_at"):
        if values.get(name) is not None and values[name] < received:
            raise Refused(rules.BEFORE_RECEIVED, name, values[name])
    if values.get("state") is None:
        values["state"] = look.initial_state
    if values.get("complexity") is None:
        values["complexity"] = look.default_complexity
    rating = values.get("satisfaction_rating")
    if rating is not None and not 1 <= rating <= 5:
        raise Refused(rules.NOT_A_NUMBER, "satisfaction_rating", rating)


def key_of(kind: str, values: dict) -> str | None:
    """What makes a row the same as another one of the file: its number."""
    name = {rules.CLIENTS: "customer_number", rules.CONTRACTS: "number",
            rules.COMPLAINTS: "tracking_number"}[kind]
    return values.get(name)


def items_for(session, name: str, language: str) -> list[tuple[str, str]]:
    """``(value to map to, label)`` of the items a reference field may take, for the
    user to map a value of the file no code or label matched."""
    def label(row):
        return row.label_en if language == "en" else row.label_fr

    if name in REFERENCE_MODELS:
        model = REFERENCE_MODELS[name]
        return [(r.code, label(r)) for r in session.scalars(
            select(model).order_by(model.position, model.id))]
    if name == "state":
        return [(s.code, label(s)) for s in session.scalars(select(State)
                                                            .order_by(State.position))]
    if name == "team":
        return [(t.name, t.label_in(language)) for t in session.scalars(
            select(Team).order_by(Team.name))]
    if name == "assignee":
        return [(u.username, str(u)) for u in session.scalars(
            select(AppUser).order_by(AppUser.username))]
    return []
