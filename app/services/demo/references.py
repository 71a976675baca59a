"""What the demo builds on: reference lists, the workflow, and demo sectors and agencies.

Everything is read once per load into plain dicts and tuples, so that making a million
complaints never goes back to the database for an id or a state's flags.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import select

from app.domain.deadlines import CLOCK_RUNNING, clock_for
from app.domain.reference_data import DEMO_AGENCIES, DEMO_SECTORS
from app.models import REFERENCE_MODELS, Agency, Sector, State, StateTransition
from app.services.exceptions import MissingReferenceData
from app.services.setup import Labels

TRANSLATIONS = Path(__file__).resolve().parents[3] / "translations"


class StateInfo(NamedTuple):
    code: str
    clock: str  # what the clock does in this state: app.domain.deadlines.clock_for
    final: bool
    answered: bool

    @property
    def running(self) -> bool:
        return self.clock == CLOCK_RUNNING


@dataclass
class References:
    ids: dict[str, dict[str, int]]  # list name → code → id, active items in display order
    states: dict[int, StateInfo]  # active states in workflow order
    initial: int
    successors: dict[int, list[int]]


def load_references(session) -> References:
    """Active reference items, states and transitions (demo organisation added first)."""
    _ensure_demo_organisation(session)
    ids = {}
    for name, model in REFERENCE_MODELS.items():
        stmt = select(model.code, model.id).where(model.active.is_(True))
        ids[name] = dict(session.execute(stmt.order_by(model.position, model.id)).all())
    if not ids["complexity"]:
        raise MissingReferenceData("complexity")
    states = session.scalars(
        select(State).where(State.active.is_(True)).order_by(State.position, State.id)).all()
    if not states:
        raise MissingReferenceData("state")
    # The application's own rule, so the loader's clock cannot drift from the services'.
    info = {s.id: StateInfo(s.code, clock_for(s.pauses_clock, s.marks_answered, s.is_final),
                            s.is_final, s.marks_answered)
            for s in states}
    initial = next((s.id for s in states if s.is_initial), states[0].id)
    return References(ids, info, initial, _successors(session, info))


def _successors(session, states) -> dict[int, list[int]]:
    """Allowed next states, between active states only (inactive ones cannot be entered)."""
    successors = {}
    pairs = session.execute(select(StateTransition.source_id, StateTransition.target_id)
                            .order_by(StateTransition.id))
    for source, target in pairs:
        if source in states and target in states:
            successors.setdefault(source, []).append(target)
    return successors


def _ensure_demo_organisation(session) -> None:
    """Demo sectors and agencies, labelled like the setup step labels reference lists."""
    labels = None
    for model, items in ((Sector, DEMO_SECTORS), (Agency, DEMO_AGENCIES)):
        existing = set(session.scalars(select(model.code)))
        for position, (code, label) in enumerate(items, start=1):
            if code not in existing:
                labels = labels or Labels(TRANSLATIONS)  # read the catalogs only if needed
                session.add(model(code=code, position=position * 10, active=True,
                                  **labels(label)))
    session.commit()
