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
