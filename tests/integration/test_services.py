"""Complaint, follow-up and search services on a real database: every change writes its
Event in the same transaction, deadlines and dates follow the workflow."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select, text

from app.domain import events
from app.extensions import db
from app.models import Category, Complaint, Event, Note
from app.services import complaints as service
from app.services import followup
from app.services.clock import utcnow
from app.services.exceptions import ContractMismatch, ServiceError, TransitionRefused
from app.services.search import quick_search
from app.services.settings import get_setting
from tests import factories as f

T0 = datetime(2026, 11, 2, 9, 30)  # the factories' received_at


def history(session, complaint, kind=None) -> list[Event]:
    stmt = select(Event).where(Event.complaint_id == complaint.id).order_by(Event.id)
    if kind is not None:
        stmt = stmt.where(Event.kind == kind)
    return list(session.scalars(stmt))


def category(session, code: str) -> Category:
    return session.scalars(select(Category).where(Category.code == code)).one()


def walk(session, complaint, codes, start=T0, step=timedelta(hours=1), actor=None):
    """Move the complaint through ``codes``, one step apart; return the last time used."""
    when = start
    for code in codes:
        when += step
        service.change_state(session, complaint, f.state(session, code), actor=actor, now=when)
    return when


def reload(session, complaint) -> Complaint:
    """The complaint as a new request would load it (attributes read from the database)."""
    session.expire_all()
    return session.scalars(select(Complaint).where(Complaint.id == complaint.id)).one()


# --- open_complaint --------------------------------------------------------------------------

def test_open_complaint_numbers_and_logs_in_one_commit(session):
    agent = f.user(session, "agent")
    commits = []

    def count(sess):
        commits.append(sess)

    sa_event.listen(session(), "after_commit", count)
    try:
        complaint = service.open_complaint(session, Complaint(
            received_at=T0, subject=f.unique("Open "), complexity=f.complexity(session)),
            actor=agent, now=T0 + timedelta(minutes=5))
    finally:
        sa_event.remove(session(), "after_commit", count)

    assert len(commits) == 1
    prefix = get_setting(session, "tracking_prefix")
    assert re.fullmatch(rf"{re.escape(prefix)}-2026-\d{{6}}", complaint.tracking_number)
    assert complaint.state.code == "new"  # the initial state
    assert complaint.created_by_id == agent.id
    assert complaint.due_at > T0  # its value depends on the deadline rules (tested apart)
    [created] = history(session, complaint)
    assert (created.kind, created.user_id, created.actor_kind) == (
        events.CREATED, agent.id, events.ACTOR_USER)
    assert created.created_at == T0 + timedelta(minutes=5)
    # Both rows are committed: another connection sees them. (On SQLite every transaction
    # starts with BEGIN IMMEDIATE, so this session must hold none meanwhile.)
    expected = (complaint.tracking_number, events.CREATED)
    complaint_id = complaint.id
    session.rollback()
    with db.engine.connect() as other:
        row = other.execute(text(
            "SELECT c.tracking_number, e.kind FROM complaint c JOIN event e"
            " ON e.complaint_id = c.id WHERE c.id = :id"), {"id": complaint_id}).one()
    assert tuple(row) == expected


def test_open_complaint_numbers_follow_each_other(session):
    first, second = f.make_complaint(session), f.make_complaint(session)
    a = int(first.tracking_number.rsplit("-", 1)[1])
    b = int(second.tracking_number.rsplit("-", 1)[1])
    assert b == a + 1


def test_open_complaint_without_actor_is_a_system_event(session):
    complaint = f.make_complaint(session)
    [created] = history(session, complaint)
    assert (created.actor_kind, created.user_id) == (events.ACTOR_SYSTEM, None)


def test_open_complaint_logs_the_initial_assignment(session):
    team, agent = f.make_team(session), f.user(session, "agent")
    complaint = f.make_complaint(session, team=team, assignee=agent)
    assigned = {(e.field, e.old_value, e.new_value)
                for e in history(session, complaint, events.ASSIGNED)}
    assert assigned == {("team", None, str(team.id)), ("assignee", None, str(agent.id))}


# --- change_state ------------------------------------------------------------------------

def test_change_state_logs_old_and_new_state(session):
    supervisor = f.user(session, "supervisor")
    complaint = f.make_complaint(session)
    new, acknowledged = f.state(session, "new"), f.state(session, "acknowledged")
    when = T0 + timedelta(hours=2)
    service.change_state(session, complaint, acknowledged, actor=supervisor, now=when,
                         comment="Accusé envoyé")

    complaint = reload(session, complaint)
    assert complaint.state.code == "acknowledged"
    [changed] = history(session, complaint, events.STATE_CHANGED)
    assert (changed.field, changed.old_value, changed.new_value) == (
        "state", str(new.id), str(acknowledged.id))
    assert (changed.user_id, changed.detail, changed.created_at) == (
        supervisor.id, "Accusé envoyé", when)


@pytest.mark.parametrize(("start", "target"), [
    ([], "closed"),
    ([], "answered"),
    (["in_progress", "answered", "closed"], "in_progress"),
])
def test_refused_transition_changes_nothing(session, start, target):
    complaint = f.make_complaint(session)
    walk(session, complaint, start)
    complaint = reload(session, complaint)
    before = (complaint.state_id, complaint.due_at, complaint.closed_at, complaint.updated_at)
    logged = len(history(session, complaint))

    with pytest.raises(TransitionRefused) as caught:
        service.change_state(session, complaint, f.state(session, target))
    session.rollback()

    complaint = reload(session, complaint)
    assert (complaint.state_id, complaint.due_at, complaint.closed_at,
            complaint.updated_at) == before
    assert len(history(session, complaint)) == logged
    message = str(caught.value)  # the translated message names both states
    assert str(f.state(session, target)) in message
    assert str(complaint.state) in message


@pytest.mark.parametrize("path", [["in_progress", "answered", "closed"],
                                  ["in_progress", "waiting_customer"], []])
def test_change_to_the_current_state_is_a_no_op(session, path):
    # A state form posted twice (double click, back button) must not re-enter the state.
    complaint = f.make_complaint(session)
    last = walk(session, complaint, path)
    complaint = reload(session, complaint)
    before = (complaint.closed_at, complaint.paused_since, complaint.due_at,
              len(history(session, complaint)))
    service.change_state(session, complaint, complaint.state, now=last + timedelta(days=3))
    complaint = reload(session, complaint)
    assert (complaint.closed_at, complaint.paused_since, complaint.due_at,
            len(history(session, complaint))) == before


def test_waiting_for_the_customer_pauses_the_clock(session):
    complaint = f.make_complaint(session)
    due = complaint.due_at
    entered = walk(session, complaint, ["in_progress", "waiting_customer"])
    assert (complaint.paused_since, complaint.paused_seconds, complaint.due_at) == (
        entered, 0, due)

    first_pause = timedelta(days=2, hours=3, minutes=7)
    service.change_state(session, complaint, f.state(session, "in_progress"),
                         now=entered + first_pause)
    complaint = reload(session, complaint)
    assert complaint.paused_since is None
    assert complaint.paused_seconds == first_pause.total_seconds()
    assert complaint.due_at == due + first_pause

    # A second pause adds up.
    second_start = entered + first_pause + timedelta(hours=1)
    second_pause = timedelta(hours=5)
    service.change_state(session, complaint, f.state(session, "waiting_customer"),
                         now=second_start)
    service.change_state(session, complaint, f.state(session, "in_progress"),
                         now=second_start + second_pause)
    complaint = reload(session, complaint)
    assert complaint.paused_seconds == (first_pause + second_pause).total_seconds()
    assert complaint.due_at == due + first_pause + second_pause
    assert complaint.paused_since is None


def test_answered_sets_answered_at_once(session):
    complaint = f.make_complaint(session)
    first = walk(session, complaint, ["in_progress", "answered"])
    assert complaint.answered_at == first
    walk(session, complaint, ["in_progress", "answered"], start=first)
    assert reload(session, complaint).answered_at == first


def test_closing_sets_closed_at_and_reopening_clears_it(session):
    complaint = f.make_complaint(session)
    closed = walk(session, complaint, ["in_progress", "answered", "closed"])
    complaint = reload(session, complaint)
    assert complaint.closed_at == closed
    assert complaint.urgency is None  # a closed complaint has no badge

    walk(session, complaint, ["reopened"], start=closed)
    complaint = reload(session, complaint)
    assert complaint.state.code == "reopened"
    assert complaint.closed_at is None
    assert complaint.answered_at is not None  # the first answer is kept


# --- assign ------------------------------------------------------------------------------

def test_assign_logs_each_changed_field(session):
    supervisor, agent, agent2 = (f.user(session, name)
                                 for name in ("supervisor", "agent", "agent2"))
    team = f.make_team(session)
    complaint = f.make_complaint(session)

    service.assign(session, complaint, team=team, assignee=agent, actor=supervisor)
    assert {(e.field, e.old_value, e.new_value, e.user_id)
            for e in history(session, complaint, events.ASSIGNED)} == {
        ("team", None, str(team.id), supervisor.id),
        ("assignee", None, str(agent.id), supervisor.id)}

    service.assign(session, complaint, team=team, assignee=agent, actor=supervisor)
    assert len(history(session, complaint, events.ASSIGNED)) == 2  # nothing changed

    service.assign(session, complaint, team=team, assignee=agent2, actor=supervisor)
    last = history(session, complaint, events.ASSIGNED)[2:]
    assert [(e.field, e.old_value, e.new_value) for e in last] == [
        ("assignee", str(agent.id), str(agent2.id))]
    complaint = reload(session, complaint)
    assert (complaint.team_id, complaint.assignee_id) == (team.id, agent2.id)


# --- stage_update (the edit form) ----------------------------------------------------------

def test_stage_update_logs_scalar_and_relation_changes(session):
    agent = f.user(session, "agent")
    technical, billing = category(session, "technical"), category(session, "billing")
    complaint = f.make_complaint(session, category=technical, subject="Fuite au compteur")
    when = T0 + timedelta(days=1)

    complaint = reload(session, complaint)  # the form loads the object, then fills it
    complaint.subject = "Fuite après le compteur"
    complaint.category = billing
    complaint.description = complaint.description  # untouched field
    changed = service.stage_update(session, complaint, actor=agent, now=when)
    session.commit()

    assert sorted(changed) == ["category", "subject"]
    logged = {e.field: (e.old_value, e.new_value, e.user_id, e.created_at)
              for e in history(session, complaint, events.FIELD_CHANGED)}
    assert logged == {
        "subject": ("Fuite au compteur", "Fuite après le compteur", agent.id, when),
        "category": (str(technical.id), str(billing.id), agent.id, when),
    }
    assert reload(session, complaint).category_id == billing.id


def test_stage_update_without_change_logs_nothing(session):
    complaint = f.make_complaint(session, subject="Same")
    complaint = reload(session, complaint)
    complaint.subject = "Same"
    complaint.description = ""  # blank and empty are the same for the history
    assert service.stage_update(session, complaint) == []
    session.commit()
    assert [e.kind for e in history(session, complaint)] == [events.CREATED]


def test_stage_update_checks_a_state_change_of_the_form(session):
    complaint = reload(session, f.make_complaint(session))
    complaint.state = f.state(session, "closed")
    with pytest.raises(TransitionRefused):
        service.stage_update(session, complaint)
    session.rollback()
    assert reload(session, complaint).state.code == "new"

    complaint.state = f.state(session, "in_progress")
    assert service.stage_update(session, complaint) == ["state"]
    session.commit()
    [changed] = history(session, complaint, events.STATE_CHANGED)
    assert changed.new_value == str(f.state(session, "in_progress").id)


# --- clients and contracts ---------------------------------------------------------------

def test_contract_of_another_client_is_refused(session):
    mine, other = f.make_client(session), f.make_client(session)
    contract = f.make_contract(session, other)
    before = session.scalar(select(Complaint.id).order_by(Complaint.id.desc()).limit(1))
    with pytest.raises(ContractMismatch):
        service.open_complaint(session, Complaint(
            received_at=T0, complexity=f.complexity(session), client=mine, contract=contract))
    session.rollback()
    after = session.scalar(select(Complaint.id).order_by(Complaint.id.desc()).limit(1))
    assert after == before


def test_contract_of_another_client_is_refused_on_edit(session):
    mine, other = f.make_client(session), f.make_client(session)
    contract = f.make_contract(session, other)
    complaint = reload(session, f.make_complaint(session, client=mine))
    complaint.contract = contract
    with pytest.raises(ContractMismatch):
        service.stage_update(session, complaint)
    session.rollback()
    assert reload(session, complaint).contract_id is None


def test_contract_alone_brings_its_client_and_organisation(session):
    client = f.make_client(session, analytic_code="AN-42")
    contract = f.make_contract(session, client, analytic_code="AN-7")
    complaint = f.make_complaint(session, contract=contract)
    assert (complaint.client_id, complaint.analytic_code) == (client.id, "AN-7")


# --- notes and reminders -----------------------------------------------------------------

@pytest.mark.parametrize("body", ["", "   \n\t", None])
def test_blank_note_is_refused(session, body):
    complaint = f.make_complaint(session)
    with pytest.raises(ServiceError) as caught:
        followup.add_note(session, complaint, f.user(session, "agent"), body)
    assert str(caught.value)
    session.rollback()
    assert session.scalars(select(Note).where(Note.complaint_id == complaint.id)).all() == []


def test_add_note_logs_an_excerpt(session):
    agent = f.user(session, "agent")
    complaint = f.make_complaint(session)
    note = followup.add_note(session, complaint, agent, "  Rappeler le client. " + "x" * 300)
    assert note.body.startswith("Rappeler")
    [logged] = history(session, complaint, events.NOTE_ADDED)
    assert logged.user_id == agent.id
    assert len(logged.detail) == 200 and logged.detail.endswith("…")


def test_reminder_set_then_done_once(session):
    agent, supervisor = f.user(session, "agent"), f.user(session, "supervisor")
    complaint = f.make_complaint(session, assignee=agent)  # a reminder's user may see it
    remind_at = datetime(2026, 11, 5, 8, 0)
    reminder = followup.add_reminder(session, complaint, agent, remind_at, "  ", supervisor,
                                     now=T0)
    assert reminder.note is None
    [set_event] = history(session, complaint, events.REMINDER_SET)
    assert (set_event.user_id, set_event.new_value) == (supervisor.id, "2026-11-05 08:00")

    done_at = datetime(2026, 11, 5, 9, 0)
    followup.complete_reminder(session, reminder, agent, now=done_at)
    followup.complete_reminder(session, reminder, supervisor, now=done_at + timedelta(days=1))
    assert reload(session, complaint).reminders[0].done_at == done_at
    [done_event] = history(session, complaint, events.REMINDER_DONE)
    assert (done_event.user_id, done_event.old_value) == (agent.id, "2026-11-05 08:00")


@pytest.mark.parametrize(("user", "remind_at"), [(None, datetime(2026, 1, 1)), ("agent", None)])
def test_reminder_needs_a_person_and_a_date(session, user, remind_at):
    complaint = f.make_complaint(session)
    person = f.user(session, user) if user else None
    with pytest.raises(ServiceError):
        followup.add_reminder(session, complaint, person, remind_at, None, None)


def test_overdue_reminder_counts(session):
    agent = f.user(session, "agent")
    late, clean, future = (f.make_complaint(session, assignee=agent) for _ in range(3))
    now = datetime(2026, 11, 10, 12, 0)
    for remind_at in (now - timedelta(days=2), now - timedelta(minutes=1), now):
        followup.add_reminder(session, late, agent, remind_at, None, None)
    done = followup.add_reminder(session, late, agent, now - timedelta(days=3), None, None)
    followup.complete_reminder(session, done, None)
    followup.add_reminder(session, future, agent, now + timedelta(hours=1), None, None)

    ids = [late.id, clean.id, future.id]
    assert followup.overdue_reminder_counts(session, ids, now=now) == {late.id: 2}
    assert followup.overdue_reminder_counts(session, ids, now=now + timedelta(days=1)) == {
        late.id: 3, future.id: 1}
    assert followup.overdue_reminder_counts(session, [], now=now) == {}


def test_has_overdue_reminder_column(session):
    agent = f.user(session, "agent")
    complaint = f.make_complaint(session, assignee=agent)
    assert reload(session, complaint).has_overdue_reminder is False

    future = followup.add_reminder(session, complaint, agent, utcnow() + timedelta(days=1),
                                   None, None)
    assert reload(session, complaint).has_overdue_reminder is False
    overdue = followup.add_reminder(session, complaint, agent, utcnow() - timedelta(hours=1),
                                    None, None)
    assert reload(session, complaint).has_overdue_reminder is True
    flagged = session.scalars(select(Complaint.id).where(Complaint.has_overdue_reminder)
                              .where(Complaint.id == complaint.id)).all()
    assert flagged == [complaint.id]

    followup.complete_reminder(session, overdue, agent)
    assert reload(session, complaint).has_overdue_reminder is False
    assert future.done_at is None


# --- quick search ------------------------------------------------------------------------

def test_quick_search_exact_tracking_number(session):
    complaint = f.make_complaint(session)
    for typed in (complaint.tracking_number, f"  {complaint.tracking_number.lower()} "):
        result = quick_search(session, typed)
        assert result.exact is not None and result.exact.id == complaint.id
        assert [c.id for c in result.complaints] == [complaint.id]


def test_quick_search_unknown_tracking_number_finds_nothing(session):
    result = quick_search(session, "ZZQ-1999-000001")
    assert (result.exact, result.complaints, result.clients) == (None, [], [])


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_quick_search_blank(session, typed):
    result = quick_search(session, typed)
    assert (result.exact, result.complaints, result.clients) == (None, [], [])


def test_quick_search_client_name_fragment(session):
    token = f.unique("Dupontel")
    client = f.make_client(session, name=f"Société {token} et fils")
    older = f.make_complaint(session, client=client, received_at=datetime(2026, 1, 5))
    newer = f.make_complaint(session, client=client, received_at=datetime(2026, 3, 5))
    f.make_complaint(session)  # another client's complaint

    result = quick_search(session, token.lower())
    assert result.exact is None
    assert [c.id for c in result.complaints] == [newer.id, older.id]  # most recent first
    assert [c.id for c in result.clients] == [client.id]


def test_quick_search_treats_wildcards_literally(session):
    token = f.unique("Wild")
    percent = f.make_client(session, name=f"{token} 50%_off")
    f.make_client(session, name=f"{token} 50abcoff")  # what an unescaped % would match
    f.make_client(session, name=f"{token} 50Xoff")  # what an unescaped _ would match
    backslash = f.make_client(session, name=f"{token} a\\b")

    def clients(typed):
        return [c.id for c in quick_search(session, typed).clients]

    # Words, not patterns: % and _ only separate words, they never stand for characters.
    assert clients(f"{token} 50%_off") == [percent.id]
    assert clients(f"{token} 50_off") == [percent.id]
    assert clients(f"{token} 50%off") == [percent.id]
    assert clients(f"{token} a\\b") == [backslash.id]
    assert len(clients(token)) == 4


def test_the_overdue_flag_probes_the_reminders_of_each_row(session):
    """PostgreSQL must not hash every overdue reminder of the database to flag a page of
    25 complaints (30 ms a page at 1M complaints): the EXISTS is probed per row."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: SQLite always probes an EXISTS per row")
    page = (select(Complaint.id, Complaint.has_overdue_reminder)
            .order_by(Complaint.received_at.desc()).limit(25))
    compiled = page.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    plan = "\n".join(session.execute(text(f"EXPLAIN {compiled}")).scalars())
    assert "SubPlan" in plan and "hashed SubPlan" not in plan, plan
