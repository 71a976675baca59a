"""Lists built for a large register: the count stops at a cap ("10 000+"), no page past
it is asked for, and a page runs the same few SQL statements whatever its size (related
columns joined, permissions read once per request)."""

import re

import pytest

from tests import factories as f
from tests.conftest import get_recording_sql, login

CAP = 3


@pytest.fixture(scope="module")
def capped_app(make_app):
    return make_app(LIST_COUNT_CAP=CAP)


@pytest.fixture(scope="module")
def many_complaints(capped_app):
    with capped_app.app_context():
        from app.extensions import db

        agent = f.user(db.session, "agent")
        for _ in range(CAP + 30):
            f.make_complaint(db.session, client=f.make_client(db.session), assignee=agent)
        db.session.remove()


def statements(app, client, path):
    seen, response = get_recording_sql(app, client, path)
    return len(seen), response


def test_the_count_stops_at_the_cap(capped_app, many_complaints):
    client = login(capped_app.test_client(), "supervisor")
    html = client.get("/complaints/list/?_l_=en").get_data(as_text=True)
    assert f"</strong> {CAP}+" in html


def test_no_page_past_the_counted_rows(capped_app, many_complaints):
    client = login(capped_app.test_client(), "supervisor")
    far = client.get("/complaints/list/?psize_ComplaintView=1&page_ComplaintView=100000")
    last = client.get(f"/complaints/list/?psize_ComplaintView=1&page_ComplaintView={CAP}")
    assert far.status_code == 200
    assert f.shown_ids(far) == f.shown_ids(last) and len(f.shown_ids(far)) == 1


def test_a_page_runs_the_same_statements_whatever_its_size(capped_app, many_complaints):
    client = login(capped_app.test_client(), "supervisor")
    client.get("/complaints/list/")  # warm: the first page of a session loads the user
    small, small_page = statements(capped_app, client, "/complaints/list/?psize_ComplaintView=5")
    large, large_page = statements(capped_app, client,
                                   "/complaints/list/?psize_ComplaintView=30")
    assert (len(f.shown_ids(small_page)), len(f.shown_ids(large_page))) == (5, 30)
    assert large == small
    assert small <= 40  # permissions read once, not once per menu entry and button


def test_a_page_reads_its_ids_first_and_pages_follow_one_another(capped_app, many_complaints):
    """The offset is taken on the ids alone; the rows are then read by id, in order."""
    client = login(capped_app.test_client(), "supervisor")
    by_deadline = "_oc_ComplaintView=due_at&_od_ComplaintView=asc"

    def ordered_ids(path):
        html = client.get(path).get_data(as_text=True)
        return list(dict.fromkeys(int(pk) for pk in re.findall(r"/complaints/show/(\d+)", html)))

    first_four = ordered_ids(f"/complaints/list/?{by_deadline}&psize_ComplaintView=4")
    one_by_one = [ordered_ids(f"/complaints/list/?{by_deadline}&psize_ComplaintView=1"
                              f"&page_ComplaintView={page}") for page in range(4)]
    assert len(first_four) == 4 and [ids[0] for ids in one_by_one] == first_four
    seen, _ = get_recording_sql(capped_app, client,
                                f"/complaints/list/?{by_deadline}&psize_ComplaintView=1"
                                "&page_ComplaintView=2")
    ids_alone = [s for s in seen if s.startswith("SELECT complaint.id AS complaint_id \nFROM")
                 and "ORDER BY complaint.due_at" in s]
    rows = [s for s in seen if "complaint.subject" in s and "ORDER BY complaint.due_at" in s]
    assert len(ids_alone) == 1 and len(rows) == 1
    assert "WHERE complaint.id IN" in rows[0]
