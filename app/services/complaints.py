"""Complaint use cases: open, record edits, change state, assign.

Every change writes its Event in the same transaction as the change itself. The
``stage_*`` functions add to the session without committing, for FAB's add/edit flow
(which commits); the others commit.
"""

import logging

from sqlalchemy import inspect, select

from app.domain import events
from app.domain.dates import DateOutOfRange, check_date
from app.domain.deadlines import CLOCK_RUNNING, clock_for, paused_until_now
from app.domain.workflow import TransitionNotAllowed, check_transition
from app.models import Complaint, State, StateTransition
from app.models.base import id_of
from app.services import assignment, classification, deadlines, notifications
from app.services.clock import utcnow
from app.services.event_log import log_event
from app.services.exceptions import (
    ContractMismatch,
    DateRefused,
    MissingReferenceData,
    TransitionRefused,
)
from app.services.settings import get_setting
from app.services.tracking import allocate_tracking_number

logger = logging.getLogger(__name__)

# Fields whose changes the history records; relationships are compared by id.
TRACKED_SCALARS = [
    "received_at", "subject", "description", "complainant_name", "complainant_email",
    "complainant_phone", "complainant_address", "order_number", "confidential",
    "resolution", "corrective_actions", "satisfaction", "satisfaction_rating",
]
TRACKED_RELATIONS = [
    "request_type", "channel", "client", "contract", "category", "severity", "complexity",
    "resolution_type",
]
ASSIGNMENT_RELATIONS = ["team", "assignee"]


def transitions(session) -> set[tuple[int, int]]:
    """Allowed transitions as ``(source_id, target_id)`` pairs."""
    rows = session.execute(select(StateTransition.source_id, StateTransition.target_id))
    return {(source, target) for source, target in rows}


def allowed_next_states(session, complaint) -> list[State]:
    """States the complaint may move to from its current state, in display order."""
    targets = [t for s, t in transitions(session) if s == complaint.state_id]
    if not targets:
        return []
    stmt = select(State).where(State.id.in_(targets), State.active.is_(True))
    return list(session.scalars(stmt.order_by(State.position)))


def initial_state(session) -> State:
    state = session.scalars(
        select(State).where(State.is_initial.is_(True)).order_by(State.position)
    ).first() or session.scalars(select(State).order_by(State.position)).first()
    if state is None:
        raise MissingReferenceData("state")
    return state


def stage_new_complaint(session, complaint: Complaint, actor=None, now=None,
                        by_complainant=False) -> Complaint:
    """Complete a new complaint (tracking number, defaults, deadline) and log its creation
    (by the complainant themselves for the portal and the email intake)."""
    now = now or utcnow()
    complaint.received_at = complaint.received_at or now
    _check_received_at(complaint)
    if complaint.state is None and complaint.state_id is None:
        complaint.state = initial_state(session)
    state = complaint.state or session.get(State, complaint.state_id)
    _check_contract(complaint)
    _copy_organisation_fields(complaint)
    # Before the deadline and the assignment rules, which may depend on what it applies.
    suggested = classification.suggest(session, complaint)
    if not complaint.tracking_number:  # else allocated when the public API accepted it
        prefix = get_setting(session, "tracking_prefix")
        complaint.tracking_number = allocate_tracking_number(
            session, prefix, complaint.received_at.year)
    complaint.created_by_id = getattr(actor, "id", None)
    complaint.paused_seconds = complaint.paused_seconds or 0
    complaint.last_action_at = now
    _enter_state(complaint, state, complaint.received_at)
    deadlines.refresh_deadline(session, complaint, actor, now, deadlines.REASON_CREATED)
    _record_answer_if_done(complaint)
    session.add(complaint)
    session.flush()
    log_event(session, complaint, actor, events.CREATED, now=now,
         actor_kind=events.ACTOR_COMPLAINANT if by_complainant else None)
    for field, value, detail in classification.record(session, complaint, suggested):
        log_event(session, complaint, None, events.FIELD_CHANGED, now=now, field=field,
                  new_value=value, detail=detail)
    by_rule = assignment.apply_rules(session, complaint, now)  # only if nobody was chosen
    initial = {f: (None, id_of(getattr(complaint, f))) for f in ASSIGNMENT_RELATIONS}
    _log_assignment(session, complaint, None if by_rule else actor, now,
                    {f: v for f, v in initial.items() if v[1]},
                    detail=by_rule[0].name if by_rule else None)
    notifications.notify_created(session, complaint, now)
    return complaint


def open_complaint(session, complaint: Complaint, actor=None, now=None) -> Complaint:
    """Register a new complaint and commit."""
    stage_new_complaint(session, complaint, actor, now)
    session.commit()
    return complaint


def stage_update(session, complaint: Complaint, actor=None, now=None) -> list[str]:
    """Validate and log the edits made to ``complaint`` in this session (not committed).

    Called after a form populated the object and before the commit. Returns the names
    of the fields that changed.
    """
    now = now or utcnow()
    with session.no_autoflush:
        changes = _pending_changes(session, complaint)
        state_change = changes.pop("state", None)
        assignment = {f: changes.pop(f) for f in ASSIGNMENT_RELATIONS if f in changes}
        if "client" in changes or "contract" in changes:
            _check_contract(complaint)
            _copy_organisation_fields(complaint)
        if state_change:
            old_state = session.get(State, state_change[0]) if state_change[0] else None
            _apply_state_change(session, complaint, old_state, complaint.state, actor, now)
        for field, (old, new) in changes.items():
            log_event(session, complaint, actor, events.FIELD_CHANGED, now=now, field=field,
                 old_value=old, new_value=new)
        if assignment:
            _log_assignment(session, complaint, actor, now, assignment)
        if "received_at" in changes:
            _check_received_at(complaint)
        reason = next((r for f, r in (("received_at", deadlines.REASON_RECEIVED),
                                      ("complexity", deadlines.REASON_COMPLEXITY))
                       if f in changes), None)
        if reason:
            deadlines.refresh_deadline(session, complaint, actor, now, reason)
    return [*changes, *(["state"] if state_change else []), *assignment]


def change_state(session, complaint: Complaint, target: State, actor=None, now=None,
                 comment: str | None = None) -> Complaint:
    """Move the complaint to ``target`` along an allowed transition, and commit."""
    now = now or utcnow()
    if complaint.state is not None and complaint.state.id == target.id:
        # The same form posted twice: re-entering would move closed_at and log a bogus event.
        return complaint
    _apply_state_change(session, complaint, complaint.state, target, actor, now, comment)
    session.commit()
    return complaint


def assign(session, complaint: Complaint, team=None, assignee=None, actor=None, now=None):
    """Give the complaint to a team and/or a person, and commit."""
    now = now or utcnow()
    before = {"team": id_of(complaint.team), "assignee": id_of(complaint.assignee)}
    complaint.team, complaint.assignee = team, assignee
    after = {"team": id_of(team), "assignee": id_of(assignee)}
    changed = {f: (before[f], after[f]) for f in before if before[f] != after[f]}
    if changed:
        _log_assignment(session, complaint, actor, now, changed)
        session.commit()
    return complaint


def stage_closure(session, complaint: Complaint, target: State, actor=None, now=None,
                  comment: str | None = None) -> Complaint:
    """Close the complaint in ``target`` (a final state) from whatever state it is in,
    with the clock, deadline and history of a state change, but no email to the
    complainant (a merge closes its duplicate); not committed."""
    _apply_state_change(session, complaint, complaint.state, target, actor, now or utcnow(),
                        comment, forced=True)
    return complaint


# --- internals --------------------------------------------------------------------------

def _apply_state_change(session, complaint, old_state, new_state, actor, now, comment=None,
                        forced=False):
    """``forced``: whatever the transitions, and without telling the complainant."""
    try:
        if not forced:
            check_transition(id_of(old_state), new_state.id, transitions(session))
    except TransitionNotAllowed as exc:
        raise TransitionRefused(old_state, new_state) from exc
    resumed = _leave_state(complaint, new_state, now)
    _enter_state(complaint, new_state, now)
    complaint.state = new_state
    log_event(session, complaint, actor, events.STATE_CHANGED, now=now, field="state",
         old_value=id_of(old_state), new_value=new_state.id, detail=comment)
    reason = deadlines.REASON_PAUSE if resumed else deadlines.REASON_STATE
    deadlines.refresh_deadline(session, complaint, actor, now, reason)
    _record_answer_if_done(complaint)
    if old_state is not None and not forced:  # a new complaint gets its confirmation instead
        notifications.notify_state_changed(session, complaint, new_state, now)
    if new_state.is_final and not forced and not getattr(old_state, "is_final", False):
        # Not for a forced closure (a merge): the complainant is served by the other one.
        from app.services import satisfaction  # it reopens through this module

        satisfaction.send_survey(session, complaint, now)


def _clock_for(state) -> str:
    return clock_for(state.pauses_clock, state.marks_answered, state.is_final)


def _leave_state(complaint, new_state, now) -> bool:
    """Restart the clock if the new state runs it; True when paused time was given back.

    Waiting for the complainant pauses the clock; answering or closing stops it. Either
    way the time is given back when the clock restarts, so a complaint sent back to work
    or reopened is not charged for the time it was waiting, answered or closed.
    """
    if complaint.paused_since is None or _clock_for(new_state) != CLOCK_RUNNING:
        return False
    complaint.paused_seconds = paused_until_now(complaint.paused_seconds,
                                                complaint.paused_since, now)
    complaint.paused_since = None
    return True


def _enter_state(complaint, state, when):
    complaint.clock = _clock_for(state)
    if complaint.clock != CLOCK_RUNNING and complaint.paused_since is None:
        complaint.paused_since = when
    if state.marks_answered and complaint.answered_at is None:
        complaint.answered_at = when
    if state.is_final:
        complaint.closed_at = when
    elif complaint.closed_at is not None:
        complaint.closed_at = None  # reopened


def _record_answer_if_done(complaint):
    """Processing facts are fixed at the first answer, or at closure without one."""
    done = complaint.answered_at or complaint.closed_at
    if done is not None:
        deadlines.record_answer(complaint, done)


def _check_received_at(complaint):
    """A complaint is dated within the product's range: its deadline is computed from it."""
    try:
        check_date(complaint.received_at)
    except DateOutOfRange:
        raise DateRefused() from None


def _check_contract(complaint):
    contract = complaint.contract
    if contract is None:
        return
    client_id = id_of(complaint.client)
    if client_id is None:
        complaint.client = contract.client
    elif contract.client_id != client_id:
        raise ContractMismatch()


def _copy_organisation_fields(complaint):
    """Sector, agency and analytic code of the day, from the contract or else the client."""
    for source in (complaint.contract, complaint.client):
        if source is not None:
            complaint.sector_id = source.sector_id
            complaint.agency_id = source.agency_id
            complaint.analytic_code = source.analytic_code
            return


def _pending_changes(session, complaint) -> dict[str, tuple]:
    state = inspect(complaint)
    changes = {}
    modified = [name for name in TRACKED_SCALARS if state.attrs[name].history.added]
    stored = _stored_values(session, complaint, modified)
    for name in modified:
        old, new = _norm(stored[name]), _norm(getattr(complaint, name))
        if old != new:
            changes[name] = (old, new)
    for name in [*TRACKED_RELATIONS, "state", *ASSIGNMENT_RELATIONS]:
        fk = state.mapper.relationships[name].local_remote_pairs[0][0].key
        old_id = state.attrs[fk].value  # the FK keeps its loaded value until flush
        new_id = id_of(getattr(complaint, name))
        if old_id != new_id:
            changes[name] = (old_id, new_id)
    return changes


def _stored_values(session, complaint, names) -> dict:
    """The values of ``names`` as committed, read back from the database: the object's
    own history knows them only if they were loaded before being changed."""
    if not names:
        return {}
    columns = [getattr(Complaint, name) for name in names]
    row = session.execute(select(*columns).where(Complaint.id == complaint.id)).one()
    return dict(zip(names, row, strict=True))


def _log_assignment(session, complaint, actor, now, changed, detail=None):
    """``detail``: the name of the assignment rule that chose, if one did."""
    for field in ASSIGNMENT_RELATIONS:
        if field in changed:
            old, new = changed[field]
            log_event(session, complaint, actor, events.ASSIGNED, now=now, field=field,
                 old_value=old, new_value=new, detail=detail)
    if changed.get("assignee", (None, None))[1] is not None:
        notifications.notify_assigned(session, complaint, complaint.assignee, now)


def _norm(value):
    if value == "":
        return None
    return value
