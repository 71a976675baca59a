"""Keeping each complaint's stored deadline right, and saying why it moved."""

import logging
from dataclasses import dataclass

from sqlalchemy import select

from app.domain import events
from app.domain.deadlines import CLOCK_PAUSED, DeadlineRule, compute_deadline, pick_rule
from app.domain.urgency import processing_seconds
from app.models import Complaint, Event, Holiday, State
from app.models import DeadlineRule as RuleRow
from app.models.base import id_of
from app.services.settings import get_setting

logger = logging.getLogger(__name__)

# Why a deadline moved, stored on the "deadline_changed" event and translated on display.
REASON_CREATED = "created"
REASON_STATE = "state"
REASON_COMPLEXITY = "complexity"
REASON_RECEIVED = "received_at"
REASON_PAUSE = "pause"
REASON_RULES = "rules"
REASON_HOLIDAYS = "holidays"
REASON_TIME_ZONE = "time_zone"


@dataclass
class DeadlineContext:
    """Everything a deadline depends on besides the complaint: loaded once, reused."""

    rules: list[DeadlineRule]
    holidays: frozenset
    time_zone: str

    @classmethod
    def load(cls, session) -> "DeadlineContext":
        rules = [DeadlineRule(days=r.days, business_days=r.business_days,
                              warning_days=r.warning_days, state_id=r.state_id,
                              complexity_id=r.complexity_id, id=r.id)
                 for r in session.scalars(select(RuleRow))]
        holidays = frozenset(session.scalars(select(Holiday.day)))
        return cls(rules, holidays, get_setting(session, "time_zone"))


def deadline_of(complaint, ctx: DeadlineContext):
    """The deadline this complaint should have now (with its explanation)."""
    # The relationship first: after a form edit the foreign key still holds the old id
    # until the session flushes.
    rule = pick_rule(ctx.rules, id_of(complaint.state) or complaint.state_id,
                     id_of(complaint.complexity) or complaint.complexity_id)
    return compute_deadline(complaint.received_at, rule, ctx.holidays, ctx.time_zone,
                            complaint.paused_seconds or 0)


def refresh_deadline(session, complaint, actor, now, reason, ctx=None) -> bool:
    """Recompute ``due_at``; when it moves on an existing complaint, log old → new and why."""
    if complaint.received_at is None:
        return False
    deadline = deadline_of(complaint, ctx or DeadlineContext.load(session))
    old = complaint.due_at
    complaint.due_at, complaint.warning_at = deadline.due_at, deadline.warning_at
    if old == deadline.due_at:
        return False
    if old is not None:
        session.add(Event(complaint=complaint, complaint_id=complaint.id, created_at=now,
                          actor_kind=events.ACTOR_USER if actor else events.ACTOR_SYSTEM,
                          user_id=id_of(actor), kind=events.DEADLINE_CHANGED, field="due_at",
                          old_value=_iso(old), new_value=_iso(deadline.due_at),
                          detail=reason))
    return True


def record_answer(complaint, when) -> None:
    """Fix processing time and "answered on time" the first time a complaint is answered."""
    if complaint.processing_seconds is not None:
        return
    complaint.processing_seconds = processing_seconds(complaint.received_at, when,
                                                      complaint.paused_seconds)
    complaint.answered_on_time = complaint.due_at is None or when <= complaint.due_at


def recompute_open_deadlines(session, reason, now, batch_size=2000) -> int:
    """After rules, holidays or the time zone change: move every open complaint's deadline.

    Open complaints are walked by id in batches, each committed, so a large register is
    updated without holding one long write transaction.
    """
    ctx = DeadlineContext.load(session)
    open_states = select(State.id).where(State.is_final.is_(False))
    moved, last_id = 0, 0
    while True:
        batch = session.scalars(
            select(Complaint).where(Complaint.id > last_id,
                                    Complaint.state_id.in_(open_states))
            .order_by(Complaint.id).limit(batch_size)).all()
        if not batch:
            return moved
        for complaint in batch:
            moved += refresh_deadline(session, complaint, None, now, reason, ctx)
        last_id = batch[-1].id
        session.commit()



def _iso(value):
    return value.isoformat(sep=" ", timespec="minutes") if value else None


def explain_deadline(session, complaint, now) -> dict | None:
    """Plain data saying how the complaint's deadline is reached, for the complaint page."""
    if complaint.received_at is None:
        return None
    ctx = DeadlineContext.load(session)
    deadline = deadline_of(complaint, ctx)
    rule = deadline.rule
    state = session.get(State, rule.state_id) if rule.state_id else None
    complexity = complaint.complexity if rule.complexity_id else None
    running = 0
    if complaint.paused_since is not None and complaint.clock == CLOCK_PAUSED:
        running = max(0, int((now - complaint.paused_since).total_seconds()))
    return {
        "rule_id": rule.id,
        "state": state,
        "complexity": complexity,
        "days": rule.days,
        "business_days": rule.business_days,
        "warning_days": rule.warning_days,
        "paused_seconds": deadline.paused_seconds,
        "running_pause_seconds": running,
        "skipped_weekend_days": deadline.skipped_weekend_days,
        "skipped_holidays": deadline.skipped_holidays,
        "due_at": deadline.due_at,
        "warning_at": deadline.warning_at,
        "time_zone": ctx.time_zone,
    }
