"""Need-to-know access, as a matrix: each role × each kind of complaint × each way of
reading it (DESIGN.md §2). Out of scope must look exactly like "does not exist"."""

from types import SimpleNamespace

import pytest
from flask import current_app
from sqlalchemy import select

from app.models import Complaint, DeletedComplaint, Event
from tests import factories as f
from tests.conftest import PASSWORD, login

KINDS = ["portfolio", "team", "assigned", "other", "confidential"]
VISIBLE = {
    "admin": {"portfolio", "team", "assigned", "other", "confidential"},
    "supervisor": {"portfolio", "team", "assigned", "other", "confidential"},
    "viewer": {"portfolio", "team", "assigned", "other"},
    "agent": {"portfolio", "team", "assigned"},
    # Same team as the agent, but neither their portfolio nor their assignments.
    "agent_confidential": {"team", "confidential"},
}
ROLES = {"admin": ["Admin"], "supervisor": ["Supervisor"], "viewer": ["Viewer"],
         "agent": ["Agent"], "agent_confidential": ["Agent", "Confidential access"]}
CAN_EDIT = {"admin", "supervisor", "agent", "agent_confidential"}
MATRIX = [(reader, kind) for reader in VISIBLE for kind in KINDS]


@pytest.fixture(scope="module")
def world(app):
    """Users of every role, one team, and one complaint of each kind, tagged by a token."""
    with app.app_context():
        from app.extensions import db

        s = db.session
        sm = current_app.appbuilder.sm
        team, other_team = f.make_team(s), f.make_team(s)
        users = {}
        for name, roles in ROLES.items():
            user = f.make_user(current_app.appbuilder, roles[0], PASSWORD)
            user.roles = [sm.find_role(r) for r in roles]
            user.team_id = team.id if name.startswith("agent") else None
            users[name] = user
        s.commit()
        agent = users["agent"]
        stranger = f.make_user(current_app.appbuilder, "Agent", PASSWORD)
        mine = f.make_client(s, portfolio_owner_id=agent.id)
        theirs = f.make_client(s, portfolio_owner_id=stranger.id)
        token = f.unique("Matrix")
        specs = {
            "portfolio": dict(client=mine, team=other_team),
            "team": dict(client=theirs, team=team),
            "assigned": dict(client=theirs, team=other_team, assignee=agent),
            "other": dict(client=theirs, team=other_team, assignee=stranger),
            "confidential": dict(client=theirs, team=team, assignee=agent, confidential=True),
        }
        complaints = {kind: f.make_complaint(s, subject=f"{token} {kind}", **spec)
                      for kind, spec in specs.items()}
        return SimpleNamespace(
            token=token,
            usernames={name: u.username for name, u in users.items()},
            ids={kind: c.id for kind, c in complaints.items()},
            tracking={kind: c.tracking_number for kind, c in complaints.items()},
            clients={kind: c.client_id for kind, c in complaints.items()},
        )


@pytest.fixture(scope="module")
def clients(app, world):
    return {name: login(app.test_client(), username)
            for name, username in world.usernames.items()}


@pytest.mark.parametrize(("reader", "kind"), MATRIX)
def test_show(clients, world, reader, kind):
    response = clients[reader].get(f"/complaints/show/{world.ids[kind]}")
    assert response.status_code == (200 if kind in VISIBLE[reader] else 404)


@pytest.mark.parametrize("reader", VISIBLE)
def test_list_shows_exactly_the_scope(clients, world, reader):
    response = clients[reader].get(f"/complaints/list/?_flt_2_subject={world.token}")
    assert response.status_code == 200
    shown = f.shown_ids(response) & set(world.ids.values())
    assert shown == {world.ids[kind] for kind in VISIBLE[reader]}


@pytest.mark.parametrize(("reader", "kind"), MATRIX)
def test_edit(clients, world, reader, kind):
    response = clients[reader].get(f"/complaints/edit/{world.ids[kind]}")
    if reader not in CAN_EDIT:
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if kind in VISIBLE[reader] else 404)


@pytest.mark.parametrize(("reader", "kind"), MATRIX)
def test_actions_on_the_complaint_page(clients, world, reader, kind):
    response = clients[reader].post(f"/complaints/{world.ids[kind]}/notes",
                                    data={"body": "matrix"})
    if reader not in CAN_EDIT:
        assert response.status_code == 403
    else:
        assert response.status_code == (302 if kind in VISIBLE[reader] else 404)


@pytest.mark.parametrize(("reader", "kind"), MATRIX)
def test_quick_search_by_tracking_number(clients, world, reader, kind):
    response = clients[reader].get(f"/search/?q={world.tracking[kind]}")
    if kind in VISIBLE[reader]:
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/complaints/show/{world.ids[kind]}")
    else:
        # The same page as for a number that does not exist: not found, not taken there.
        # (Other complaints may hold the number's words: "Subject 000276" in REC-2026-…)
        assert response.status_code == 200
        assert world.ids[kind] not in f.shown_ids(response)


@pytest.mark.parametrize("reader", VISIBLE)
def test_quick_search_by_text(clients, world, reader):
    response = clients[reader].get(f"/search/?q={world.token}")
    shown = f.shown_ids(response) & set(world.ids.values())
    assert shown == {world.ids[kind] for kind in VISIBLE[reader]}


@pytest.mark.parametrize(("reader", "kind"), MATRIX)
def test_client_tab(clients, world, reader, kind):
    response = clients[reader].get(f"/clients/show/{world.clients[kind]}")
    assert response.status_code == 200
    assert (world.tracking[kind] in response.get_data(as_text=True)) == (
        kind in VISIBLE[reader])


@pytest.mark.parametrize("reader", VISIBLE)
def test_dashboard_counts_exclude_what_is_not_visible(app, clients, world, reader):
    from app.services import dashboard
    from app.services.visibility import Reader, visible_condition

    with app.app_context():
        from app.extensions import db

        user = f.user(db.session, world.usernames[reader])
        perms = {(p.permission.name, p.view_menu.name) for r in user.roles for p in r.permissions}
        facts = Reader(user.id, user.team_id,
                       ("can_see_all_complaints", "Complaint visibility") in perms,
                       ("can_see_confidential", "Complaint visibility") in perms)
        scope = visible_condition(facts) & Complaint.subject.like(f"{world.token}%")
        counted = sum(n for _, n in dashboard.open_by_state(db.session, scope))
    assert counted == len(VISIBLE[reader])
    assert clients[reader].get("/dashboard/").status_code == 200


def test_confidential_consultations_are_logged_and_readable_by_supervisors(
        app, clients, world):
    confidential = world.ids["confidential"]
    with app.app_context():
        from app.extensions import db

        before = db.session.scalar(select(Event.id).where(
            Event.complaint_id == confidential, Event.kind == "consulted").order_by(
            Event.id.desc()).limit(1))
    clients["admin"].get(f"/complaints/show/{confidential}")
    clients["agent_confidential"].get(f"/complaints/show/{confidential}")
    clients["agent"].get(f"/complaints/show/{confidential}")  # 404: not logged
    clients["viewer"].get(f"/complaints/show/{confidential}")  # 404: not logged
    with app.app_context():
        from app.extensions import db

        rows = db.session.execute(select(Event.user_id, Event.kind).where(
            Event.complaint_id == confidential, Event.kind == "consulted",
            Event.id > (before or 0))).all()
        consulted_by = {f.user(db.session, world.usernames[n]).id
                        for n in ("admin", "agent_confidential")}
    assert {user_id for user_id, _ in rows} == consulted_by
    # The access log: supervisors read it (who, when); agents and viewers cannot open it.
    log = clients["supervisor"].get("/audit/confidential-access/list/")
    assert log.status_code == 200 and world.tracking["confidential"] in log.text
    for name in ("admin", "agent_confidential"):
        assert f.user_display(app, world.usernames[name]) in log.text
    assert clients["agent"].get("/audit/confidential-access/list/").status_code == 403
    assert clients["viewer"].get("/audit/confidential-access/list/").status_code == 403


@pytest.fixture
def doomed(app, world):
    """Fresh complaints of each kind, to delete."""
    with app.app_context():
        from app.extensions import db

        s = db.session
        made = {}
        for kind in KINDS:
            source = s.get(Complaint, world.ids[kind])
            made[kind] = f.make_complaint(
                s, client_id=source.client_id, team_id=source.team_id,
                assignee_id=source.assignee_id, confidential=source.confidential).id
        return made


@pytest.mark.parametrize("reader", VISIBLE)
def test_delete(app, clients, doomed, reader):
    may_delete = reader in {"admin", "supervisor"}
    for kind, pk in doomed.items():
        response = clients[reader].post(f"/complaints/delete/{pk}")
        with app.app_context():
            from app.extensions import db

            exists = db.session.get(Complaint, pk) is not None
            audited = db.session.scalar(select(DeletedComplaint.id).where(
                DeletedComplaint.complaint_id == pk)) is not None
        if not may_delete:
            assert response.status_code == 403 and exists
        elif kind in VISIBLE[reader]:
            assert not exists and audited, kind
        else:
            assert response.status_code == 404 and exists, kind
