"""The complaint back-office through the test client: add and edit forms, the complaint
page and its actions (state, assignment, notes, reminders), the global list and the quick
search. Every test makes its own rows: the database is shared by the whole session."""

import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.models import Category, Client, Complaint, Contract, Event, Note, Reminder
from app.services import complaints as complaint_service
from app.services.clock import utcnow
from tests import factories as f
from tests.conftest import PASSWORD, login

HUGE_ID = "99999999999999999999"
OUT_OF_INT32 = "3000000000"


@pytest.fixture
def ids(dbs):
    """A client with a contract, another client with its own contract, reference ids."""
    with dbs() as s:
        client = f.make_client(s, name=f.unique("Martin "))
        contract = f.make_contract(s, client)
        other = f.make_client(s)
        other_contract = f.make_contract(s, other)
        categories = s.scalars(select(Category).where(Category.active.is_(True))
                               .order_by(Category.position)).all()
        return SimpleNamespace(
            client=client.id, client_name=client.name, contract=contract.id,
            other_client=other.id, other_contract=other_contract.id,
            category=categories[0].id, category2=categories[1].id,
            category2_label=categories[1].label_en, complexity=f.complexity(s).id,
            new=f.state(s, "new").id, acknowledged=f.state(s, "acknowledged").id,
            closed=f.state(s, "closed").id, agent=f.user(s, "agent").id,
            admin=f.user(s, "admin").id,
        )


def add_form(ids, **changes):
    data = {
        "client": ids.client, "contract": ids.contract, "received_at": "2026-07-01 10:00",
        "complexity": ids.complexity, "state": ids.new, "subject": f.unique("Subject "),
        "category": ids.category, "satisfaction": "unknown",
    }
    data.update(changes)
    return data


def by_subject(s, subject) -> list[Complaint]:
    return s.scalars(select(Complaint).where(Complaint.subject == subject)).all()


def make_complaint(dbs, **fields) -> SimpleNamespace:
    """A complaint registered through the service; its id, tracking number and subject."""
    with dbs() as s:
        actor = fields.pop("actor", None) or f.user(s, "admin")
        if isinstance(fields.get("assignee"), str):  # a username: in that user's scope
            fields["assignee"] = f.user(s, fields["assignee"])
        complaint = f.make_complaint(s, actor=actor, **fields)
        return SimpleNamespace(id=complaint.id, tracking=complaint.tracking_number,
                               subject=complaint.subject, state_id=complaint.state_id)


def event_rows(s, complaint_id):
    rows = s.execute(select(Event.kind, Event.field, Event.old_value, Event.new_value,
                            Event.user_id)
                     .where(Event.complaint_id == complaint_id).order_by(Event.id))
    return [tuple(row) for row in rows]


# --- add form ---------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "stored"), [
    ("2026-07-01 10:00", datetime(2026, 7, 1, 8, 0)),    # summer time, UTC+2
    ("2026-01-15 10:00", datetime(2026, 1, 15, 9, 0)),   # winter time, UTC+1
])
def test_add_complaint_stores_utc_with_tracking_number(admin_client, dbs, ids, typed, stored):
    data = add_form(ids, received_at=typed)

    response = admin_client.post("/complaints/add", data=data)

    assert response.status_code == 302
    with dbs() as s:
        [complaint] = by_subject(s, data["subject"])
        assert re.fullmatch(r"REC-2026-\d{6}", complaint.tracking_number)
        assert complaint.received_at == stored
        assert (complaint.client_id, complaint.contract_id) == (ids.client, ids.contract)
        assert (complaint.category_id, complaint.complexity_id, complaint.state_id) == (
            ids.category, ids.complexity, ids.new)
        assert complaint.created_by_id == ids.admin
        assert complaint.due_at is not None
        created = [e for e in event_rows(s, complaint.id) if e[0] == "created"]
        assert created == [("created", None, None, None, ids.admin)]


def test_added_complaint_page_shows_local_time(admin_client, dbs, ids):
    data = add_form(ids, received_at="2026-07-01 10:00")
    admin_client.post("/complaints/add", data=data)
    with dbs() as s:
        [complaint] = by_subject(s, data["subject"])
        pk = complaint.id

    html = admin_client.get(f"/complaints/show/{pk}?_l_=en").get_data(as_text=True)

    assert "7/1/26, 10:00" in html  # Babel's short English format, in Paris time


@pytest.mark.parametrize("field", ["complexity", "state", "received_at"])
def test_add_complaint_without_required_field_is_refused(admin_client, dbs, ids, field):
    data = add_form(ids, **{field: ""})

    response = admin_client.post("/complaints/add?_l_=en", data=data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="model_form"' in html and data["subject"] in html  # re-rendered, kept
    assert "This field is required." in f.messages(response)
    with dbs() as s:
        assert by_subject(s, data["subject"]) == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("received_at", "2026-13-01 10:00", "Not a valid datetime value."),
    ("received_at", "0001-01-01 00:00", "The date must be between 1990 and 2100."),
    ("received_at", "2101-01-01 00:00", "The date must be between 1990 and 2100."),
    ("contract", "other_contract", "The contract does not belong to the selected client."),
])
def test_add_complaint_with_bad_input_says_why_and_creates_nothing(admin_client, dbs, ids,
                                                                    field, value, message):
    data = add_form(ids, **{field: getattr(ids, value, value)})

    response = admin_client.post("/complaints/add?_l_=en", data=data)

    assert response.status_code == 200
    assert message in f.messages(response)
    with dbs() as s:
        assert by_subject(s, data["subject"]) == []


def test_add_complaint_in_english_after_switching_language(app, dbs, ids):
    from flask import current_app

    with dbs():
        username = f.make_user(current_app.appbuilder, "Agent", PASSWORD).username
    client = login(app.test_client(), username)
    client.get("/lang/en")
    data = add_form(ids, contract=ids.other_contract)

    response = client.post("/complaints/add", data=data)

    assert "The contract does not belong to the selected client." in f.messages(response)
    with dbs() as s:
        assert by_subject(s, data["subject"]) == []


@pytest.mark.parametrize("raw", ["abc", "999999999", OUT_OF_INT32, HUGE_ID, "²", "-1"])
def test_add_complaint_with_malformed_client_id_is_a_form_error(admin_client, dbs, ids, raw):
    data = add_form(ids, client=raw, contract="")

    response = admin_client.post("/complaints/add?_l_=en", data=data)

    assert response.status_code == 200
    assert "Not a valid choice" in f.messages(response)
    with dbs() as s:
        assert by_subject(s, data["subject"]) == []


def test_add_complaint_contract_alone_takes_its_client(admin_client, dbs, ids):
    data = add_form(ids, client="")

    assert admin_client.post("/complaints/add", data=data).status_code == 302
    with dbs() as s:
        [complaint] = by_subject(s, data["subject"])
        assert complaint.client_id == ids.client


@pytest.mark.parametrize(("posted", "stored"), [(None, False), ("", False), ("y", True)])
def test_confidential_box_may_be_left_unticked(admin_client, dbs, ids, posted, stored):
    data = add_form(ids)
    if posted is not None:
        data["confidential"] = posted

    assert admin_client.post("/complaints/add", data=data).status_code == 302
    with dbs() as s:
        [complaint] = by_subject(s, data["subject"])
        assert complaint.confidential is stored


def test_add_form_prefills_the_client_from_the_url(admin_client, ids):
    response = admin_client.get(f"/complaints/add?client_id={ids.client}")

    assert response.status_code == 200
    select_html = re.search(r'(?s)<select id="client".*?</select>',
                            response.get_data(as_text=True)).group(0)
    assert re.search(rf'<option value="{ids.client}" selected>{ids.client_name} \(', select_html)


@pytest.mark.parametrize("raw", ["abc", "²", HUGE_ID, OUT_OF_INT32, "999999999"])
def test_add_form_ignores_a_malformed_client_id(admin_client, raw):
    response = admin_client.get(f"/complaints/add?client_id={raw}")

    assert response.status_code == 200
    select_html = re.search(r'(?s)<select id="client".*?</select>',
                            response.get_data(as_text=True)).group(0)
    assert " selected" not in select_html


def test_add_complaint_database_error_is_not_shown_raw(admin_client, dbs, ids, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*_args, **_kwargs):
        raise OperationalError("INSERT INTO complaint secret-values", {}, Exception("boom"))

    monkeypatch.setattr(complaint_service, "allocate_tracking_number", broken)
    data = add_form(ids)

    response = admin_client.post("/complaints/add?_l_=en", data=data, follow_redirects=True)

    assert response.status_code == 200
    shown = " ".join(f.messages(response))
    assert "INSERT" not in shown and "secret-values" not in shown
    assert "Database error." in shown
    with dbs() as s:
        assert by_subject(s, data["subject"]) == []


# --- edit form --------------------------------------------------------------------------

def edit_form(ids, complaint, **changes):
    data = {
        "client": ids.client, "contract": ids.contract, "received_at": "2026-07-01 10:00",
        "complexity": ids.complexity, "state": complaint.state_id, "subject": complaint.subject,
        "category": ids.category, "satisfaction": "unknown",
    }
    data.update(changes)
    return data


def complaint_for_edit(dbs, ids, state_code="new", **fields):
    with dbs() as s:
        client = s.get(Client, ids.client)
        contract = s.get(Contract, ids.contract)
        category = s.get(Category, ids.category)
    return make_complaint(dbs, client=client, contract=contract, category=category,
                          received_at=datetime(2026, 7, 1, 8, 0), state_code=state_code,
                          **fields)


@pytest.mark.parametrize(("stored", "shown"), [
    (datetime(2026, 7, 1, 8, 0), "2026-07-01 10:00"),
    (datetime(2026, 1, 15, 9, 0), "2026-01-15 10:00"),
])
def test_edit_form_shows_received_at_in_local_time(admin_client, dbs, stored, shown):
    complaint = make_complaint(dbs, received_at=stored)

    response = admin_client.get(f"/complaints/edit/{complaint.id}")

    assert response.status_code == 200
    field = re.search(r'<input[^>]*name="received_at"[^>]*>', response.get_data(as_text=True))
    assert f'value="{shown}"' in field.group(0)


def test_edit_records_changed_fields_old_to_new(admin_client, dbs, ids):
    complaint = complaint_for_edit(dbs, ids)
    new_subject = f.unique("Edited ")
    data = edit_form(ids, complaint, subject=new_subject, category=ids.category2)

    response = admin_client.post(f"/complaints/edit/{complaint.id}", data=data)

    assert response.status_code == 302
    with dbs() as s:
        row = s.get(Complaint, complaint.id)
        assert (row.subject, row.category_id) == (new_subject, ids.category2)
        assert row.received_at == datetime(2026, 7, 1, 8, 0)  # unchanged, not shifted again
        changed = {e[1]: e for e in event_rows(s, complaint.id) if e[0] == "field_changed"}
    assert set(changed) == {"subject", "category"}
    assert changed["subject"][2:] == (complaint.subject, new_subject, ids.admin)
    assert changed["category"][2:] == (str(ids.category), str(ids.category2), ids.admin)
    page = admin_client.get(f"/complaints/show/{complaint.id}?_l_=en").get_data(as_text=True)
    assert f"Subject changed: {complaint.subject} → {new_subject}" in page
    assert f"→ {ids.category2_label}" in page


def test_edit_form_moves_state_along_an_allowed_transition(admin_client, dbs, ids):
    complaint = complaint_for_edit(dbs, ids)
    data = edit_form(ids, complaint, state=ids.acknowledged)

    response = admin_client.post(f"/complaints/edit/{complaint.id}", data=data)

    assert response.status_code == 302
    with dbs() as s:
        assert s.get(Complaint, complaint.id).state_id == ids.acknowledged
        changes = [e for e in event_rows(s, complaint.id) if e[0] == "state_changed"]
    assert changes == [("state_changed", "state", str(ids.new), str(ids.acknowledged),
                        ids.admin)]


def test_edit_form_refuses_a_disallowed_transition(admin_client, dbs, ids):
    complaint = complaint_for_edit(dbs, ids)
    with dbs() as s:
        before = event_rows(s, complaint.id)
    data = edit_form(ids, complaint, state=ids.closed, subject=f.unique("Lost "))

    response = admin_client.post(f"/complaints/edit/{complaint.id}?_l_=en", data=data,
                                 follow_redirects=True)

    assert response.status_code == 200
    assert "A complaint cannot move from “New” to “Closed”." in f.messages(response)
    with dbs() as s:
        row = s.get(Complaint, complaint.id)
        assert (row.state_id, row.subject) == (ids.new, complaint.subject)
        assert event_rows(s, complaint.id) == before


def test_edit_form_refuses_a_contract_of_another_client(admin_client, dbs, ids):
    complaint = complaint_for_edit(dbs, ids)
    data = edit_form(ids, complaint, contract=ids.other_contract)

    response = admin_client.post(f"/complaints/edit/{complaint.id}?_l_=en", data=data)

    assert response.status_code == 200
    assert "The contract does not belong to the selected client." in f.messages(response)
    with dbs() as s:
        assert s.get(Complaint, complaint.id).contract_id == ids.contract


def test_agent_may_edit_and_viewer_may_not(agent_client, viewer_client, dbs, ids):
    complaint = complaint_for_edit(dbs, ids, assignee="agent")
    subject = f.unique("By agent ")

    assert viewer_client.get(f"/complaints/edit/{complaint.id}").status_code == 403
    assert viewer_client.get("/complaints/add").status_code == 403
    response = agent_client.post(f"/complaints/edit/{complaint.id}",
                                 data=edit_form(ids, complaint, subject=subject,
                                                assignee=ids.agent))

    assert response.status_code == 302
    with dbs() as s:
        assert s.get(Complaint, complaint.id).subject == subject


# --- the complaint page -----------------------------------------------------------------

def test_complaint_page_shows_state_transitions_and_history(admin_client, dbs):
    complaint = make_complaint(dbs)
    with dbs() as s:
        row = s.get(Complaint, complaint.id)
        allowed = {st.code for st in complaint_service.allowed_next_states(s, row)}

    response = admin_client.get(f"/complaints/show/{complaint.id}?_l_=en")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert complaint.tracking in html and complaint.subject in html
    assert re.search(r'id="complaint-state">New<', html)
    buttons = set(re.findall(r'class="[^"]*rec-transition[^"]*" data-state="([^"]+)"', html))
    assert buttons == allowed and {"acknowledged", "in_progress"} <= buttons
    assert "closed" not in buttons
    assert 'data-kind="created"' in html and "Complaint registered" in html


@pytest.mark.parametrize("pk", ["2147483647", "abc", HUGE_ID, "-1", "0"])
def test_unknown_complaint_page_is_404(admin_client, pk):
    assert admin_client.get(f"/complaints/show/{pk}").status_code == 404


def test_complaint_page_of_a_final_state_offers_reopen_only(admin_client, dbs):
    complaint = make_complaint(dbs, state_code="closed")

    html = admin_client.get(f"/complaints/show/{complaint.id}").get_data(as_text=True)

    assert re.findall(r'rec-transition" data-state="([^"]+)"', html) == ["reopened"]


# --- actions on the complaint page ------------------------------------------------------

def test_change_state_along_an_allowed_transition(admin_client, dbs, ids):
    complaint = make_complaint(dbs)

    response = admin_client.post(f"/complaints/{complaint.id}/state?_l_=en",
                                 data={"state_id": ids.acknowledged, "comment": "Called back"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/complaints/show/{complaint.id}")
    page = admin_client.get(response.headers["Location"])
    assert "State changed to “Acknowledged”." in f.messages(page)
    with dbs() as s:
        assert s.get(Complaint, complaint.id).state_id == ids.acknowledged
        detail = s.scalars(select(Event.detail).where(
            Event.complaint_id == complaint.id, Event.kind == "state_changed")).all()
    assert detail == ["Called back"]


def test_change_state_along_a_disallowed_transition_is_refused(admin_client, dbs, ids):
    complaint = make_complaint(dbs)

    response = admin_client.post(f"/complaints/{complaint.id}/state?_l_=en",
                                 data={"state_id": ids.closed}, follow_redirects=True)

    assert response.status_code == 200
    assert "A complaint cannot move from “New” to “Closed”." in f.messages(response)
    with dbs() as s:
        assert s.get(Complaint, complaint.id).state_id == ids.new
        assert [e[0] for e in event_rows(s, complaint.id)] == ["created"]


@pytest.mark.parametrize("form", [{}, {"state_id": ""}, {"state_id": "abc"},
                                  {"state_id": "999999999"}, {"state_id": OUT_OF_INT32},
                                  {"state_id": HUGE_ID}, {"state_id": "²"}])
def test_change_state_without_a_valid_state(admin_client, dbs, ids, form):
    complaint = make_complaint(dbs)

    response = admin_client.post(f"/complaints/{complaint.id}/state?_l_=en", data=form,
                                 follow_redirects=True)

    assert response.status_code == 200
    assert "Choose a state." in f.messages(response)
    with dbs() as s:
        assert s.get(Complaint, complaint.id).state_id == ids.new


@pytest.mark.parametrize("action", ["state", "assign", "notes", "reminders"])
def test_actions_are_post_only(admin_client, dbs, action):
    complaint = make_complaint(dbs)

    assert admin_client.get(f"/complaints/{complaint.id}/{action}").status_code == 405
    with dbs() as s:
        assert [e[0] for e in event_rows(s, complaint.id)] == ["created"]


def test_actions_on_an_unknown_complaint_are_404(admin_client, ids):
    for action in ("state", "assign", "notes", "reminders"):
        response = admin_client.post(f"/complaints/2147483647/{action}",
                                     data={"state_id": ids.acknowledged})
        assert response.status_code == 404


def test_viewer_cannot_act_on_a_complaint(viewer_client, dbs, ids):
    complaint = make_complaint(dbs)

    for action, form in [("state", {"state_id": ids.acknowledged}), ("notes", {"body": "x"}),
                         ("assign", {"assignee_id": ids.agent})]:
        response = viewer_client.post(f"/complaints/{complaint.id}/{action}", data=form)
        assert response.status_code == 403
    with dbs() as s:
        assert [e[0] for e in event_rows(s, complaint.id)] == ["created"]


def test_assign_to_a_team_and_a_person(supervisor_client, dbs, ids):
    complaint = make_complaint(dbs)
    with dbs() as s:
        team = f.make_team(s).id

    response = supervisor_client.post(f"/complaints/{complaint.id}/assign?_l_=en",
                                 data={"team_id": team, "assignee_id": ids.agent},
                                 follow_redirects=True)

    assert "Assignment saved." in f.messages(response)
    with dbs() as s:
        row = s.get(Complaint, complaint.id)
        assert (row.team_id, row.assignee_id) == (team, ids.agent)
        assigned = {e[1]: e[3] for e in event_rows(s, complaint.id) if e[0] == "assigned"}
    assert assigned == {"team": str(team), "assignee": str(ids.agent)}


def test_empty_note_is_refused_and_a_note_is_added(agent_client, dbs):
    complaint = make_complaint(dbs, assignee="agent")

    refused = agent_client.post(f"/complaints/{complaint.id}/notes?_l_=en",
                                data={"body": "   "}, follow_redirects=True)
    added = agent_client.post(f"/complaints/{complaint.id}/notes?_l_=en",
                              data={"body": "Called the <b>client</b>"})

    assert "A note cannot be empty." in f.messages(refused)
    assert added.status_code == 302 and added.headers["Location"].endswith("#notes")
    page = agent_client.get(added.headers["Location"])
    assert "Note added." in f.messages(page)
    assert "Called the &lt;b&gt;client&lt;/b&gt;" in page.get_data(as_text=True)
    with dbs() as s:
        notes = s.scalars(select(Note.body).where(Note.complaint_id == complaint.id)).all()
        assert notes == ["Called the <b>client</b>"]
        assert [e[0] for e in event_rows(s, complaint.id)] == ["created", "assigned", "note_added"]


@pytest.mark.parametrize("raw", ["tomorrow", "", "2026-02-30 10:00", "01/12/2026 09:30",
                                 "0001-01-01 00:00", "99999-01-01 00:00"])
def test_reminder_with_a_bad_date_is_refused(agent_client, dbs, ids, raw):
    complaint = make_complaint(dbs, assignee="agent")

    response = agent_client.post(f"/complaints/{complaint.id}/reminders?_l_=en",
                                 data={"remind_at": raw, "user_id": ids.agent},
                                 follow_redirects=True)

    assert response.status_code == 200
    assert "Enter the reminder date as YYYY-MM-DD HH:MM." in f.messages(response)
    with dbs() as s:
        count = s.scalar(select(func.count()).where(Reminder.complaint_id == complaint.id))
        assert count == 0


def test_reminder_from_a_datetime_local_input(agent_client, dbs, ids):
    complaint = make_complaint(dbs, assignee="agent")

    response = agent_client.post(f"/complaints/{complaint.id}/reminders?_l_=en",
                                 data={"remind_at": "2026-12-01T09:30", "user_id": ids.agent,
                                       "note": "Call back"})

    assert response.status_code == 302 and response.headers["Location"].endswith("#reminders")
    assert "Reminder set." in f.messages(agent_client.get(response.headers["Location"]))
    with dbs() as s:
        [reminder] = s.scalars(select(Reminder).where(Reminder.complaint_id == complaint.id))
        assert (reminder.remind_at, reminder.user_id, reminder.note) == (
            datetime(2026, 12, 1, 8, 30), ids.agent, "Call back")
        kinds = [e[0] for e in event_rows(s, complaint.id)]
        assert kinds == ["created", "assigned", "reminder_set"]


def test_reminder_needs_a_person(agent_client, dbs):
    complaint = make_complaint(dbs, assignee="agent")

    response = agent_client.post(f"/complaints/{complaint.id}/reminders?_l_=en",
                                 data={"remind_at": "2026-12-01 09:30", "user_id": "abc"},
                                 follow_redirects=True)

    assert "A reminder needs a date and a person." in f.messages(response)


def test_overdue_reminder_is_flagged_until_done(app, admin_client, agent_client, dbs, ids):
    complaint = make_complaint(dbs, assignee="agent")
    other_agent = login(app.test_client(), "agent2")
    past = (utcnow() - timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    admin_client.post(f"/complaints/{complaint.id}/reminders",
                      data={"remind_at": past, "user_id": ids.agent, "note": "Late"})
    with dbs() as s:
        reminder_id = s.scalars(select(Reminder.id)
                                .where(Reminder.complaint_id == complaint.id)).one()

    page = admin_client.get(f"/complaints/show/{complaint.id}?_l_=en").get_data(as_text=True)
    listed = admin_client.get(
        f"/complaints/list/?_l_=en&_flt_0_tracking_number={complaint.tracking}")
    mine = agent_client.get("/reminders/list/?_l_=en&psize_MyReminderView=100")
    theirs = other_agent.get("/reminders/list/?_l_=en&psize_MyReminderView=100")

    assert "Overdue reminder" in page
    assert shown_ids_and_flag(listed, complaint.id)
    mine_html = mine.get_data(as_text=True)
    row = re.search(rf'(?s)<tr[^>]*>(?:(?!</tr>).)*{complaint.tracking}.*?</tr>', mine_html)
    assert row and "Overdue" in row.group(0)
    assert complaint.tracking not in theirs.get_data(as_text=True)

    done = admin_client.post(f"/complaints/{complaint.id}/reminders/{reminder_id}/done?_l_=en",
                             follow_redirects=True)

    assert "Reminder done." in f.messages(done)
    assert "Overdue reminder" not in admin_client.get(
        f"/complaints/show/{complaint.id}?_l_=en").get_data(as_text=True)
    with dbs() as s:
        assert s.get(Reminder, reminder_id).done_at is not None
        kinds = [e[0] for e in event_rows(s, complaint.id)]
    assert kinds == ["created", "assigned", "reminder_set", "reminder_done"]


def shown_ids_and_flag(response, complaint_id) -> bool:
    html = response.get_data(as_text=True)
    rows = re.findall(r"(?s)<tr[^>]*>(?:(?!</tr>).)*?/complaints/show/(\d+).*?</tr>", html)
    row = re.search(rf'(?s)<tr[^>]*>(?:(?!</tr>).)*?/complaints/show/{complaint_id}".*?</tr>',
                    html)
    return rows == [str(complaint_id)] and row is not None and "Overdue reminder" in row.group(0)


def test_reminder_of_another_complaint_cannot_be_marked_done(admin_client, dbs, ids):
    first, second = make_complaint(dbs), make_complaint(dbs)
    admin_client.post(f"/complaints/{first.id}/reminders",  # for someone who may see it
                      data={"remind_at": "2026-12-01 09:30", "user_id": ids.admin})
    with dbs() as s:
        reminder_id = s.scalars(select(Reminder.id)
                                .where(Reminder.complaint_id == first.id)).one()

    wrong = admin_client.post(f"/complaints/{second.id}/reminders/{reminder_id}/done")
    unknown = admin_client.post(f"/complaints/{first.id}/reminders/2147483647/done")
    huge = admin_client.post(f"/complaints/{first.id}/reminders/{HUGE_ID}/done")

    assert (wrong.status_code, unknown.status_code, huge.status_code) == (404, 404, 404)
    with dbs() as s:
        assert s.get(Reminder, reminder_id).done_at is None


# --- the global list --------------------------------------------------------------------

def test_list_shows_complaints_and_filters_by_state(admin_client, dbs, ids):
    token = f.unique("Filterable")
    new = make_complaint(dbs, subject=f"{token} one")
    acknowledged = make_complaint(dbs, subject=f"{token} two", state_code="acknowledged")

    everything = admin_client.get(f"/complaints/list/?_flt_2_subject={token}")
    by_state = admin_client.get(
        f"/complaints/list/?_flt_2_subject={token}&_flt_0_state={ids.acknowledged}")
    not_state = admin_client.get(
        f"/complaints/list/?_flt_2_subject={token}&_flt_1_state={ids.acknowledged}")

    assert everything.status_code == 200
    assert f.shown_ids(everything) == {new.id, acknowledged.id}
    assert new.tracking in everything.get_data(as_text=True)
    assert f.shown_ids(by_state) == {acknowledged.id}
    assert f.shown_ids(not_state) == {new.id}


def test_list_search_widget_lists_filters_in_index_order(admin_client):
    html = admin_client.get("/complaints/list/?_l_=en").get_data(as_text=True)

    # ``_flt_<n>_<column>``: n is the position in these lists, which the tests above use.
    assert '"state": ["Is", "Is not"]' in html
    # The third searches the full-text index (every word, accents ignored).
    assert '"subject": ["Starts with", "Ends with", "Contains the words", ' in html


def test_page_size_is_capped(admin_client, dbs):
    with dbs() as s:
        missing = 101 - s.scalar(select(func.count(Complaint.id)))
        for _ in range(max(missing, 0)):
            f.make_complaint(s)

    response = admin_client.get("/complaints/list/?psize_ComplaintView=5000")

    assert response.status_code == 200
    assert len(f.shown_ids(response)) == 100


@pytest.mark.parametrize("args", [
    "psize_ComplaintView=abc", "page_ComplaintView=abc", "page_ComplaintView=-1",
    "page_ComplaintView=%C2%B2", "psize_ComplaintView=%D9%A3", f"page_ComplaintView={HUGE_ID}",
    "xpage_ComplaintView=abc",
])
def test_malformed_page_arguments_redirect_with_a_warning(admin_client, args):
    response = admin_client.get(f"/complaints/list/?_l_=en&{args}")

    assert response.status_code == 302
    assert response.headers["Location"] == "/complaints/list/?_l_=en"
    page = admin_client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Ignored an invalid page number." in f.messages(page)


@pytest.mark.parametrize("args", [
    "_flt_9_state=1", "_flt_9_tracking_number=x&_flt_2_state=1",
    "_oc_ComplaintView=bogus&_od_ComplaintView=asc",
])
def test_malformed_filter_or_order_redirects_with_a_warning(admin_client, args):
    response = admin_client.get(f"/complaints/list/?_l_=en&{args}")

    assert response.status_code == 302
    page = admin_client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Some filters of this address were invalid and have been removed." in (
        f.messages(page))


@pytest.mark.parametrize("args", [
    "_flt_0_state=abc", f"_flt_0_state={OUT_OF_INT32}", "_flt_0_received_at=notadate",
    "_oc_ComplaintView=due_at&_od_ComplaintView=sideways", "page_ComplaintView=3",
    "_oc_ComplaintView=received_at&_od_ComplaintView=asc",
])
def test_odd_but_harmless_list_arguments_answer(admin_client, args):
    response = admin_client.get(f"/complaints/list/?{args}", follow_redirects=True)

    assert response.status_code == 200


# --- quick search -----------------------------------------------------------------------

@pytest.mark.parametrize("transform", [str, str.lower, lambda t: f"  {t} "])
def test_search_by_tracking_number_opens_the_complaint(admin_client, dbs, transform):
    complaint = make_complaint(dbs)

    response = admin_client.get("/search/", query_string={"q": transform(complaint.tracking)})

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/complaints/show/{complaint.id}")


def test_search_by_a_word_of_the_subject(admin_client, dbs):
    word = f.unique("Zorglub")
    complaint = make_complaint(dbs, subject=f"Leak near the {word} meter")

    response = admin_client.get("/search/", query_string={"q": word.lower()})

    assert response.status_code == 200
    assert f.shown_ids(response) == {complaint.id}


def test_search_by_client_name_lists_the_client_and_its_complaints(admin_client, dbs):
    name = f.unique("Durand-Search ")
    with dbs() as s:
        client = f.make_client(s, name=name)
        client_id = client.id
        complaint = f.make_complaint(s, client=client)
        complaint_id = complaint.id

    response = admin_client.get("/search/", query_string={"q": name})

    assert response.status_code == 200
    assert f.shown_ids(response, "/clients/show/") == {client_id}
    assert f.shown_ids(response) == {complaint_id}


@pytest.mark.parametrize("q", ["", "   ", "x" * 1000, "REC-2026-999999", "50%_\\", "' OR 1=1 --"])
def test_search_odd_queries_render(admin_client, q):
    response = admin_client.get("/search/", query_string={"q": q})

    assert response.status_code == 200


def test_search_with_a_nul_byte_is_a_bad_request(admin_client):
    assert admin_client.get("/search/?q=a%00b").status_code == 400


def test_anonymous_search_goes_to_login(app):
    response = app.test_client().get("/search/?q=x")

    assert response.status_code == 302 and "/login/" in response.headers["Location"]



# --- nobody moves a complaint into their own scope (issue 19) ------------------------------

def test_agent_cannot_move_a_complaint_to_a_client_of_their_portfolio(agent_client, dbs, ids):
    complaint = complaint_for_edit(dbs, ids, assignee="agent")
    with dbs() as s:
        mine = f.make_client(s, portfolio_owner_id=ids.agent).id
        before = event_rows(s, complaint.id)

    response = agent_client.post(f"/complaints/edit/{complaint.id}?_l_=en", follow_redirects=True,
                                 data=edit_form(ids, complaint, client=mine, contract="",
                                                assignee=ids.agent))

    assert ("Only people allowed to assign can move a complaint or a contract to a client "
            "of their own portfolio.") in f.messages(response)
    with dbs() as s:
        assert s.get(Complaint, complaint.id).client_id == ids.client
        assert event_rows(s, complaint.id) == before


def test_agent_cannot_take_a_complaint_through_the_edit_form(agent_client, dbs, ids):
    with dbs() as s:
        team = f.make_team(s)
    complaint = complaint_for_edit(dbs, ids, team=team, assignee="agent2")
    with dbs() as s:  # in the agent's scope through the client only
        s.get(Client, ids.client).portfolio_owner_id = ids.agent
        s.commit()
    try:
        response = agent_client.post(f"/complaints/edit/{complaint.id}?_l_=en",
                                     data=edit_form(ids, complaint, assignee=ids.agent),
                                     follow_redirects=True)
        assert ("Only people allowed to assign can change the team or the assignee."
                in f.messages(response))
        with dbs() as s:
            assert s.get(Complaint, complaint.id).assignee_id == f.user(s, "agent2").id
    finally:
        with dbs() as s:
            s.get(Client, ids.client).portfolio_owner_id = None
            s.commit()


def test_agent_gives_a_new_complaint_to_another_team_only_with_the_assign_permission(
        agent_client, supervisor_client, dbs, ids):
    with dbs() as s:
        team = f.make_team(s).id
    refused = add_form(ids, team=team)
    message = ("Only people allowed to assign can give a new complaint to another team or "
               "another person.")
    response = agent_client.post("/complaints/add?_l_=en", data=refused, follow_redirects=True)
    assert message in f.messages(response)
    other = add_form(ids, assignee=ids.admin)
    response = agent_client.post("/complaints/add?_l_=en", data=other, follow_redirects=True)
    assert message in f.messages(response)
    mine = add_form(ids, assignee=ids.agent)
    assert agent_client.post("/complaints/add", data=mine).status_code == 302
    allowed = add_form(ids, team=team)
    assert supervisor_client.post("/complaints/add", data=allowed).status_code == 302
    with dbs() as s:
        assert by_subject(s, refused["subject"]) == by_subject(s, other["subject"]) == []
        assert by_subject(s, mine["subject"])[0].assignee_id == ids.agent
        assert by_subject(s, allowed["subject"])[0].team_id == team
