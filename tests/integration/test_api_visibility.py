"""The need-to-know matrix of issue [02], through the REST API: each role × each kind of
complaint, with the same people and complaints as the UI's matrix. Out of scope answers
404, exactly like a complaint that does not exist."""

import pytest

from tests.integration.test_api import Api, jwt
from tests.integration.test_visibility_matrix import (  # noqa: F401  (world is a fixture)
    CAN_EDIT,
    MATRIX,
    VISIBLE,
    world,
)


@pytest.fixture(scope="module")
def readers(app, world):  # noqa: F811
    return {name: Api(app, jwt(app, username)) for name, username in world.usernames.items()}


@pytest.mark.parametrize(("reader", "kind"), MATRIX)
def test_get(readers, world, reader, kind):  # noqa: F811
    response = readers[reader].get(f"/complaint/{world.ids[kind]}")
    assert response.status_code == (200 if kind in VISIBLE[reader] else 404)
    history = readers[reader].get(f"/complaint/{world.ids[kind]}/history")
    assert history.status_code == (200 if kind in VISIBLE[reader] else 404)


@pytest.mark.parametrize("reader", VISIBLE)
def test_list_shows_exactly_the_scope(readers, world, reader):  # noqa: F811
    q = f"(filters:!((col:subject,opr:sw,value:'{world.token}')),page_size:100)"
    response = readers[reader].get(f"/complaint/?q={q}")
    assert response.status_code == 200
    listed = {row["id"] for row in response.json["result"]}
    assert listed == {world.ids[kind] for kind in VISIBLE[reader]}
    assert response.json["count"] == len(VISIBLE[reader])


@pytest.mark.parametrize(("reader", "kind"), MATRIX)
def test_edit(readers, world, reader, kind):  # noqa: F811
    response = readers[reader].put(f"/complaint/{world.ids[kind]}",
                                   json={"order_number": f"API-{reader}"})
    if reader not in CAN_EDIT:
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if kind in VISIBLE[reader] else 404)


@pytest.mark.parametrize(("reader", "kind"), MATRIX)
def test_notes_added_and_read_within_the_scope(readers, world, reader, kind):  # noqa: F811
    pk = world.ids[kind]
    response = readers[reader].post("/note/", json={"complaint_id": pk, "body": "matrix"})
    if reader not in CAN_EDIT:
        assert response.status_code == 403
    else:
        assert response.status_code == (201 if kind in VISIBLE[reader] else 404)
    notes = readers[reader].get(
        f"/note/?q=(filters:!((col:complaint_id,opr:eq,value:{pk})))")
    assert notes.status_code == 200
    assert {n["complaint_id"] for n in notes.json["result"]} <= {pk}
    if kind not in VISIBLE[reader]:
        assert notes.json["count"] == 0


@pytest.mark.parametrize(("reader", "kind"), MATRIX)
def test_transition(readers, world, reader, kind):  # noqa: F811
    # "new" → "new" is no move at all: what is checked is who may try, on what.
    response = readers[reader].post(f"/complaint/{world.ids[kind]}/transition",
                                    json={"state": "new"})
    if reader not in CAN_EDIT:
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if kind in VISIBLE[reader] else 404)


def test_reading_a_confidential_complaint_is_logged(app, readers, world):  # noqa: F811
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Event
    from tests import factories as f

    pk = world.ids["confidential"]

    def consultations():
        with app.app_context():
            return db.session.execute(select(Event.user_id).where(
                Event.complaint_id == pk, Event.kind == "consulted")).scalars().all()

    before = len(consultations())
    assert readers["agent_confidential"].get(f"/complaint/{pk}").status_code == 200
    assert readers["agent"].get(f"/complaint/{pk}").status_code == 404  # not logged
    logged = consultations()
    assert len(logged) == before + 1
    with app.app_context():
        reader = f.user(db.session, world.usernames["agent_confidential"])
        assert logged[-1] == reader.id


# --- nobody moves a row into their own scope (issue 19, app/services/scope_changes.py) ----

def _user_id(app, username):
    from app.extensions import db
    from tests import factories as f

    with app.app_context():
        return f.user(db.session, username).id


def test_an_agent_cannot_take_a_client_into_their_portfolio(app, readers, world):  # noqa: F811
    from app.extensions import db
    from app.models import Client

    agent = readers["agent"]
    own_id = _user_id(app, world.usernames["agent"])
    client_id = world.clients["other"]
    with app.app_context():
        owner_before = db.session.get(Client, client_id).portfolio_owner_id

    response = agent.put(f"/client/{client_id}", json={"portfolio_owner_id": own_id},
                         headers={"Accept-Language": "en"})

    assert response.status_code == 403
    assert response.json["message"] == ("Only people allowed to assign can set or change a "
                                         "client's portfolio owner.")
    with app.app_context():
        assert db.session.get(Client, client_id).portfolio_owner_id == owner_before
    assert agent.get(f"/complaint/{world.ids['other']}").status_code == 404
    # Nor on a new client, nor by clearing it; in French as well.
    created = agent.post("/client/", json={"customer_number": f"SC-{own_id}-{client_id}",
                                           "name": "Mine", "portfolio_owner_id": own_id},
                         headers={"Accept-Language": "fr"})
    assert created.status_code == 403
    assert "portefeuille" in created.json["message"]
    cleared = agent.put(f"/client/{client_id}", json={"portfolio_owner_id": None})
    assert cleared.status_code == 403
    # Other fields stay the agent's to edit.
    assert agent.put(f"/client/{client_id}", json={"phone": "01 23 45 67 89"}).status_code == 200


def test_a_supervisor_sets_a_portfolio_owner(app, readers, world):  # noqa: F811
    from app.extensions import db
    from app.models import Client
    from tests import factories as f

    with app.app_context():
        client_id = f.make_client(db.session).id
    own_id = _user_id(app, world.usernames["agent"])

    response = readers["supervisor"].put(f"/client/{client_id}",
                                         json={"portfolio_owner_id": own_id})

    assert response.status_code == 200
    with app.app_context():
        assert db.session.get(Client, client_id).portfolio_owner_id == own_id


def test_an_agent_cannot_move_a_complaint_to_their_portfolio(app, readers, world):  # noqa: F811
    from app.extensions import db
    from app.models import Complaint

    pk = world.ids["team"]  # the agent's team's, a stranger's client
    response = readers["agent"].put(f"/complaint/{pk}",
                                    json={"client_id": world.clients["portfolio"]})

    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Complaint, pk).client_id == world.clients["team"]
    # Another client that is not theirs: an ordinary correction.
    assert readers["agent"].put(f"/complaint/{pk}", json={
        "client_id": world.clients["team"]}).status_code == 200


def test_an_agent_cannot_move_a_contract_to_their_portfolio(app, readers, world):  # noqa: F811
    from app.extensions import db
    from app.models import Client, Contract
    from tests import factories as f

    with app.app_context():
        contract = f.make_contract(db.session, db.session.get(Client, world.clients["other"]))
        pk = contract.id

    response = readers["agent"].put(f"/contract/{pk}",
                                    json={"client_id": world.clients["portfolio"]})

    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Contract, pk).client_id == world.clients["other"]
    assert readers["supervisor"].put(f"/contract/{pk}", json={
        "client_id": world.clients["portfolio"]}).status_code == 200
