"""The Configuration menu (admins only) and who may delete a complaint."""

import re

import pytest
from sqlalchemy import select

from app.models import (
    Category,
    Complaint,
    Event,
    Setting,
    Severity,
    State,
    StateTransition,
    Team,
)
from app.services import deletion
from tests import factories as f


def one(s, model, **where):
    return s.scalars(select(model).filter_by(**where)).one_or_none()


def options(html, field):
    select_html = re.search(rf'(?s)<select[^>]*name="{field}"[^>]*>(.*?)</select>', html)
    return re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>', select_html.group(1))


# --- reference lists ----------------------------------------------------------------------

def test_admin_lists_categories_with_both_labels(admin_client):
    response = admin_client.get("/config/categories/list/")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Technique" in html and "Technical" in html


def test_admin_adds_a_category_offered_in_each_language(admin_client, dbs):
    code = f.unique("cat_")

    response = admin_client.post("/config/categories/add", data={
        "code": code, "label_fr": f"Odeur {code}", "label_en": f"Smell {code}",
        "position": "500", "active": "y"})

    assert response.status_code == 302
    with dbs() as s:
        category = one(s, Category, code=code)
        assert (category.label_fr, category.label_en, category.active) == (
            f"Odeur {code}", f"Smell {code}", True)
        pk = category.id
    french = options(admin_client.get("/complaints/add?_l_=fr").get_data(as_text=True),
                     "category")
    english = options(admin_client.get("/complaints/add?_l_=en").get_data(as_text=True),
                      "category")
    assert (str(pk), f"Odeur {code}") in french
    assert (str(pk), f"Smell {code}") in english


def test_admin_edits_a_category_and_an_inactive_one_is_no_longer_offered(admin_client, dbs):
    code = f.unique("cat_")
    with dbs() as s:
        category = Category(code=code, label_fr="Avant", label_en="Before", position=600)
        s.add(category)
        s.commit()
        pk = category.id

    response = admin_client.post(f"/config/categories/edit/{pk}", data={
        "code": code, "label_fr": "Après", "label_en": "After", "position": "600"})

    assert response.status_code == 302
    with dbs() as s:
        category = s.get(Category, pk)
        assert (category.label_fr, category.label_en, category.active) == (
            "Après", "After", False)
    offered = options(admin_client.get("/complaints/add").get_data(as_text=True), "category")
    assert str(pk) not in {value for value, _label in offered}


def test_duplicate_code_in_one_list_is_refused_once(admin_client, dbs):
    with dbs() as s:
        existing = s.scalars(select(Category.code)).first()

    response = admin_client.post("/config/categories/add?_l_=en", data={
        "code": existing, "label_fr": "Doublon", "label_en": "Duplicate", "position": "1"})

    assert response.status_code == 200
    assert f.messages(response) == [f"“{existing}” is already used."]


def test_same_code_in_two_lists_is_accepted(admin_client, dbs):
    # Each reference view checks uniqueness in its own table only.
    code = f.unique("shared_")
    admin_client.post("/config/categories/add", data={
        "code": code, "label_fr": "Partagé", "label_en": "Shared", "position": "1"})

    response = admin_client.post("/config/severities/add?_l_=en", data={
        "code": code, "label_fr": "Partagé", "label_en": "Shared", "position": "1"})

    assert response.status_code == 302, f.messages(response)
    with dbs() as s:
        assert one(s, Category, code=code) is not None
        assert one(s, Severity, code=code) is not None


@pytest.mark.parametrize("field", ["code", "label_fr", "label_en"])
def test_reference_item_needs_code_and_both_labels(admin_client, dbs, field):
    form = {"code": f.unique("cat_"), "label_fr": "FR", "label_en": "EN", "position": "1"}
    form[field] = ""

    response = admin_client.post("/config/categories/add?_l_=en", data=form)

    assert response.status_code == 200
    assert "This field is required." in f.messages(response)


# --- workflow: states and transitions -----------------------------------------------------

@pytest.fixture
def state_code(dbs):
    """Codes for new states, removed after the test with their complaints and transitions:
    the workflow is shared by every test of the session (e.g. "each state is used")."""
    made = []

    def new_code():
        made.append(f.unique("st_"))
        return made[-1]

    yield new_code
    with dbs() as s:
        ids = s.scalars(select(State.id).where(State.code.in_(made))).all()
        for complaint in s.scalars(select(Complaint).where(Complaint.state_id.in_(ids))):
            deletion.stage_deletion(s, complaint, None)  # keeps the monthly counts right
            s.delete(complaint)
        s.flush()
        for transition in s.scalars(select(StateTransition).where(
                StateTransition.source_id.in_(ids) | StateTransition.target_id.in_(ids))):
            s.delete(transition)
        s.flush()
        for state in s.scalars(select(State).where(State.id.in_(ids))):
            s.delete(state)
        s.commit()


def test_admin_adds_states_and_a_transition_that_the_complaint_page_offers(admin_client,
                                                                           dbs, state_code):
    source_code, target_code = state_code(), state_code()
    for code, flags in ((source_code, {"is_open": "y"}),
                        (target_code, {"is_open": "y", "pauses_clock": "y"})):
        response = admin_client.post("/config/states/add", data={
            "code": code, "label_fr": f"FR {code}", "label_en": f"EN {code}",
            "position": "900", "active": "y", **flags})
        assert response.status_code == 302
    with dbs() as s:
        source, target = one(s, State, code=source_code), one(s, State, code=target_code)
        assert (target.pauses_clock, target.is_final, target.is_open) == (True, False, True)
        source_id, target_id = source.id, target.id

    response = admin_client.post("/config/transitions/add", data={
        "source": source_id, "target": target_id})

    assert response.status_code == 302
    with dbs() as s:
        assert one(s, StateTransition, source_id=source_id, target_id=target_id)
        complaint = f.make_complaint(s, state_code=source_code)
        pk = complaint.id
    page = admin_client.get(f"/complaints/show/{pk}").get_data(as_text=True)
    assert re.findall(r'rec-transition" data-state="([^"]+)"', page) == [target_code]
    moved = admin_client.post(f"/complaints/{pk}/state", data={"state_id": target_id})
    assert moved.status_code == 302
    with dbs() as s:
        complaint = s.get(Complaint, pk)
        assert complaint.state_id == target_id
        assert complaint.paused_since is not None  # the new state pauses the clock


def test_admin_edits_a_transition(admin_client, dbs, state_code):
    with dbs() as s:
        states = []
        for _ in range(3):
            state = State(code=state_code(), label_fr="x", label_en="x", position=950)
            s.add(state)
            states.append(state)
        s.flush()
        transition = StateTransition(source=states[0], target=states[1])
        s.add(transition)
        s.commit()
        pk, ids = transition.id, [state.id for state in states]

    listed = admin_client.get("/config/transitions/list/")
    response = admin_client.post(f"/config/transitions/edit/{pk}", data={
        "source": ids[0], "target": ids[2]})

    assert listed.status_code == 200
    assert response.status_code == 302
    with dbs() as s:
        assert s.get(StateTransition, pk).target_id == ids[2]


def test_admin_lists_states(admin_client):
    html = admin_client.get("/config/states/list/?_l_=en").get_data(as_text=True)

    assert "Waiting for the customer" in html and "En attente du client" in html


# --- teams and settings -------------------------------------------------------------------

def test_admin_adds_and_edits_a_team(admin_client, dbs):
    name = f.unique("Service ")
    with dbs() as s:
        manager = f.user(s, "supervisor").id

    added = admin_client.post("/config/teams/add", data={
        "name": name, "name_en": f"{name} EN", "email": "service@example.org",
        "manager": manager, "active": "y"})
    with dbs() as s:
        pk = one(s, Team, name=name).id
    edited = admin_client.post(f"/config/teams/edit/{pk}", data={
        "name": name, "name_en": f"{name} desk", "email": "", "manager": manager})

    assert (added.status_code, edited.status_code) == (302, 302)
    with dbs() as s:
        team = s.get(Team, pk)
        assert (team.email or None, team.manager_id, team.active) == (None, manager, False)
        assert team.name_en == f"{name} desk"


def test_team_email_is_checked(admin_client, dbs):
    name = f.unique("Service ")

    response = admin_client.post("/config/teams/add?_l_=en", data={"name": name,
                                                                   "email": "nope"})

    assert response.status_code == 200
    assert "Invalid email address." in f.messages(response)
    with dbs() as s:
        assert one(s, Team, name=name) is None


def test_admin_sees_settings(admin_client):
    assert admin_client.get("/config/settings/list/").status_code == 200


@pytest.mark.parametrize("value", ["²", "25", "8h"])
def test_a_digest_hour_that_is_not_an_hour_is_refused(admin_client, dbs, value):
    """"²" passed ``str.isdigit`` and then broke ``int()``: a 500."""
    response = admin_client.post("/config/settings/add?_l_=en", data={
        "key": "digest_hour", "value": value}, follow_redirects=True)

    assert response.status_code == 200
    assert "The digest hour must be a whole hour from 0 to 23." in response.get_data(
        as_text=True)
    with dbs() as s:
        assert one(s, Setting, key="digest_hour", value=value) is None


# --- who may configure --------------------------------------------------------------------

CONFIG_URLS = [
    "/config/categories/list/", "/config/categories/add", "/config/categories/edit/1",
    "/config/channels/list/", "/config/request-types/list/", "/config/severities/list/",
    "/config/complexities/list/", "/config/resolution-types/list/", "/config/sectors/list/",
    "/config/agencies/list/", "/config/states/list/", "/config/states/add",
    "/config/transitions/list/", "/config/transitions/add", "/config/teams/list/",
    "/config/teams/add", "/config/settings/list/", "/users/list/", "/roles/list/",
]


@pytest.mark.parametrize("url", CONFIG_URLS)
@pytest.mark.parametrize("who", ["agent_client", "supervisor_client", "viewer_client"])
def test_only_admins_reach_configuration(request, who, url):
    client = request.getfixturevalue(who)

    assert client.get(url).status_code == 403


@pytest.mark.parametrize("who", ["agent_client", "viewer_client"])
def test_non_admin_cannot_post_configuration(request, dbs, who):
    client = request.getfixturevalue(who)
    code = f.unique("cat_")

    response = client.post("/config/categories/add", data={
        "code": code, "label_fr": "x", "label_en": "x", "position": "1"})

    assert response.status_code == 403
    with dbs() as s:
        assert one(s, Category, code=code) is None


def test_anonymous_is_sent_to_login_from_configuration(app):
    response = app.test_client().get("/config/categories/list/")

    assert response.status_code == 302 and "/login/" in response.headers["Location"]


# --- deleting a complaint (permissions only; the deletion rules are a later issue) --------

def make_complaint_id(dbs):
    with dbs() as s:
        return f.make_complaint(s).id


@pytest.mark.parametrize("who", ["agent_client", "viewer_client"])
def test_agent_and_viewer_cannot_delete_a_complaint(request, dbs, who):
    client = request.getfixturevalue(who)
    pk = make_complaint_id(dbs)

    assert client.post(f"/complaints/delete/{pk}").status_code == 403
    assert client.get(f"/complaints/delete/{pk}").status_code == 403
    with dbs() as s:
        assert s.get(Complaint, pk) is not None


@pytest.mark.parametrize("who", ["admin_client", "supervisor_client"])
def test_admin_and_supervisor_can_delete_a_complaint(request, dbs, who):
    client = request.getfixturevalue(who)
    pk = make_complaint_id(dbs)

    response = client.post(f"/complaints/delete/{pk}?_l_=en", follow_redirects=True)

    assert response.status_code == 200
    assert any(re.fullmatch(r"Complaint REC-\d{4}-\d{6} deleted\.", message)
               for message in f.messages(response))
    with dbs() as s:
        assert s.get(Complaint, pk) is None
        assert s.scalars(select(Event).where(Event.complaint_id == pk)).all() == []


def test_delete_by_get_changes_nothing(supervisor_client, dbs):
    pk = make_complaint_id(dbs)

    response = supervisor_client.get(f"/complaints/delete/{pk}?_l_=en", follow_redirects=True)

    assert response.status_code == 200
    assert "Access denied." in f.messages(response)
    with dbs() as s:
        assert s.get(Complaint, pk) is not None


@pytest.mark.parametrize("pk", ["2147483647", "abc", "99999999999999999999"])
def test_deleting_an_unknown_complaint_is_404(admin_client, pk):
    assert admin_client.post(f"/complaints/delete/{pk}").status_code == 404
