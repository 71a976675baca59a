"""Writing the parsed rows of an import: clients and contracts created or updated by their
number, complaints created with their original dates, as registering them then would have
left them (state, clock, deadline, processing time; the dashboard's day and month counts
follow at the flush, ``services.day_stats``)."""

from collections import Counter

from sqlalchemy import select, update

from app.domain import events
from app.domain import imports as rules
from app.domain.deadlines import CLOCK_RUNNING, clock_for
from app.domain.tracking import format_tracking_number, looks_like_tracking_number
from app.models import Client, Complaint, Contract, CustomFieldValue, Event, TrackingSequence
from app.models.custom_fields import VALUE_COLUMNS
from app.services import deadlines
from app.services.import_rows import ORG
from app.services.tracking import reserve_numbers

CLIENT_FIELDS = ("name", "kind", "email", "phone", "address", "analytic_code")
CONTRACT_FIELDS = ("label", "analytic_code", "start_date", "end_date")
COMPLAINT_TEXTS = ("subject", "description", "complainant_name", "complainant_email",
                   "complainant_phone", "complainant_address", "order_number", "resolution",
                   "corrective_actions")
COMPLAINT_REFS = ("request_type", "channel", "category", "severity", "complexity", "state",
                  "team", "resolution_type")


class Writer:
    """Writes one batch of rows in the caller's transaction."""

    def __init__(self, session, kind, look, file_name, prefix, deadline_context, now):
        self.session, self.kind, self.look = session, kind, look
        self.file_name, self.prefix, self.ctx, self.now = file_name, prefix, deadline_context, now

    def write_batch(self, batch) -> list[tuple[int, int, bool]]:
        """``(line, record id, created)`` of each ``(line, values)``: complaints in one
        flush (the day counts are then updated once for the batch)."""
        if self.kind == rules.CLIENTS:
            return [(line, *self._client(values)) for line, values in batch]
        if self.kind == rules.CONTRACTS:
            return [(line, *self._contract(values)) for line, values in batch]
        made = [(line, values, self._complaint(values)) for line, values in batch]
        self._number(made)
        self.session.add_all(c for _line, _values, c in made)
        self.session.flush()
        for line, values, c in made:
            for field_id, (type_, value) in values["custom"].items():
                if value is not None:
                    self.session.add(CustomFieldValue(complaint_id=c.id, field_id=field_id,
                                                      **{VALUE_COLUMNS[type_]: value}))
            self.session.add(Event(complaint_id=c.id, created_at=c.received_at,
                                   actor_kind=events.ACTOR_SYSTEM, kind=events.IMPORTED,
                                   new_value=self.file_name, detail=str(line)))
        return [(line, c.id, True) for line, _values, c in made]

    def _client(self, values):
        client = self.session.scalar(select(Client).where(
            Client.customer_number == values["customer_number"]))
        created = client is None
        if created:
            client = Client(customer_number=values["customer_number"], kind="person")
            self.session.add(client)
        _assign(client, values, CLIENT_FIELDS)
        _assign_refs(client, values, ("sector", "agency"))
        self.session.flush()
        return client.id, created

    def _contract(self, values):
        contract = self.session.scalar(select(Contract).where(
            Contract.number == values["number"]))
        created = contract is None
        if created:
            contract = Contract(number=values["number"])
            self.session.add(contract)
        contract.client_id = self.look.clients[values["client"]][0]
        _assign(contract, values, CONTRACT_FIELDS)
        _assign_refs(contract, values, ("sector", "agency"))
        self.session.flush()
        return contract.id, created

    def _complaint(self, values):
        c = Complaint(received_at=values["received_at"], created_at=values["received_at"],
                      confidential=bool(values.get("confidential")), language="fr",
                      answered_at=values.get("answered_at"), closed_at=values.get("closed_at"),
                      satisfaction_rating=values.get("satisfaction_rating"), paused_seconds=0)
        _assign(c, values, COMPLAINT_TEXTS)
        for name in COMPLAINT_REFS:
            setattr(c, f"{name}_id", values.get(name))
        c.assignee_id = values.get("assignee")
        satisfied = values.get("satisfaction")
        c.satisfaction = "unknown" if satisfied is None else ("yes" if satisfied else "no")
        self._organisation(c, values)
        self._dates_and_clock(c)
        deadlines.refresh_deadline(self.session, c, None, self.now, deadlines.REASON_CREATED,
                                   self.ctx)
        done = c.answered_at or c.closed_at
        if done is not None:
            deadlines.record_answer(c, done)
        return c

    def _organisation(self, c, values):
        contract = self.look.contracts.get(values.get("contract"))
        client = self.look.clients.get(values.get("client"))
        if contract is not None:
            c.contract_id, c.client_id = contract[0], contract[1]
            org = contract[2:]
        elif client is not None:
            c.client_id, org = client[0], client[1:]
        else:
            return
        c.sector_id, c.agency_id, c.analytic_code = org

    def _dates_and_clock(self, c):
        """The state's flags complete the dates the file left out, as entering it would
        have (an answered state is answered, a final one closed), and set the clock."""
        state = self.look.states[c.state_id]
        last = max(d for d in (c.received_at, c.answered_at, c.closed_at) if d is not None)
        if state.marks_answered and c.answered_at is None:
            c.answered_at = c.closed_at or last
        if state.is_final and c.closed_at is None:
            c.closed_at = last
        elif not state.is_final:
            c.closed_at = None
        c.clock = clock_for(state.pauses_clock, state.marks_answered, state.is_final)
        if c.clock != CLOCK_RUNNING:
            c.paused_since = c.closed_at or c.answered_at or last
        c.last_action_at = max(d for d in (c.received_at, c.answered_at, c.closed_at) if d)

    def _number(self, made):
        """The file's number when it is in the product's format and free (the year's
        sequence then moves past it), else the next one of the year received: one query
        for the batch's numbers, one reservation per year."""
        wanted = {}
        for _line, values, c in made:
            number = (values.get("tracking_number") or "").strip().upper()
            if looks_like_tracking_number(number) and number.split("-")[0] == self.prefix:
                wanted[number] = c
        taken = set(self.session.scalars(select(Complaint.tracking_number).where(
            Complaint.tracking_number.in_(list(wanted))))) if wanted else set()
        highest = {}
        for number, c in wanted.items():
            if number not in taken:
                c.tracking_number = number
                _prefix, year, value = number.split("-")
                highest[int(year)] = max(highest.get(int(year), 0), int(value))
        for year, value in highest.items():
            self._advance(self.prefix, year, value)
        need = Counter(c.received_at.year for _l, _v, c in made if not c.tracking_number)
        following = {year: reserve_numbers(self.session, self.prefix, year, count)
                     for year, count in sorted(need.items())}
        for _line, _values, c in made:
            if not c.tracking_number:
                year = c.received_at.year
                c.tracking_number = format_tracking_number(self.prefix, year, following[year])
                following[year] += 1

    def _advance(self, prefix, year, number):
        reserve_numbers(self.session, prefix, year, 0)  # makes the year's row if missing
        self.session.execute(
            update(TrackingSequence)
            .where(TrackingSequence.prefix == prefix, TrackingSequence.year == year,
                   TrackingSequence.last_value < number)
            .values(last_value=number).execution_options(synchronize_session=False))


def _assign(record, values, names):
    for name in names:
        if name in values and values[name] is not None:
            setattr(record, name, values[name])


def _assign_refs(record, values, names):
    for name in names:
        if name in values:
            setattr(record, f"{name}_id", values[name])


__all__ = ["Writer", "ORG"]
