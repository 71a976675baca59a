"""Duplicates: the hint lists the right open complaints, within the reader's visibility;
a merge moves messages, notes, files and reminders, closes the duplicate through the
normal state change, writes both histories, and is refused with a reason when it cannot
be done; the lists, the portal and the email intake follow the merged complaint."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.domain import events
from app.models import (
    Attachment,
    Complaint,
    ComplaintMonthStat,
    Event,
    Message,
    Note,
    OutboundEmail,
    Reminder,
    SatisfactionSurvey,
)
from app.services import attachments, followup, links, merge, messages
from app.services.visibility import reader_of
from tests import factories as f

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
# Today: the complaints made here are not overdue, so the alert scans of later tests
# email nobody about them.
DAY = datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@pytest.fixture(autouse=True)
def no_emails_left(app):
    """The confirmations and other emails these tests queue leave with them (the outbox
    tests of other modules count what is pending)."""
    from sqlalchemy import delete

    from app.extensions import db

    with app.app_context():
        last_email = db.session.scalar(select(func.max(OutboundEmail.id))) or 0
        db.session.remove()
    yield
    with app.app_context():
        db.session.execute(delete(OutboundEmail).where(OutboundEmail.id > last_email))
        db.session.commit()
        db.session.remove()


def email():
    return f"{f.unique('dup')}@example.org"


def candidates(s, complaint, username="supervisor"):
    return {c.id for c in merge.duplicate_candidates(s, complaint,
                                                     reader_of(f.user(s, username)))}


# --- the hint --------------------------------------------------------------------------------

def test_the_hint_lists_open_complaints_of_the_same_client_contract_or_email(dbs):
    with dbs() as s:
        client, address = f.make_client(s), email()
        contract = f.make_contract(s, client)
        base = f.make_complaint(s, client=client, contract=contract,
                                complainant_email=address, received_at=DAY)
        same_client = f.make_complaint(s, client=client, received_at=DAY - timedelta(days=29))
        same_contract = f.make_complaint(s, contract=contract, received_at=DAY)
        same_email = f.make_complaint(s, complainant_email=address.upper(),
                                      received_at=DAY + timedelta(days=3))
        lower = f.make_complaint(s, complainant_email=address, received_at=DAY)
        too_old = f.make_complaint(s, client=client, received_at=DAY - timedelta(days=31))
        closed = f.make_complaint(s, client=client, received_at=DAY, state_code="closed")
        other = f.make_complaint(s, client=f.make_client(s), received_at=DAY)
        found = candidates(s, base)
        assert found == {same_client.id, same_contract.id, lower.id}
        assert not {base.id, too_old.id, closed.id, other.id} & found
        # Typed in capitals: compared as typed and lower-cased.
        assert base.id in candidates(s, same_email)


def test_the_hint_never_shows_what_the_reader_may_not_see(dbs):
    with dbs() as s:
        agent = f.user(s, "agent")
        client = f.make_client(s)
        mine = f.make_complaint(s, client=client, assignee=agent, received_at=DAY)
        hidden = f.make_complaint(s, client=client, received_at=DAY)
        secret = f.make_complaint(s, client=client, received_at=DAY, confidential=True)
        assert candidates(s, mine, "agent") == set()
        assert candidates(s, mine, "viewer") == {hidden.id}  # all but confidential
        assert candidates(s, mine, "supervisor") == {hidden.id, secret.id}


def test_the_add_form_warns_of_duplicates_and_the_page_lists_them(app, dbs,
                                                                  supervisor_client):
    address = email()
    with dbs() as s:
        older = f.make_complaint(s, complainant_email=address, received_at=DAY)
        form = {"received_at": f"{DAY + timedelta(days=1):%Y-%m-%d %H:%M}",
                "subject": f.unique("Again <b>"),
                "complexity": f.complexity(s).id, "state": f.state(s, "new").id,
                "complainant_email": address, "satisfaction": "unknown"}
        older_id, older_number = older.id, older.tracking_number
    added = supervisor_client.post("/complaints/add", data=form)
    with dbs() as s:
        new = s.scalars(select(Complaint).where(Complaint.subject == form["subject"])).one()
        new_id, new_number = new.id, new.tracking_number
    assert added.headers["Location"].endswith(f"/complaints/show/{new_id}")  # its page
    listing = supervisor_client.get(added.headers["Location"]).get_data(as_text=True)
    assert f'<a href="/complaints/show/{new_id}#duplicates" id="duplicates-link">' \
           f"{new_number}</a> fait peut-être doublon" in listing
    assert f'<a href="/complaints/show/{older_id}">{older_number}</a>' in listing
    page = supervisor_client.get(f"/complaints/show/{new_id}").get_data(as_text=True)
    assert "Doublons possibles" in page and older_number in page
    assert f'name="target_id" value="{older_id}"' in page
    with dbs() as s:  # no duplicate: no warning
        form = {**form, "complainant_email": email(), "subject": f.unique("Alone ")}
    alone = supervisor_client.post("/complaints/add", data=form)
    listing = supervisor_client.get(alone.headers["Location"]).get_data(as_text=True)
    assert "duplicates-link" not in listing


# --- the merge ------------------------------------------------------------------------------

@pytest.fixture
def pair(app, dbs):
    """A duplicate with a message (and its file), a note, a file, a reminder, a letter;
    and the complaint it duplicates."""
    address = email()
    with dbs() as s:
        client = f.make_client(s)
        supervisor = f.user(s, "supervisor")
        target = f.make_complaint(s, client=client, complainant_email=address,
                                  received_at=DAY)
        duplicate = f.make_complaint(s, client=client, complainant_email=address,
                                     received_at=DAY + timedelta(days=1))
        messages.receive_message(s, duplicate, "Encore moi", [attachments.Upload("a.pdf", PDF)],
                                 app.config, sender=address)
        followup.add_note(s, duplicate, supervisor, "Même problème que l'autre")
        attachments.add_attachments(s, duplicate, [attachments.Upload("b.pdf", PDF)],
                                    supervisor, app.config)
        followup.add_reminder(s, duplicate, supervisor, DAY + timedelta(days=60), "Rappeler",
                              supervisor)  # not due: the reminder scan emails nobody
        return {"target": target.id, "duplicate": duplicate.id, "email": address,
                "numbers": (duplicate.tracking_number, target.tracking_number)}


def count(s, model, complaint_id):
    return s.scalar(select(func.count()).select_from(model).where(
        model.complaint_id == complaint_id))


def test_a_merge_moves_everything_closes_the_duplicate_and_logs_both(app, dbs, pair,
                                                                     supervisor_client):
    dup, target = pair["duplicate"], pair["target"]
    with dbs() as s:
        months = s.scalar(select(func.sum(ComplaintMonthStat.received)))
        emails = s.scalar(select(func.count(OutboundEmail.id)))
    response = supervisor_client.post(f"/complaints/{dup}/merge", data={"target_id": target})
    assert response.headers["Location"].endswith(f"/complaints/show/{target}")
    with dbs() as s:
        for model, moved in ((Message, 1), (Note, 1), (Attachment, 2), (Reminder, 1)):
            assert (count(s, model, dup), count(s, model, target)) == (0, moved), model
        duplicate = s.get(Complaint, dup)
        assert duplicate.merged_into_id == target
        assert duplicate.state.is_final and duplicate.closed_at and duplicate.clock == "stopped"
        kinds = {c: s.scalars(select(Event.kind).where(Event.complaint_id == c)).all()
                 for c in (dup, target)}
        assert events.MERGED_INTO in kinds[dup] and events.STATE_CHANGED in kinds[dup]
        assert events.MERGED_FROM in kinds[target]
        # Received counts do not change; no "your complaint is closed" email, and no
        # satisfaction survey (the complainant is served by the other complaint).
        assert s.scalar(select(func.sum(ComplaintMonthStat.received))) == months
        assert s.scalar(select(func.count(OutboundEmail.id))) == emails
        assert count(s, SatisfactionSurvey, dup) == 0
    page = supervisor_client.get(f"/complaints/show/{target}").get_data(as_text=True)
    assert "Même problème que l&#39;autre" in page and "a.pdf" in page and "b.pdf" in page
    assert f"{pair['numbers'][0]} fusionnée dans cette réclamation" in page
    merged = supervisor_client.get(f"/complaints/show/{dup}").get_data(as_text=True)
    assert 'id="merged-into"' in merged and f"/complaints/show/{target}" in merged
    assert 'id="duplicates"' not in merged


def test_the_lists_follow_a_merge(app, dbs, pair, supervisor_client):
    from app.services import dashboard

    dup = pair["duplicate"]
    with dbs() as s:
        closed, new = f.state(s, "closed").id, f.state(s, "new").id
        still_open = sum(n for _, n in dashboard.open_by_state(s))
    supervisor_client.post(f"/complaints/{dup}/merge", data={"target_id": pair["target"]})
    with dbs() as s:  # the dashboard's "open" count: one fewer, the duplicate closed
        assert sum(n for _, n in dashboard.open_by_state(s)) == still_open - 1
    in_closed = supervisor_client.get(f"/complaints/list/?_flt_0_state={closed}&psize_"
                                      f"ComplaintView=100")
    assert dup in f.shown_ids(in_closed)
    in_new = supervisor_client.get(f"/complaints/list/?_flt_0_state={new}&psize_"
                                   f"ComplaintView=100")
    assert dup not in f.shown_ids(in_new) and pair["target"] in f.shown_ids(in_new)


def refusal(s, pair, case):
    dup, target = s.get(Complaint, pair["duplicate"]), s.get(Complaint, pair["target"])
    if case == "itself":
        return dup.id, dup.id, "ne peut pas être fusionnée avec elle-même"
    if case == "closed":
        target.closed_at = DAY
    if case == "merged":
        target.merged_into_id = f.make_complaint(s).id
    if case == "confidential":
        dup.confidential = True
    s.commit()
    return dup.id, target.id, {"closed": "est clôturée", "merged": "a déjà été fusionnée",
                               "confidential": "que dans une réclamation confidentielle"}[case]


@pytest.mark.parametrize("case", ["itself", "closed", "merged", "confidential"])
def test_impossible_merges_are_refused_and_change_nothing(app, dbs, pair, supervisor_client,
                                                          case):
    with dbs() as s:
        dup, target, message = refusal(s, pair, case)
    response = supervisor_client.post(f"/complaints/{dup}/merge", data={"target_id": target})
    page = supervisor_client.get(response.headers["Location"])
    assert message in " ".join(f.messages(page))
    with dbs() as s:
        assert s.get(Complaint, pair["duplicate"]).merged_into_id is None
        assert count(s, Note, pair["duplicate"]) == 1


def test_a_merge_needs_both_visible_and_the_edit_permission(app, dbs, pair, agent_client,
                                                            viewer_client):
    with dbs() as s:
        agent = f.user(s, "agent")
        mine = f.make_complaint(s, assignee=agent, complainant_email=pair["email"],
                                received_at=DAY)
        mine_id = mine.id
    hidden = agent_client.post(f"/complaints/{mine_id}/merge",
                               data={"target_id": pair["target"]})
    assert "Cette réclamation est introuvable." in f.messages(agent_client.get(
        hidden.headers["Location"]))
    assert agent_client.post(f"/complaints/{pair['duplicate']}/merge",
                             data={"target_id": mine_id}).status_code == 404
    assert viewer_client.post(f"/complaints/{pair['duplicate']}/merge",
                              data={"target_id": pair["target"]}).status_code in (302, 403)
    with dbs() as s:
        assert s.get(Complaint, mine_id).merged_into_id is None
        assert s.get(Complaint, pair["duplicate"]).merged_into_id is None


# --- the complainant's side ------------------------------------------------------------------

def test_the_tracking_page_of_a_merged_request_says_where_it_went(app, dbs, pair,
                                                                  supervisor_client):
    supervisor_client.post(f"/complaints/{pair['duplicate']}/merge",
                           data={"target_id": pair["target"]})
    with dbs() as s:
        stranger = f.make_complaint(s, complainant_email=email())
        other = f.make_complaint(s, complainant_email=email())
        merge.merge_complaint(s, stranger, other, f.user(s, "supervisor"),
                              reader_of(f.user(s, "supervisor")))
        secret = app.config["SECRET_KEY"]
        token = links.track_token(secret, s.get(Complaint, pair["duplicate"]))
        stranger_token = links.track_token(secret, s.get(Complaint, stranger.id))
        other_number = other.tracking_number
    client = app.test_client()
    page = client.get(f"/public/track/{token}").get_data(as_text=True)
    assert pair["numbers"][1] in page and 'id="public-merged"' in page
    assert 'id="reply-form"' not in page
    refused = client.post(f"/public/track/{token}/reply", data={"body": "Et alors ?"})
    assert "regroupée avec une autre" in refused.get_data(as_text=True)
    hidden = client.get(f"/public/track/{stranger_token}").get_data(as_text=True)
    assert 'id="public-merged"' in hidden and other_number not in hidden


def test_an_emailed_reply_to_a_merged_request_reaches_the_one_it_went_into(app, dbs, pair,
                                                                           supervisor_client):
    from app.services import intake

    supervisor_client.post(f"/complaints/{pair['duplicate']}/merge",
                           data={"target_id": pair["target"]})
    raw = (f"From: <{pair['email']}>\r\nTo: rec@example.org\r\n"
           f"Subject: Re: [{pair['numbers'][0]}] Votre demande\r\n"
           f"Message-ID: <{f.unique('r')}@example.net>\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nToujours rien.\r\n").encode()
    with dbs() as s:
        assert intake.take_in(s, raw, app.config) == (intake.MESSAGE, pair["numbers"][1])
        assert count(s, Message, pair["target"]) == 2


def test_a_history_names_a_merged_complaint_only_to_who_may_see_it(app, dbs, agent_client,
                                                                   supervisor_client):
    """Merged into a confidential complaint: the agent who sees the duplicate reads that
    it was merged, not into which number (complaint page, client History tab, API)."""
    from tests.integration.test_api import Api, jwt

    with dbs() as s:
        client = f.make_client(s, portfolio_owner_id=f.user(s, "agent").id)
        duplicate = f.make_complaint(s, client=client, received_at=DAY)
        target = f.make_complaint(s, client=client, received_at=DAY, confidential=True)
        supervisor = f.user(s, "supervisor")
        merge.merge_complaint(s, duplicate, target, supervisor, reader_of(supervisor))
        dup, client_id, hidden = duplicate.id, client.id, target.tracking_number

    page = agent_client.get(f"/complaints/show/{dup}?_l_=en").get_data(as_text=True)
    assert "Merged into another complaint (closed as a duplicate)" in page
    assert hidden not in page
    tab = agent_client.get(f"/clients/show/{client_id}?_l_=en").get_data(as_text=True)
    assert "Merged into another complaint" in tab and hidden not in tab
    history = Api(app, jwt(app, "agent")).get(f"/complaint/{dup}/history")
    assert history.status_code == 200
    merged = [e for e in history.json["result"] if e["kind"] == events.MERGED_INTO]
    assert [e["new_value"] for e in merged] == [None]
    assert hidden not in history.get_data(as_text=True)
    # Whoever may see the confidential complaint still reads its number.
    shown = supervisor_client.get(f"/complaints/show/{dup}?_l_=en").get_data(as_text=True)
    assert f"Merged into {hidden}" in shown
    assert hidden in supervisor_client.get(f"/clients/show/{client_id}").get_data(as_text=True)
