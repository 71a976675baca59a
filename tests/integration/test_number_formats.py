"""Figures on the reports page and the dashboard, written as the reader's language does:
"90,9 %" in French, "90.9%" in English (app/domain/numbers.py)."""

import re
from datetime import datetime, timedelta

from app.services import complaints as service
from tests import factories as f
from tests.integration.test_reports import make_agency

NBSP = "\u00a0"


def make_on_time_register(session):
    """One agency's 11 complaints received in March 2036, 10 answered on time and one
    late: an on-time rate of 10/11 = 90.909…%."""
    agency = make_agency(session, f.unique("Typo"))
    client = f.make_client(session, agency_id=agency.id)
    answered = f.state(session, "answered")
    for n in range(11):
        received = datetime(2036, 3, 2 + n, 9, 30)
        complaint = f.make_complaint(session, client=client, received_at=received,
                                     state_code="in_progress")
        late = 25 if n == 0 else 1
        service.change_state(session, complaint, answered,
                             now=received + timedelta(days=late))
    return agency


def _agency_row(page, label):
    row = re.search(r"<tr[^>]*>\s*<td class=\"rec-group\">" + re.escape(label)
                    + r"</td>(.*?)</tr>", page, re.S)
    assert row, f"no report row for {label}"
    return row.group(1)


def test_report_percentages_follow_the_language(dbs, admin_client):
    with dbs() as session:
        agency = make_on_time_register(session)
        labels = agency.label_fr, agency.label_en
    query = "/reports/?period=custom&from=2036-03-01&to=2036-04-30&group=agency"
    french = admin_client.get(query + "&_l_=fr").get_data(as_text=True)
    english = admin_client.get(query + "&_l_=en").get_data(as_text=True)
    french_row, english_row = _agency_row(french, labels[0]), _agency_row(english, labels[1])
    assert f"90,9{NBSP}%" in french_row
    assert "90.9%" in english_row
    assert "90.9 %" not in english_row and "90,9 %" not in french_row


def test_dashboard_figures_follow_the_language(dbs, admin_client):
    with dbs() as session:
        make_on_time_register(session)
    query = "/dashboard/?period=custom&start=2036-03-01&end=2036-04-30"
    french = admin_client.get(query + "&_l_=fr").get_data(as_text=True)
    english = admin_client.get(query + "&_l_=en").get_data(as_text=True)
    on_time = r'id="kpi-on-time">([^<]*)<'
    assert re.search(on_time, french).group(1) == f"90,9{NBSP}%"
    assert re.search(on_time, english).group(1) == "90.9%"



def test_a_list_count_is_written_in_the_readers_locale(app):
    from app.views.datamodel import CappedCount, ListCount

    with app.test_request_context("/?_l_=fr"):
        assert (str(ListCount(12345)), str(CappedCount(10001))) == ("12\u202f345", "10\u202f000+")
    with app.test_request_context("/?_l_=en"):
        assert (str(ListCount(12345)), str(CappedCount(10001))) == ("12,345", "10,000+")
