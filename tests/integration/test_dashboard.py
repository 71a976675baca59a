"""Dashboard figures in SQL, restricted by a scope, and the page itself."""

import re
from datetime import date, datetime, timedelta
from html import unescape

from sqlalchemy import select

from app.models import Category, Complaint
from app.services import complaints as service
from app.services import dashboard
from tests import factories as f

NOW = datetime(2026, 11, 25, 12, 0)
DAY = timedelta(days=1)


def make_register(session):
    """One client's complaints: overdue, due soon, on track, paused, answered, closed."""
    client = f.make_client(session)
    agent = f.user(session, "agent")

    def make(received, state="in_progress", **kw):
        return f.make_complaint(session, client=client, received_at=received,
                                state_code=state, assignee=agent, **kw)

    overdue = make(NOW - 20 * DAY)
    due_soon = make(NOW - 13 * DAY)
    on_track = make(NOW - 2 * DAY)
    paused = make(NOW - 30 * DAY, state="waiting_customer")
    answered = make(NOW - 10 * DAY)
    service.change_state(session, answered, f.state(session, "answered"), now=NOW - 6 * DAY)
    late = make(NOW - 24 * DAY)
    service.change_state(session, late, f.state(session, "answered"), now=NOW - 2 * DAY)
    closed = make(NOW - 12 * DAY)
    service.change_state(session, closed, f.state(session, "answered"), now=NOW - 11 * DAY)
    service.change_state(session, closed, f.state(session, "closed"), now=NOW - 10 * DAY)
    scope = Complaint.client_id == client.id
    return scope, agent, dict(overdue=overdue, due_soon=due_soon, on_track=on_track,
                              paused=paused, answered=answered, late=late, closed=closed)


def test_dashboard_figures(session):
    scope, agent, c = make_register(session)
    urgent = dashboard.urgent(session, NOW, scope)
    assert [x.id for x in urgent] == [c["overdue"].id, c["due_soon"].id]
    assert dashboard.count_urgent(session, NOW, scope) == (1, 1)
    counts = {state.code: n for state, n in dashboard.open_by_state(session, scope)}
    assert counts["in_progress"] == 3
    assert counts["waiting_customer"] == 1
    assert counts["answered"] == 2
    assert "closed" not in counts
    mine = dashboard.my_complaints(session, agent.id, scope)
    assert c["closed"].id not in {x.id for x in mine} and len(mine) == 6

    k = dashboard.kpis(session, date(2026, 11, 1), date(2026, 12, 1), scope)
    assert k.received == 6  # the paused one arrived in October
    assert (k.answered, k.on_time) == (3, 2)
    assert k.on_time_pct == 66.7
    assert k.median_processing_seconds == 4 * 86400  # 1, 4 and 22 days

    trend = dashboard.trend_by_category(session, date(2026, 11, 25), 12, scope)
    assert trend["months"][-1] == date(2026, 11, 1)
    assert sum(sum(counts) for _, counts in trend["series"]) == 7


def test_dashboard_page_renders_for_each_role(app, admin_client, agent_client, viewer_client):
    for client in (admin_client, agent_client, viewer_client):
        response = client.get("/dashboard/?period=quarter")
        assert response.status_code == 200
        assert b'id="trend-chart"' in response.data and b'id="urgent"' in response.data


def test_home_page_is_the_dashboard(admin_client):
    response = admin_client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard/")


def test_bad_custom_period_is_explained(admin_client):
    response = admin_client.get("/dashboard/?period=custom&start=31/12/2026&end=x&_l_=en")
    assert response.status_code == 200
    assert b"Enter the custom period" in response.data


def test_monthly_counts_follow_creations_edits_and_deletions(session):
    from app.models import ComplaintMonthStat
    from app.services import deletion, month_stats
    from app.services.settings import get_setting

    month_stats.ensure_time_zone(session)
    zone = get_setting(session, "time_zone")

    def counts():  # every team's
        found = {}
        for s in session.scalars(select(ComplaintMonthStat)):
            key = (s.month, s.category_key, s.confidential)
            found[key] = found.get(key, 0) + s.received
        return found

    def direct():
        trend = dashboard.trend_by_category(session, date(2027, 12, 1), 60, time_zone=zone)
        return {(m, (c.id if c else None)): n for c, series in trend["series"]
                for m, n in zip(trend["months"], series, strict=True) if n}

    billing = session.scalars(select(Category).where(Category.code == "billing")).one()
    delivery = session.scalars(select(Category).where(Category.code == "delivery")).one()
    c = f.make_complaint(session, received_at=datetime(2025, 3, 10, 9), category=billing)
    before = counts()
    assert before[(date(2025, 3, 1), billing.id, False)] >= 1
    # An edit moves it to another month, category and the confidential bucket.
    c.received_at, c.category, c.confidential = datetime(2025, 4, 2, 9), delivery, True
    service.stage_update(session, c)
    session.commit()
    after = counts()
    assert after[(date(2025, 3, 1), billing.id, False)] == before[
        (date(2025, 3, 1), billing.id, False)] - 1
    assert after[(date(2025, 4, 1), delivery.id, True)] == before.get(
        (date(2025, 4, 1), delivery.id, True), 0) + 1
    deletion.delete_complaint(session, c, f.user(session, "admin"))
    assert counts()[(date(2025, 4, 1), delivery.id, True)] == after[
        (date(2025, 4, 1), delivery.id, True)] - 1
    # And the counts always agree with counting the complaints themselves.
    rollup = dashboard.trend_by_category(session, date(2027, 12, 1), 60, time_zone=zone,
                                         share=dashboard.WHOLE_REGISTER)
    assert {(m, (cat.id if cat else None)): n for cat, series in rollup["series"]
            for m, n in zip(rollup["months"], series, strict=True) if n} == direct()


def test_kpi_period_follows_local_days(session):
    """A complaint received on 1 December at 00:30 in Paris (30 November 23:30 UTC)
    belongs to December's figures, not November's."""
    client = f.make_client(session)
    f.make_complaint(session, client=client, received_at=datetime(2026, 11, 30, 23, 30))
    scope = Complaint.client_id == client.id
    december = dashboard.kpis(session, date(2026, 12, 1), date(2027, 1, 1), scope,
                              "Europe/Paris")
    november = dashboard.kpis(session, date(2026, 11, 1), date(2026, 12, 1), scope,
                              "Europe/Paris")
    assert (december.received, november.received) == (1, 0)


# --- months of the configured time zone ---------------------------------------------------

def test_the_trend_counts_local_months(session):
    """Received on 1 December at 00:30 in Paris (23:30 UTC on 30 November): December,
    in the monthly counts and when a scope is counted directly."""
    from datetime import date as day
    from datetime import datetime as moment

    from app.models import Complaint
    from app.services import dashboard, month_stats
    from tests import factories as f

    category = f.make_complaint(session).category  # any category of the reference lists
    complaint = f.make_complaint(session, received_at=moment(2041, 11, 30, 23, 30),
                                 category=category)
    assert month_stats.bucket(complaint.received_at, complaint.category_id, False, None,
                              "Europe/Paris")[0] == day(2041, 12, 1)
    month_stats.ensure_time_zone(session)
    for share in (dashboard.WHOLE_REGISTER, None):
        trend = dashboard.trend_by_category(
            session, day(2041, 12, 15), 2, scope=Complaint.id == complaint.id,
            time_zone="Europe/Paris", share=share)
        assert trend["months"] == [day(2041, 11, 1), day(2041, 12, 1)]
        counts = dict(trend["series"])
        assert counts[category][1] >= 1  # December
        if share is None:  # counted for this complaint only
            assert counts[category] == [0, 1]


def test_a_new_time_zone_recounts_the_months(session):
    from datetime import date as day
    from datetime import datetime as moment

    from sqlalchemy import select

    from app.models import ComplaintDayStat, ComplaintMonthStat
    from app.services import month_stats
    from app.services.settings import set_setting
    from tests import factories as f

    f.make_complaint(session, received_at=moment(2042, 1, 31, 23, 30))  # Paris: 1 February
    month_stats.ensure_time_zone(session)

    def months():
        return set(session.scalars(select(ComplaintMonthStat.month).where(
            ComplaintMonthStat.month >= day(2042, 1, 1),
            ComplaintMonthStat.month < day(2043, 1, 1))))

    def days():  # the daily counts too
        return set(session.scalars(select(ComplaintDayStat.day).where(
            ComplaintDayStat.day >= day(2042, 1, 1), ComplaintDayStat.day < day(2043, 1, 1),
            ComplaintDayStat.received > 0)))

    assert (months(), days()) == ({day(2042, 2, 1)}, {day(2042, 2, 1)})
    set_setting(session, "time_zone", "America/New_York")
    session.commit()
    try:
        assert month_stats.ensure_time_zone(session) is True
        assert (months(), days()) == ({day(2042, 1, 1)}, {day(2042, 1, 31)})
        assert month_stats.ensure_time_zone(session) is False
    finally:
        set_setting(session, "time_zone", "Europe/Paris")
        session.commit()
        month_stats.ensure_time_zone(session)


def test_median_processing_time_is_the_same_sorted_or_read_in_index_order(session,
                                                                          monkeypatch):
    """Past SORT_AT_MOST values SQLite walks ix_complaint_processing in order instead of
    sorting the period's times: both plans give the median, confidential ones left out
    for a reader who may not see them, of a reader's team."""
    answered_at = datetime(2030, 3, 10, 9, 0)  # a year no other test answers in
    team = f.make_team(session)
    for days, confidential in ((1, False), (3, False), (8, False), (20, False), (2, True),
                               (40, True), (50, True)):
        complaint = f.make_complaint(session, received_at=answered_at - days * DAY,
                                     confidential=confidential,
                                     team=team if days in (1, 8, 20, 40) else None)
        complaint.answered_at, complaint.processing_seconds = answered_at, days * 86400
    outside = f.make_complaint(session, received_at=datetime(2030, 1, 2))
    outside.answered_at, outside.processing_seconds = datetime(2030, 2, 1), 999 * 86400
    session.flush()
    march, april = date(2030, 3, 1), date(2030, 4, 1)
    not_confidential = Complaint.confidential.is_(False)
    for sort_at_most in (10_000, 0):  # sorted, then read in the index's order
        monkeypatch.setattr(dashboard, "SORT_AT_MOST", sort_at_most)
        everything = dashboard.kpis(session, march, april)
        assert everything.median_processing_seconds == 8 * 86400  # 1 2 3 8 20 40 50
        visible = dashboard.kpis(session, march, april, not_confidential,
                                 share=dashboard.REGISTER_NOT_CONFIDENTIAL)
        assert visible.median_processing_seconds == (3 + 8) / 2 * 86400  # 1 3 8 20
        assert (everything.answered, visible.answered) == (7, 4)
        # A reader's team (its share), its confidential complaints left out: walked too.
        in_team = (Complaint.team_id == team.id) & not_confidential
        teams = dashboard.kpis(session, march, april, in_team,
                               share=dashboard.Share(confidential=False, team=team.id))
        assert teams.median_processing_seconds == 8 * 86400  # 1 8 20
        # Another scope is always sorted (the index lacks its columns).
        scoped = dashboard.kpis(session, march, april, Complaint.processing_seconds < 30 * 86400)
        assert scoped.median_processing_seconds == 3 * 86400  # 1 2 3 8 20


def test_a_scoped_trend_counts_each_visible_complaint_once_part_by_part(session):
    """The agent's scope counted part by part (team, assigned elsewhere, portfolio
    elsewhere), or its team's part read in the monthly counts, gives the same trend as
    the scope's one condition."""
    from app.services import month_stats
    from app.services.settings import get_setting
    from app.services.visibility import Reader, scope_parts, visible_condition

    agent, other = f.user(session, "agent"), f.user(session, "supervisor")
    team, elsewhere = f.make_team(session), f.make_team(session)
    mine = f.make_client(session, portfolio_owner_id=agent.id)
    received = datetime(2029, 5, 6, 10, 0)  # a month no other test receives in

    def make(**fields):
        return f.make_complaint(session, received_at=received, **fields)

    make(team=team)                                    # the team's
    make(team=team, assignee=agent)                    # the team's and assigned
    make(team=elsewhere, assignee=agent)               # assigned, another team
    make(assignee=agent)                               # assigned, no team
    make(client=mine, team=team, assignee=agent)       # all three
    make(client=mine, team=elsewhere, assignee=other)  # the portfolio's only
    make(client=mine)                                  # the portfolio's, nobody's
    make(team=team, confidential=True)                 # hidden without the permission
    make(team=elsewhere, assignee=other)               # not the agent's at all
    session.flush()
    month_stats.ensure_time_zone(session)
    zone = get_setting(session, "time_zone")

    def total(trend):
        return sum(sum(counts) for _, counts in trend["series"])

    for sees_confidential, expected in ((False, 7), (True, 8)):
        reader = Reader(user_id=agent.id, team_id=team.id,
                        sees_confidential=sees_confidential)
        one = dashboard.trend_by_category(session, date(2029, 5, 20), 1,
                                          visible_condition(reader))
        parts = dashboard.trend_by_category(session, date(2029, 5, 20), 1,
                                            scope_parts=scope_parts(reader))
        # The team's part read in the monthly counts, the rest counted.
        kept = dashboard.trend_by_category(session, date(2029, 5, 20), 1, None, zone,
                                           dashboard.share_of(reader))
        assert total(parts) == total(one) == total(kept) == expected
        assert parts == one == kept
    without_team = Reader(user_id=agent.id)
    assert total(dashboard.trend_by_category(
        session, date(2029, 5, 20), 1, scope_parts=scope_parts(without_team))) == 6


# --- the urgent panel: every urgent complaint of the reader's scope, paged ---------------

def _urgent_register(app, dbs, overdue=28, due_soon=3):
    """A new agent with ``overdue`` long-overdue complaints, ``due_soon`` due soon and
    one that became overdue a minute ago; its login and the ids, most urgent first."""
    from flask import current_app

    from app.services.clock import utcnow
    from tests.conftest import PASSWORD, login

    now = utcnow()
    with dbs() as s:
        agent = f.make_user(current_app.appbuilder, "Agent", PASSWORD)
        made = []
        deadlines = ([now - (40 + i) * DAY for i in range(overdue)]
                     + [now + (i + 1) * timedelta(hours=5) for i in range(due_soon)]
                     + [now - timedelta(minutes=1)])
        for due in deadlines:
            complaint = f.make_complaint(s, actor=agent, assignee=agent,
                                         state_code="in_progress")
            complaint.due_at, complaint.warning_at = due, due - 3 * DAY
            made.append(complaint)
        on_track = f.make_complaint(s, actor=agent, assignee=agent, state_code="in_progress")
        on_track.due_at, on_track.warning_at = now + 20 * DAY, now + 17 * DAY
        s.commit()
        ordered = [c.id for c in sorted(made, key=lambda c: (c.due_at, c.id))]
        just_overdue = made[-1].id
        username = agent.username
    return login(app.test_client(), username), ordered, just_overdue


def test_the_urgent_panel_pages_through_every_urgent_complaint(app, dbs):
    client, ordered, just_overdue = _urgent_register(app, dbs)
    first = client.get("/dashboard/")
    second = client.get("/dashboard/?urgent_page=1")
    beyond = client.get("/dashboard/?urgent_page=99")
    page_ids = [[int(pk) for pk in re.findall(r'<tr class="(?:danger|warning)">\s*<td><a '
                                               r'href="/complaints/show/(\d+)"', page.text)]
                for page in (first, second, beyond)]
    assert page_ids[0] + page_ids[1] == ordered  # all of them, most urgent first
    assert len(page_ids[0]) == dashboard.URGENT_LIMIT
    assert just_overdue in page_ids[0] + page_ids[1]
    assert page_ids[2] == page_ids[1]  # past the last page: the last page
    assert "29 en retard" in first.text and "3 à échéance proche" in first.text
    others = len(ordered) - dashboard.URGENT_LIMIT
    assert f"Voir les {others} autres dans la liste" in first.text
    assert 'id="urgent-next"' in first.text and 'id="urgent-previous"' in second.text


def test_the_urgent_panels_counts_match_the_lists_it_links_to(app, dbs):
    client, ordered, just_overdue = _urgent_register(app, dbs, overdue=4, due_soon=2)
    page = client.get("/dashboard/").text
    links = {name: unescape(re.search(rf'id="{name}" href="([^"]+)"', page).group(1))
             for name in ("overdue-count", "due-soon-count", "urgent-all")}
    shown = {name: f.shown_ids(client.get(f"{url}&psize_ComplaintView=100"))
             for name, url in links.items()}
    assert shown["urgent-all"] == set(ordered)
    assert just_overdue in shown["overdue-count"]
    assert (len(shown["overdue-count"]), len(shown["due-soon-count"])) == (5, 2)
    assert "5 en retard" in page and "2 à échéance proche" in page
    # The list keeps the panel's order: most urgent first.
    listed = client.get(f"{links['urgent-all']}&psize_ComplaintView=100").text
    positions = [listed.index(f"/complaints/show/{pk}") for pk in ordered]
    assert positions == sorted(positions)


def test_a_malformed_urgent_page_shows_the_first(admin_client):
    for raw in ("-1", "abc", "9" * 30, "²"):
        response = admin_client.get(f"/dashboard/?urgent_page={raw}")
        assert response.status_code == 200 and 'id="urgent"' in response.text
