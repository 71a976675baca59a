"""Assignment rules: applied on creation from every channel, written in the history,
notified to the assignee; edited by admins in the UI with effect on the next complaint;
round-robin fair over many creations and under concurrent ones."""

import itertools
from datetime import datetime

import pytest
from sqlalchemy import delete, func, select

from app.domain import events
from app.jobs import register_submissions
from app.models import (
    AppUser,
    AssignmentRule,
    Channel,
    Complaint,
    Event,
    Notification,
    OutboundEmail,
    TeamRotation,
)
from app.services import intake
from tests import factories as f
from tests.conftest import PASSWORD, login
from tests.integration.conftest import run_concurrently


@pytest.fixture(autouse=True)
def no_rules_left(app):
    """Rules apply to every creation: none may outlive its test; nor the assignment
    emails it queued (the outbox tests of other modules count what is pending), nor its
    team members (their complaints fall overdue: the alert scan would email them)."""
    from sqlalchemy import update

    from app.extensions import db

    with app.app_context():
        last_email = db.session.scalar(select(func.max(OutboundEmail.id))) or 0
        last_user = db.session.scalar(select(func.max(AppUser.id))) or 0
        db.session.remove()
    yield
    with app.app_context():
        db.session.execute(delete(AssignmentRule))
        db.session.execute(delete(TeamRotation))
        db.session.execute(delete(OutboundEmail).where(OutboundEmail.id > last_email))
        db.session.execute(update(AppUser).where(AppUser.id > last_user).values(active=False))
        db.session.commit()
        db.session.remove()


def channel_id(s, code):
    return s.scalars(select(Channel.id).where(Channel.code == code)).one()


def team_with_members(app, s, count=2, inactive=0):
    team = f.make_team(s, active=True)
    members = []
    for n in range(count + inactive):
        user = f.make_user(app.appbuilder, "Agent", PASSWORD)
        user = s.get(AppUser, user.id)
        user.team_id, user.active = team.id, n < count
        members.append(user)
    s.commit()
    return team, members


def make_rule(s, team, **fields):
    rule = AssignmentRule(name=f.unique("Rule "), team_id=team.id, active=True, **fields)
    s.add(rule)
    s.commit()
    return rule


def complaint_by_subject(s, subject):
    return s.scalars(select(Complaint).where(Complaint.subject == subject)).one()


# --- one way in per channel --------------------------------------------------------------

def via_backoffice(app, s, subject):
    form = {"received_at": "2026-11-20 09:30", "subject": subject,
            "complexity": f.complexity(s).id, "state": f.state(s, "new").id,
            "channel": channel_id(s, "phone"), "satisfaction": "unknown"}
    s.commit()
    assert login(app.test_client(), "agent").post("/complaints/add", data=form).status_code \
        == 302


def via_rest_api(app, s, subject):
    from tests.integration.test_api import Api, jwt

    body = {"subject": subject, "complexity_id": f.complexity(s).id,
            "channel_id": channel_id(s, "phone"), "received_at": "2026-11-20T09:30:00Z"}
    s.commit()
    created = Api(app, jwt(app, "agent")).post("/complaint/", json=body)
    assert created.status_code == 201, created.json


def portal_form(subject):
    return {"name": "Jeanne Martin", "email": f"{f.unique('jeanne')}@example.org",
            "description": "Ma facture est fausse.", "request_type": "complaint",
            "category": "billing", "consent": "1", "subject": subject}


def via_public_form(app, s, subject):
    s.commit()
    assert app.test_client().post("/public/complaint",
                                  data=portal_form(subject)).status_code == 302


def via_public_api(app, s, subject):
    s.commit()
    created = app.test_client().post("/api/v1/public/complaints", json=portal_form(subject))
    assert created.status_code == 201
    assert register_submissions(app)["registered"] >= 1


def via_email(app, s, subject):
    raw = (f"From: Jeanne <{f.unique('mail')}@example.net>\r\nTo: rec@example.org\r\n"
           f"Subject: {subject}\r\nMessage-ID: <{f.unique('m')}@example.net>\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nMon compteur fuit.\r\n").encode()
    assert intake.take_in(s, raw, app.config)[0] == intake.COMPLAINT


CHANNELS = {"backoffice": (via_backoffice, "phone"), "rest_api": (via_rest_api, "phone"),
            "public_form": (via_public_form, "web"), "public_api": (via_public_api, "web"),
            "email": (via_email, "email")}


@pytest.mark.parametrize("way", list(CHANNELS))
def test_every_channel_applies_the_rule_logs_it_and_notifies(app, dbs, way):
    create, code = CHANNELS[way]
    subject = f.unique("Assigned by rule ")
    with dbs() as s:
        team, (member, _) = team_with_members(app, s)
        rule = make_rule(s, team, channel_id=channel_id(s, code), assignee_id=member.id)
        team_id, member_id, member_email, rule_name = team.id, member.id, member.email, rule.name
        create(app, s, subject)
    with dbs() as s:
        complaint = complaint_by_subject(s, subject)
        assert (complaint.team_id, complaint.assignee_id) == (team_id, member_id)
        logged = s.execute(select(Event.field, Event.new_value, Event.actor_kind, Event.detail)
                           .where(Event.complaint_id == complaint.id,
                                  Event.kind == events.ASSIGNED).order_by(Event.id)).all()
        assert logged == [("team", str(team_id), "system", rule_name),
                          ("assignee", str(member_id), "system", rule_name)]
        assert s.scalar(select(func.count(Notification.id)).where(
            Notification.complaint_id == complaint.id, Notification.user_id == member_id,
            Notification.kind == "assigned")) == 1
        assert s.scalar(select(func.count(OutboundEmail.id)).where(
            OutboundEmail.complaint_id == complaint.id,
            OutboundEmail.recipient == member_email)) == 1
        complaint_id = complaint.id
    page = login(app.test_client(), "admin").get(f"/complaints/show/{complaint_id}")
    assert f"par la règle «\u00a0{rule_name}\u00a0»" in page.get_data(as_text=True)


def test_a_team_or_assignee_chosen_by_the_creator_wins(app, dbs):
    with dbs() as s:
        team, _ = team_with_members(app, s)
        mine = f.make_team(s)
        make_rule(s, team)  # catch-all
        chosen = f.make_complaint(s, team=mine)
        ruled = f.make_complaint(s)
        assert chosen.team_id == mine.id
        assert ruled.team_id == team.id and ruled.assignee_id is None


def test_a_rule_for_another_category_or_an_inactive_rule_does_nothing(app, dbs):
    from app.models import Category

    with dbs() as s:
        team, _ = team_with_members(app, s)
        billing, other = s.scalars(select(Category).order_by(Category.id).limit(2)).all()
        make_rule(s, team, category_id=billing.id)
        inactive = make_rule(s, team, channel_id=channel_id(s, "phone"))
        inactive.active = False
        s.commit()
        assert f.make_complaint(s, category=other, channel_id=channel_id(s, "phone")).team_id \
            is None
        assert f.make_complaint(s, category=billing).team_id == team.id


# --- the admin's UI ---------------------------------------------------------------------

def rule_form(s, team, **fields):
    values = {"name": fields.pop("name", f.unique("UI rule ")), "position": "10",
              "team": str(team.id), "active": "y"}
    values.update({k: str(v) for k, v in fields.items()})
    return values


def test_an_admin_adds_and_edits_a_rule_and_the_next_complaint_follows(app, dbs,
                                                                       admin_client):
    with dbs() as s:
        first, (alice, _) = team_with_members(app, s)
        second, (bob, _) = team_with_members(app, s)
        phone = channel_id(s, "phone")
        form = rule_form(s, first, channel=phone, assignee=alice.id)
        ids = first.id, second.id, alice.id, bob.id
    assert admin_client.get("/config/assignment-rules/add").status_code == 200
    assert admin_client.post("/config/assignment-rules/add", data=form).status_code == 302
    with dbs() as s:
        rule_id = s.scalars(select(AssignmentRule.id).where(
            AssignmentRule.name == form["name"])).one()
        made = f.make_complaint(s, channel_id=phone)
        assert (made.team_id, made.assignee_id) == (ids[0], ids[2])
    listing = admin_client.get("/config/assignment-rules/list/").get_data(as_text=True)
    assert form["name"] in listing and "la première qui correspond" in listing
    edited = {**form, "team": str(ids[1]), "assignee": str(ids[3])}
    assert admin_client.post(f"/config/assignment-rules/edit/{rule_id}",
                             data=edited).status_code == 302
    with dbs() as s:
        made = f.make_complaint(s, channel_id=phone)
        assert (made.team_id, made.assignee_id) == (ids[1], ids[3])


def test_a_rule_deleted_in_the_ui_no_longer_applies(app, dbs, admin_client):
    with dbs() as s:
        team, _ = team_with_members(app, s)
        phone = channel_id(s, "phone")
        rule_id = make_rule(s, team, channel_id=phone).id
        assert f.make_complaint(s, channel_id=phone).team_id == team.id
    assert admin_client.post(f"/config/assignment-rules/delete/{rule_id}").status_code == 302
    with dbs() as s:
        assert s.get(AssignmentRule, rule_id) is None
        assert f.make_complaint(s, channel_id=phone).team_id is None


@pytest.mark.parametrize("case, message", [
    ("outsider", "n'est pas membre de cette équipe"),
    ("both", "pas les deux"),
    ("empty_rotation", "au moins un membre actif"),
    ("twin", "exactement les mêmes conditions"),
    ("no_team", "obligatoire"),
])
def test_inconsistent_rules_are_refused_with_the_reason(app, dbs, admin_client, case,
                                                        message):
    with dbs() as s:
        team, (member, _) = team_with_members(app, s)
        outsider = f.make_user(app.appbuilder, "Agent", PASSWORD)
        empty = f.make_team(s)
        phone = channel_id(s, "phone")
        form = {
            "outsider": lambda: rule_form(s, team, assignee=outsider.id),
            "both": lambda: rule_form(s, team, assignee=member.id, round_robin="y"),
            "empty_rotation": lambda: rule_form(s, empty, round_robin="y"),
            "twin": lambda: rule_form(s, team, channel=phone),
            "no_team": lambda: {**rule_form(s, team), "team": ""},
        }[case]()
        if case == "twin":
            make_rule(s, team, channel_id=phone)
        before = s.scalar(select(func.count(AssignmentRule.id)))
    response = admin_client.post("/config/assignment-rules/add", data=form)
    page = admin_client.get("/config/assignment-rules/list/") if response.status_code == 302 \
        else response
    assert message in " ".join(f.messages(page)) + page.get_data(as_text=True)
    with dbs() as s:
        assert s.scalar(select(func.count(AssignmentRule.id))) == before


def test_only_admins_reach_the_rules(app, agent_client, supervisor_client):
    for client in (agent_client, supervisor_client):
        assert client.get("/config/assignment-rules/list/").status_code in (302, 403)


# --- round-robin --------------------------------------------------------------------------

def test_round_robin_is_fair_and_skips_inactive_members(app, dbs):
    with dbs() as s:
        team, members = team_with_members(app, s, count=3, inactive=1)
        make_rule(s, team, round_robin=True)
        active = sorted(m.id for m in members if m.active)
        served = [f.make_complaint(s).assignee_id for _ in range(9)]
    assert served == active * 3


def test_round_robin_under_concurrent_creations(app, dbs):
    workers, each = 4, 3
    with dbs() as s:
        team, members = team_with_members(app, s, count=3)
        make_rule(s, team, round_robin=True)
        member_ids = [m.id for m in members]
        marker = f.unique("Concurrent RR ")

    # Each complaint in a year of its own: their tracking numbers come from different
    # sequence rows, so nothing but the team's rotation serialises the creations. Years
    # long past, out of every other test's periods and dashboards (and within the range
    # of dates the product takes in, app.domain.dates: from 1990).
    years = itertools.count(1990)

    def create(session):
        for n in range(each):
            f.make_complaint(session, subject=f"{marker} {n}",
                             received_at=datetime(next(years), 3, 1, 9, 0))

    run_concurrently(app, create, workers)
    with dbs() as s:
        served = s.scalars(select(Complaint.assignee_id).where(
            Complaint.subject.like(f"{marker}%"))).all()
    assert len(served) == workers * each
    counts = {pk: served.count(pk) for pk in member_ids}
    assert sorted(counts.values()) == [4, 4, 4], counts
