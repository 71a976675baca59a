"""A user's private calendar address (made from their account page): an iCalendar feed
of their open reminders and of the response deadlines of the complaints assigned to
them, in their language, with a link and never the description; only what they may see
when it is read; a revoked or replaced address answers 404."""

import re
from datetime import datetime
from html import unescape

import pytest
from icalendar import Calendar

from app.models import AppUser, Complaint, Reminder
from app.services import complaints as complaint_service
from app.services import followup
from tests import factories as f
from tests.conftest import PASSWORD, login

SECRET = "Fuite rue des Lilas — ne jamais publier"


def new_address(client) -> str:
    page = client.post("/users/calendar/new").get_data(as_text=True)
    return unescape(re.search(r'id="calendar-url"[^>]*value="([^"]+)"', page).group(1))


def events(app, address) -> dict[str, dict]:
    response = app.test_client().get(address.replace("http://localhost", ""))
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert SECRET not in text and "description" not in text.lower().replace(
        "description:http", "")  # only the link stands in DESCRIPTION
    parsed = Calendar.from_ical(response.get_data())
    return {str(event["uid"]): {"summary": str(event["summary"]), "url": str(event["url"]),
                                "start": event.decoded("dtstart")}
            for event in parsed.walk("VEVENT")}


@pytest.fixture
def agent(app, dbs):
    """A fresh agent in English, with no team: sees what is assigned to them."""
    with dbs() as s:
        user = f.make_user(app.appbuilder, "Agent", PASSWORD)
        s.get(AppUser, user.id).language = "en"
        s.commit()
        return s.get(AppUser, user.id).username


def test_the_feed_follows_what_the_user_may_see(app, dbs, agent):
    with dbs() as s:
        me, other = f.user(s, agent), f.user(s, "supervisor")
        mine = f.make_complaint(s, assignee=me, description=SECRET)
        secret = f.make_complaint(s, assignee=me, confidential=True, description=SECRET)
        foreign = f.make_complaint(s, assignee=me, description=SECRET)
        reminder = followup.add_reminder(s, mine, me, datetime(2026, 12, 20, 8, 0), SECRET, me)
        hidden = followup.add_reminder(s, foreign, me, datetime(2026, 12, 21, 8, 0), None, me)
        complaint_service.assign(s, foreign, assignee=other)  # the reminder stays behind
        ids = {"mine": mine.id, "secret": secret.id, "foreign": foreign.id,
               "reminder": reminder.id, "hidden": hidden.id}
        number, due = mine.tracking_number, mine.due_at
    client = login(app.test_client(), agent)
    address = new_address(client)
    assert re.fullmatch(r"http://localhost/calendar/[A-Za-z0-9_-]{43}\.ics", address)

    shown = events(app, address)
    mine_uid = f"deadline-{ids['mine']}@reclamations"
    reminder_uid = f"reminder-{ids['reminder']}@reclamations"
    assert set(shown) == {mine_uid, reminder_uid}  # not the confidential, not the foreign
    assert shown[mine_uid]["summary"] == f"{number} — response deadline"
    assert shown[mine_uid]["url"] == f"http://localhost/complaints/show/{ids['mine']}"
    assert shown[mine_uid]["start"].replace(tzinfo=None) == due
    assert shown[reminder_uid]["summary"] == f"{number} — reminder"

    with dbs() as s:  # the reminder done, the complaint given to someone else
        followup.complete_reminder(s, s.get(Reminder, ids["reminder"]), f.user(s, agent))
    assert set(events(app, address)) == {mine_uid}
    with dbs() as s:
        complaint_service.assign(s, s.get(Complaint, ids["mine"]),
                                 assignee=f.user(s, "supervisor"))
    assert events(app, address) == {}


def test_titles_are_in_the_users_language(app, dbs, agent):
    with dbs() as s:
        me = f.user(s, agent)
        me.language = "fr"
        complaint = f.make_complaint(s, assignee=me)
        number = complaint.tracking_number
    address = new_address(login(app.test_client(), agent))
    (event,) = events(app, address).values()
    assert event["summary"] == f"{number} — échéance de réponse"


def test_a_revoked_or_replaced_address_is_a_404(app, dbs, agent):
    client = login(app.test_client(), agent)
    first = new_address(client).replace("http://localhost", "")
    anonymous = app.test_client()
    assert anonymous.get(first).status_code == 200
    second = new_address(client).replace("http://localhost", "")
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200

    page = client.get("/users/userinfo/").get_data(as_text=True)
    assert "Your calendar address is active." in page and second not in page
    revoked = client.post("/users/calendar/revoke", follow_redirects=True)
    assert "Your calendar address no longer works." in f.messages(revoked)
    assert anonymous.get(second).status_code == 404
    assert "You have no calendar address." in client.get("/users/userinfo/").get_data(
        as_text=True)
    for path in ("/calendar/x.ics", "/calendar/" + "A" * 43 + ".ics",
                 "/calendar/%00.ics"):
        assert anonymous.get(path).status_code in (400, 404)
    with dbs() as s:
        assert s.get(AppUser, f.user(s, agent).id).calendar_token_hash is None


def test_an_inactive_users_address_is_a_404(app, dbs, agent):
    address = new_address(login(app.test_client(), agent)).replace("http://localhost", "")
    with dbs() as s:
        f.user(s, agent).active = False
        s.commit()
    assert app.test_client().get(address).status_code == 404


def test_the_account_page_offers_it_in_french(app, dbs, agent):
    with dbs() as s:
        f.user(s, agent).language = "fr"
        s.commit()
    client = login(app.test_client(), agent)
    client.get("/lang/fr")
    page = unescape(client.get("/users/userinfo/").get_data(as_text=True))
    assert "Mon agenda" in page and "Créer mon adresse d'agenda" in page
