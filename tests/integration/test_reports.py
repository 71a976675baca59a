"""Reports: exact figures on a small hand-built register, and the /reports/ page."""

from datetime import date, datetime, timedelta

import pytest

from app.models import Agency, Complaint
from app.services import complaints as service
from app.services import reports
from app.services.exceptions import ServiceError
from tests import factories as f

NOW = datetime(2026, 11, 25, 12, 0)
DAY = 86400
NOVEMBER = (date(2026, 11, 1), date(2026, 12, 1))


def make_agency(session, name):
    agency = Agency(code=f.unique("AG"), label_fr=name + " FR", label_en=name + " EN")
    session.add(agency)
    session.commit()
    return agency


def make_register(session):
    """Agency A: 3 received in November (answered in 3 and 21 days, one overdue);
    agency B: 2 received in November (answered in 1 day, one on track) and one received
    in October, answered in November in 13 days."""
    agencies = [make_agency(session, "Alpha"), make_agency(session, "Bravo")]
    clients = [f.make_client(session, agency_id=a.id) for a in agencies]
    answered = f.state(session, "answered")

    def make(client, received, answered_after=None):
        complaint = f.make_complaint(session, client=client, received_at=received,
                                     state_code="in_progress")
        if answered_after is not None:
            service.change_state(session, complaint, answered,
                                 now=received + timedelta(days=answered_after))
        return complaint

    a, b = clients
    make(a, datetime(2026, 11, 2, 9, 30), 3)
    make(a, datetime(2026, 11, 3, 9, 30), 21)
    make(a, datetime(2026, 11, 4, 9, 30))
    make(b, datetime(2026, 11, 10, 9, 30), 1)
    make(b, datetime(2026, 10, 20, 9, 30), 13)
    make(b, datetime(2026, 11, 20, 9, 30))
    scope = Complaint.client_id.in_([c.id for c in clients])
    return scope, agencies


def test_report_by_agency_has_exact_figures(session):
    scope, (alpha, bravo) = make_register(session)
    report = reports.build_report(session, "agency", *NOVEMBER, NOW, scope, "UTC", "en")
    rows = {row.label: row for row in report.rows}
    assert set(rows) == {"Alpha EN", "Bravo EN"}
    a, b = rows["Alpha EN"], rows["Bravo EN"]
    assert (a.received, a.answered, a.still_open, a.on_time, a.overdue) == (3, 2, 1, 1, 1)
    assert a.on_time_pct == 50.0
    assert a.median_seconds == 12 * DAY and a.mean_seconds == 12 * DAY
    assert (b.received, b.answered, b.still_open, b.on_time, b.overdue) == (2, 2, 1, 2, 0)
    assert b.on_time_pct == 100.0 and b.median_seconds == 7 * DAY
    total = report.total
    assert (total.received, total.answered, total.on_time) == (5, 4, 3)
    assert total.on_time_pct == 75.0
    assert total.median_seconds == 8 * DAY  # 1, 3, 13, 21 days
    assert total.mean_seconds == 9.5 * DAY
    french = reports.build_report(session, "agency", *NOVEMBER, NOW, scope, "UTC", "fr")
    assert [row.label for row in french.rows] == ["Alpha FR", "Bravo FR"]


def test_report_by_week_buckets_every_week_of_the_period(session):
    scope, _ = make_register(session)
    report = reports.build_report(session, "week", *NOVEMBER, NOW, scope, "UTC")
    assert [row.key for row in report.rows] == [
        date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16),
        date(2026, 11, 23), date(2026, 11, 30)]
    received = [row.received for row in report.rows]
    answered = [row.answered for row in report.rows]
    assert received == [0, 3, 1, 1, 0, 0]
    assert answered == [0, 2, 1, 0, 1, 0]  # Oct 20 + 13 d = Nov 2; Nov 3 + 21 d = Nov 24


def test_days_are_those_of_the_configured_time_zone(session):
    client = f.make_client(session)
    # 23:30 UTC on Nov 2 is 00:30 on Nov 3 in Paris.
    f.make_complaint(session, client=client, received_at=datetime(2026, 11, 2, 23, 30))
    scope = Complaint.client_id == client.id
    start, end = date(2026, 11, 2), date(2026, 11, 4)
    paris = reports.build_report(session, "day", start, end, NOW, scope, "Europe/Paris")
    utc = reports.build_report(session, "day", start, end, NOW, scope, "UTC")
    assert [row.received for row in paris.rows] == [0, 1]
    assert [row.received for row in utc.rows] == [1, 0]


@pytest.mark.parametrize("grouping, start, end", [
    ("colour", date(2026, 11, 1), date(2026, 12, 1)),
    ("agency", date(2026, 12, 1), date(2026, 11, 1)),
    ("day", date(2020, 1, 1), date(2026, 1, 1)),
])
def test_bad_report_parameters_are_refused(session, grouping, start, end):
    with pytest.raises(ServiceError):
        reports.build_report(session, grouping, start, end, NOW)


def test_day_buckets_across_a_daylight_saving_change(session):
    """Seventeen local days around the change of 29 March 2026 in Paris, bucketed by
    the balanced CASE tree."""
    client = f.make_client(session)
    for day in (24, 27, 28, 29, 30, 31):
        f.make_complaint(session, client=client, received_at=datetime(2026, 3, day, 22, 30))
    scope = Complaint.client_id == client.id
    report = reports.build_report(session, "day", date(2026, 3, 20), date(2026, 4, 6), NOW,
                                  scope, "Europe/Paris")
    counts = {row.key.day: row.received for row in report.rows if row.received}
    # Winter (UTC+1): 22:30 UTC is 23:30 the same day; summer (UTC+2, from the 29th at
    # 01:00 UTC): 00:30 the next day.
    assert counts == {24: 1, 27: 1, 28: 1, 30: 1, 31: 1, 1: 1}
    assert len(report.rows) == 17
