"""The demo loader adds coherent French data in bulk, and ``flask demo load`` runs it.

The application (and its database) is shared with other test modules, so every check
looks only at the rows this module's load added: ids between the maxima read before and
after it.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from app.domain import events
from app.domain.deadlines import CLOCK_RUNNING, clock_for
from app.models import (
    AppUser,
    Category,
    Client,
    Complaint,
    Complexity,
    Contract,
    DeadlineRule,
    Event,
    Holiday,
    Note,
    Reminder,
    State,
    StateTransition,
)
from app.services import complaints as complaint_service
from app.services import dashboard, deadlines, deletion, demo
from app.services.clock import utcnow
from app.services.demo import data
from tests import factories
from tests.conftest import login

TRACKING = re.compile(r"^REC-\d{4}-\d{6}$")
DEMO_PASSWORD = "Demo-pass-456"
MODELS = {"clients": Client, "contracts": Contract, "complaints": Complaint, "events": Event,
          "notes": Note, "reminders": Reminder}


@dataclass
class Load:
    counts: dict
    before: dict  # table name → max id before the load
    after: dict  # table name → max id after the load

    def new(self, model, name):
        """Condition selecting the rows of ``model`` this load added."""
        return model.id.between(self.before[name] + 1, self.after[name])

    @property
    def complaints(self):
        return self.new(Complaint, "complaints")


def _max_ids(session) -> dict:
    return {name: session.scalar(select(func.coalesce(func.max(model.id), 0)))
            for name, model in MODELS.items()}


def _varied_rules(session) -> list:
    """Deadline rules by state and by complexity, counted in business days, and holidays
    over the two years the demo spans: deadlines then move on state changes too, not only
    when paused time is given back. Only what is missing is added (returned, to remove)."""
    states = dict(session.execute(select(State.code, State.id)).all())
    levels = dict(session.execute(select(Complexity.code, Complexity.id)).all())
    wanted = [DeadlineRule(state_id=states["answered"], days=5, business_days=True,
                           warning_days=1),
              DeadlineRule(complexity_id=levels["complex"], days=30, business_days=True,
                           warning_days=5),
              DeadlineRule(state_id=states["reopened"], complexity_id=levels["simple"],
                           days=7, warning_days=2)]
    taken = set(session.execute(select(DeadlineRule.state_id, DeadlineRule.complexity_id)))
    added = [rule for rule in wanted if (rule.state_id, rule.complexity_id) not in taken]
    year, days = utcnow().year, set(session.scalars(select(Holiday.day)))
    added += [Holiday(day=day, label="Demo test") for y in (year - 2, year - 1, year)
              for day in (date(y, 5, 1), date(y, 12, 25)) if day not in days]
    session.add_all(added)
    session.commit()
    return added


@pytest.fixture(scope="module")
def load(app):
    from app.extensions import db

    with app.app_context():
        added = _varied_rules(db.session)
        before = _max_ids(db.session)
        counts = demo.load_demo(db.session, clients=30, complaints=300, seed=7,
                                password=DEMO_PASSWORD)
        after = _max_ids(db.session)
        db.session.remove()
    yield Load(counts, before, after)
    with app.app_context():
        for row in added:
            db.session.delete(db.session.merge(row))
        db.session.commit()
        # Leave every open complaint on the rules the other test modules expect.
        deadlines.recompute_open_deadlines(db.session, deadlines.REASON_RULES, utcnow())
        db.session.remove()


def test_counts_are_the_rows_added(session, load):
    assert list(load.counts) == ["clients", "contracts", "complaints", "events", "notes",
                                 "reminders"]
    assert load.counts["clients"] == 30
    assert load.counts["complaints"] == 300
    for name, model in MODELS.items():
        added = session.scalar(select(func.count()).where(load.new(model, name)))
        assert added == load.counts[name], name
    assert load.counts["contracts"] >= 30
    assert load.counts["notes"] > 0 and load.counts["reminders"] > 0


def test_every_state_of_the_workflow_appears(session, load):
    used = set(session.scalars(select(Complaint.state_id).where(load.complaints)))
    assert used == set(session.scalars(select(State.id)))


def test_tracking_numbers_are_unique_and_well_formed(session, load):
    numbers = session.scalars(select(Complaint.tracking_number).where(load.complaints)).all()
    assert all(TRACKING.match(number) for number in numbers)
    assert len(set(numbers)) == len(numbers)
    # Numbers follow the order of reception within a year.
    rows = session.execute(select(Complaint.received_at, Complaint.tracking_number)
                           .where(load.complaints).order_by(Complaint.id)).all()
    for year in {received.year for received, _ in rows}:
        mine = [n for received, n in rows if received.year == year]
        assert mine == sorted(mine)
        assert all(n.startswith(f"REC-{year}-") for n in mine)


def test_contracts_belong_to_the_client_and_give_the_organisation(session, load):
    rows = session.execute(
        select(Complaint, Contract).join(Contract, Complaint.contract_id == Contract.id)
        .where(load.complaints)).all()
    assert rows
    for complaint, contract in rows:
        assert contract.client_id == complaint.client_id
        assert (complaint.sector_id, complaint.agency_id, complaint.analytic_code) == (
            contract.sector_id, contract.agency_id, contract.analytic_code)
    contracts = session.scalars(select(Contract).where(load.new(Contract, "contracts"))).all()
    per_client = {}
    for contract in contracts:
        per_client[contract.client_id] = per_client.get(contract.client_id, 0) + 1
    assert set(per_client.values()) <= {1, 2, 3}


def test_clients_look_french(session, load):
    clients = session.scalars(select(Client).where(load.new(Client, "clients"))).all()
    assert {c.kind for c in clients} <= {"person", "company"}
    for client in clients:
        assert client.customer_number and "@" in client.email
        assert re.match(r"^0\d( \d\d){4}$", client.phone)
        assert re.search(r"\n\d{5} ", client.address)
        assert client.sector_id and client.agency_id and client.analytic_code


def test_dates_follow_the_state(session, load, app):
    complaints = session.scalars(select(Complaint).where(load.complaints)).all()
    states = {s.id: s for s in session.scalars(select(State))}
    for complaint in complaints:
        state = states[complaint.state_id]
        assert complaint.due_at is not None and complaint.warning_at is not None
        assert complaint.warning_at < complaint.due_at
        assert (complaint.closed_at is not None) == state.is_final
        if complaint.closed_at:
            assert complaint.received_at <= complaint.closed_at <= complaint.updated_at
            assert complaint.processing_seconds is not None
        if state.marks_answered:
            assert complaint.answered_at is not None and complaint.resolution
        assert complaint.paused_seconds >= 0


def test_the_clock_follows_the_application_rule(session, load):
    complaints = session.scalars(select(Complaint).where(load.complaints)).all()
    states = {s.id: s for s in session.scalars(select(State))}
    clocks = set()
    for complaint in complaints:
        state = states[complaint.state_id]
        assert complaint.clock == clock_for(state.pauses_clock, state.marks_answered,
                                            state.is_final)
        # Not running (paused or stopped): since when, so the time can be given back.
        assert (complaint.paused_since is not None) == (complaint.clock != CLOCK_RUNNING)
        if complaint.paused_since:
            assert complaint.received_at <= complaint.paused_since <= complaint.updated_at
        clocks.add(complaint.clock)
    assert clocks == {"running", "paused", "stopped"}


def test_urgent_lists_never_show_answered_or_closed_complaints(session, load):
    states = {s.id: s for s in session.scalars(select(State))}
    far = datetime(2100, 1, 1)  # every deadline is past: every running clock is urgent
    listed = dashboard.urgent(session, far, scope=load.complaints, limit=10_000)
    running = [c for c in session.scalars(select(Complaint).where(load.complaints))
               if not _holds_the_clock(states[c.state_id])]
    assert listed and {c.id for c in listed} == {c.id for c in running}
    late, soon = dashboard.count_urgent(session, far, scope=load.complaints)
    assert (late, soon) == (len(running), 0)


def _holds_the_clock(state) -> bool:
    """Waiting for the customer, answered or closed: the deadline does not count."""
    return state.pauses_clock or state.marks_answered or state.is_final


REPLAYED = ("clock", "paused_since", "paused_seconds", "due_at", "warning_at", "answered_at",
            "closed_at", "processing_seconds", "answered_on_time", "state_id")


def _moves(complaint):
    """(when, state id) of each state change, and the clock's events, from its history."""
    history = sorted(complaint.events, key=lambda e: (e.created_at, e.id))
    moves = [(e.created_at, int(e.new_value)) for e in history
             if e.kind == events.STATE_CHANGED]
    return moves, _clock_events(history)


def _clock_events(history):
    """State changes and deadline moves: what the clock depends on and what it logs."""
    return [(e.created_at, e.kind, e.field, e.old_value, e.new_value,
             e.detail if e.kind == events.DEADLINE_CHANGED else None)
            for e in history if e.kind in (events.STATE_CHANGED, events.DEADLINE_CHANGED)]


def _sample(complaints):
    """Two complaints of every path taken, and one in ten of the others."""
    by_path, sample = {}, []
    for index, complaint in enumerate(complaints):
        path = tuple(state for _when, state in _moves(complaint)[0])
        taken = by_path.setdefault(path, [])
        if len(taken) < 2 or index % 10 == 0:
            taken.append(complaint)
            sample.append(complaint)
    return sample


def test_complaints_are_what_the_services_make_of_the_same_path(session, load):
    """Replaying a loaded complaint's state changes, at the same times, through the real
    services leaves the same clock, dates, deadline, answer facts and events."""
    states = {s.id: s for s in session.scalars(select(State))}
    loaded = session.scalars(select(Complaint).where(load.complaints)
                             .order_by(Complaint.id)).all()
    sample = _sample(loaded)
    assert len(sample) >= 30
    assert any(c.paused_seconds for c in sample) and any(c.answered_at for c in sample)
    reasons = set(session.scalars(select(Event.detail).where(
        Event.kind == events.DEADLINE_CHANGED,
        Event.complaint_id.in_([c.id for c in sample]))))
    assert reasons == {deadlines.REASON_STATE, deadlines.REASON_PAUSE}
    for complaint in sample:
        moves, expected_events = _moves(complaint)
        fresh = Complaint(received_at=complaint.received_at, subject="replay",
                          complexity_id=complaint.complexity_id)
        complaint_service.open_complaint(session, fresh, now=complaint.received_at)
        for when, target in moves:
            complaint_service.change_state(session, fresh, states[target], now=when)
        session.refresh(fresh)
        for name in REPLAYED:
            assert getattr(fresh, name) == getattr(complaint, name), (
                complaint.tracking_number, name, [states[t].code for _w, t in moves])
        history = sorted(fresh.events, key=lambda e: (e.created_at, e.id))
        assert _clock_events(history) == expected_events, complaint.tracking_number
        deletion.stage_deletion(session, fresh, None)  # keeps the monthly counts right
        session.delete(fresh)
        session.commit()


def test_dates_are_stored_like_the_application_stores_them(session, load):
    complaint = session.scalars(select(Complaint).where(load.complaints,
                                                        Complaint.closed_at.isnot(None))
                                .limit(1)).one()
    contract = session.scalars(select(Contract).where(load.new(Contract, "contracts"))
                               .limit(1)).one()
    # Equality with a bound parameter fails on SQLite unless the stored text is SQLAlchemy's.
    assert session.scalar(select(Complaint.id).where(
        Complaint.id == complaint.id, Complaint.received_at == complaint.received_at,
        Complaint.due_at == complaint.due_at, Complaint.closed_at == complaint.closed_at,
        Complaint.confidential == complaint.confidential)) == complaint.id
    assert session.scalar(select(Contract.id).where(
        Contract.id == contract.id, Contract.start_date == contract.start_date)) == contract.id


def test_paused_time_pushes_the_deadline_back(session, load):
    paused = session.scalars(select(Complaint).where(load.complaints,
                                                     Complaint.paused_seconds > 0)).all()
    assert paused
    for complaint in paused:
        history = [e.kind for e in complaint.events]
        assert events.DEADLINE_CHANGED in history


def test_every_complaint_has_its_history(session, load):
    complaints = session.scalars(select(Complaint).where(load.complaints)).all()
    allowed = {(str(s), str(t)) for s, t in session.execute(
        select(StateTransition.source_id, StateTransition.target_id))}
    for complaint in complaints:
        history = sorted(complaint.events, key=lambda e: e.id)
        assert history[0].kind == events.CREATED
        assert history[0].created_at == complaint.received_at
        assert [e.created_at for e in history] == sorted(e.created_at for e in history)
        moves = [(e.old_value, e.new_value) for e in history if e.kind == events.STATE_CHANGED]
        assert set(moves) <= allowed
        last = moves[-1][1] if moves else None
        assert last in (None, str(complaint.state_id))
        kinds = {e.kind for e in history}
        if complaint.assignee_id:
            assert events.ASSIGNED in kinds
        assert (events.NOTE_ADDED in kinds) == bool(complaint.notes)
        assert (events.REMINDER_SET in kinds) == bool(complaint.reminders)


def test_confidential_categories_are_confidential(session, load):
    rows = session.execute(select(Category.code, Complaint.confidential)
                           .join(Category, Complaint.category_id == Category.id)
                           .where(load.complaints)).all()
    assert any(confidential for _code, confidential in rows)
    for code, confidential in rows:
        assert confidential == (code in data.CONFIDENTIAL_CATEGORIES)


def test_reminders_are_overdue_done_or_ahead(session, load):
    reminders = session.scalars(select(Reminder).where(load.new(Reminder, "reminders"))).all()
    now = utcnow()
    done = [r for r in reminders if r.done_at]
    overdue = [r for r in reminders if not r.done_at and r.remind_at < now]
    ahead = [r for r in reminders if not r.done_at and r.remind_at > now]
    assert done and overdue and ahead
    assert all(r.created_at <= r.done_at <= now for r in done)


def test_demo_agents_exist_once(session, load):
    usernames = [row[0] for row in data.STAFF]
    users = session.scalars(select(AppUser).where(AppUser.username.in_(usernames))).all()
    assert len(users) == len(usernames)
    assert all(u.team_id and [r.name for r in u.roles] == ["Agent"] for u in users)
    assert all(u.team.name_en and u.team.name_en != u.team.name for u in users)
    assert all(check_password_hash(u.password, DEMO_PASSWORD) for u in users)


def test_demo_agents_log_in_with_the_demo_password(app, load):
    login(app.test_client(), data.STAFF[0][0], DEMO_PASSWORD)


def test_complaints_opened_later_get_the_next_number(session, load):
    opened = factories.make_complaint(session)
    year = opened.received_at.year
    demo_numbers = session.scalars(select(Complaint.tracking_number).where(
        load.complaints, Complaint.tracking_number.like(f"REC-{year}-%"))).all()
    assert demo_numbers
    assert opened.tracking_number not in demo_numbers
    assert opened.tracking_number > max(demo_numbers)


def test_a_second_load_adds_more(session, load):
    counts = demo.load_demo(session, clients=3, complaints=10, seed=7)
    assert counts["clients"] == 3 and counts["complaints"] == 10
    assert session.scalar(select(func.count()).select_from(Complaint)) >= 310


def test_loaded_complaints_are_in_the_full_text_index(session, load):
    from app.services.search import quick_search

    # The bulk writer indexes its batches itself (the per-row triggers are off for it).
    last = session.scalars(select(Complaint).order_by(Complaint.id.desc())).first()
    number = last.tracking_number.rsplit("-", 1)[1]
    assert [c.id for c in quick_search(session, f"{last.subject} {number}").complaints] == [
        last.id]


def test_has_complaints(session, load):
    assert demo.has_complaints(session)


def test_cli_loads_demo_data(app, load):
    result = app.test_cli_runner().invoke(
        args=["demo", "load", "--clients", "5", "--complaints", "20"])
    assert result.exit_code == 0, result.output
    assert "20 complaints" in result.output
    skipped = app.test_cli_runner().invoke(args=["demo", "load", "--if-empty"])
    assert skipped.exit_code == 0
    assert "already exist" in skipped.output


@pytest.mark.parametrize("args, env, expected", [
    (["--password", "From-option-1"], {"DEMO_PASSWORD": "From-env-1"}, "From-option-1"),
    ([], {"DEMO_PASSWORD": "From-env-1"}, "From-env-1"),
    ([], {}, None),
])
def test_cli_passes_the_demo_password(app, monkeypatch, args, env, expected):
    seen = {}
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    monkeypatch.setattr(demo, "load_demo", lambda session, **kw: seen.update(kw) or {})
    result = app.test_cli_runner().invoke(args=["demo", "load", *args], env=env)
    assert result.exit_code == 0, result.output
    assert seen["password"] == expected
