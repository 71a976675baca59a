"""The dashboard's daily counts: kept in step with every write to a complaint, they give
the same KPIs as counting the complaints themselves, local days and confidentiality
included."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, true

from app.models import Complaint, ComplaintDayStat, ComplaintMonthStat
from app.services import complaints as service
from app.services import dashboard, day_stats, deletion, month_stats
from app.services.settings import get_setting
from tests import factories as f
from tests.integration.conftest import run_concurrently

# No other test receives, answers or closes a complaint in 2046.
YEAR = 2046
PERIODS = [(date(YEAR, 1, 1), date(YEAR + 1, 1, 1)), (date(YEAR, 3, 31), date(YEAR, 4, 1)),
           (date(YEAR, 4, 1), date(YEAR, 4, 2)), (date(YEAR, 4, 1), date(YEAR, 5, 1)),
           (date(YEAR, 5, 1), date(YEAR, 6, 1))]


@pytest.fixture
def zone(session):
    month_stats.ensure_time_zone(session)  # the counts made in the configured time zone
    return get_setting(session, "time_zone")


def assert_counts_agree(session, zone):
    """Read in the daily counts (no scope: the whole register) or counted (a scope that
    is everything, or every complaint but the confidential ones)."""
    for start, end in PERIODS:
        assert dashboard.kpis(session, start, end, None, zone) == dashboard.kpis(
            session, start, end, true(), zone), (start, end)
        assert dashboard.kpis(session, start, end, Complaint.confidential.is_(False), zone,
                              dashboard.REGISTER_NOT_CONFIDENTIAL) == dashboard.kpis(
            session, start, end, Complaint.confidential.is_(False), zone), (start, end)


def received_on(session, zone, day):
    return dashboard.kpis(session, day, day + timedelta(days=1), None, zone).received


def test_the_daily_counts_follow_every_write(session, zone):
    moment = datetime
    # 23:30 UTC on 31 March: 1 April in Paris.
    first = f.make_complaint(session, received_at=moment(YEAR, 3, 31, 23, 30),
                             state_code="in_progress")
    second = f.make_complaint(session, received_at=moment(YEAR, 4, 10, 9), confidential=True,
                              state_code="in_progress")
    assert_counts_agree(session, zone)
    if zone == "Europe/Paris":
        assert received_on(session, zone, date(YEAR, 4, 1)) == 1
    answered, closed = f.state(session, "answered"), f.state(session, "closed")
    service.change_state(session, first, answered, now=moment(YEAR, 4, 12, 10))
    service.change_state(session, first, closed, now=moment(YEAR, 4, 15, 10))
    service.change_state(session, second, answered, now=moment(YEAR, 5, 3, 10))
    service.change_state(session, second, closed, now=moment(YEAR, 5, 4, 10))
    assert_counts_agree(session, zone)
    # Satisfaction entered by staff, then the complainant's "no" without a rating.
    first.satisfaction, first.satisfaction_rating = "yes", 4
    service.stage_update(session, first)
    second.satisfaction = "no"
    service.stage_update(session, second)
    session.commit()
    assert_counts_agree(session, zone)
    april = dashboard.kpis(session, date(YEAR, 4, 1), date(YEAR, 5, 1), None, zone)
    assert (april.received, april.answered, april.surveyed, april.satisfied,
            april.mean_rating) == (2, 1, 1, 1, 4.0)
    # Reopened: no longer closed, so no longer surveyed in April.
    service.change_state(session, first, f.state(session, "reopened"),
                         now=moment(YEAR, 4, 20, 10))
    # A corrected reception date, and no longer confidential.
    second.received_at, second.confidential = moment(YEAR, 5, 2, 8), False
    service.stage_update(session, second)
    session.commit()
    assert_counts_agree(session, zone)
    april = dashboard.kpis(session, date(YEAR, 4, 1), date(YEAR, 5, 1), None, zone)
    assert (april.received, april.surveyed) == (1, 0)
    deletion.delete_complaint(session, first, f.user(session, "admin"))
    assert_counts_agree(session, zone)
    assert dashboard.kpis(session, date(YEAR, 4, 1), date(YEAR, 5, 1), None,
                          zone).received == 0


def test_a_rebuild_finds_the_counts_the_writes_kept(session, zone):
    f.make_complaint(session, received_at=datetime(YEAR, 6, 5, 9), confidential=True)

    def rows():  # a day whose complaints all moved away keeps a row of zeros
        figures = {(s.day, s.confidential, s.team_key): tuple(
            getattr(s, n) for n in day_stats.FIGURES)
            for s in session.scalars(select(ComplaintDayStat))}
        return {key: values for key, values in figures.items() if any(values)}

    def months():
        found = {(s.month, s.category_key, s.confidential, s.team_key): s.received
                 for s in session.scalars(select(ComplaintMonthStat))}
        return {key: received for key, received in found.items() if received}

    kept, kept_months = rows(), months()
    month_stats.rebuild_all(session)
    session.commit()
    assert (rows(), months()) == (kept, kept_months)


def test_an_agents_share_reads_its_teams_counts_and_counts_the_rest(session, zone):
    from app.services.visibility import Reader, visible_condition

    agent = f.user(session, "agent")
    team, elsewhere = f.make_team(session), f.make_team(session)
    portfolio = f.make_client(session, portfolio_owner_id=agent.id)

    def make(**fields):
        return f.make_complaint(session, received_at=datetime(YEAR, 10, 6, 10), **fields)

    make(team=team)
    make(team=elsewhere, assignee=agent)         # assigned to them in another team
    make(client=portfolio, team=elsewhere)       # their portfolio's
    make(team=team, confidential=True)           # not theirs to see
    make(team=elsewhere)                         # not theirs
    moved = make(team=elsewhere)
    service.assign(session, moved, team=team)    # now their team's: its counts move too
    reader = Reader(user_id=agent.id, team_id=team.id)
    october = (date(YEAR, 10, 1), date(YEAR, 11, 1))
    kept = dashboard.kpis(session, *october, visible_condition(reader), zone,
                          dashboard.share_of(reader))
    assert kept == dashboard.kpis(session, *october, visible_condition(reader), zone)
    assert kept.received == 4
    # In a time zone the counts were not made in, the whole scope is counted, once.
    other_zone = "Pacific/Auckland"
    assert dashboard.kpis(session, *october, visible_condition(reader), other_zone,
                          dashboard.share_of(reader)) == dashboard.kpis(
        session, *october, visible_condition(reader), other_zone)
    trend = dashboard.trend_by_category(session, date(YEAR, 10, 20), 1,
                                        visible_condition(reader), zone,
                                        dashboard.share_of(reader))
    assert sum(sum(counts) for _, counts in trend["series"]) == 4


def test_another_time_zone_is_counted_not_read(session, zone):
    f.make_complaint(session, received_at=datetime(YEAR, 7, 31, 23, 30))
    assert day_stats.totals(session, date(YEAR, 7, 1), date(YEAR, 8, 1), "Pacific/Auckland",
                            True) is None
    assert day_stats.totals(session, date(YEAR, 7, 1), date(YEAR, 8, 1), zone,
                            True) is not None


def test_concurrent_creations_on_one_day_lose_no_count(app, session, zone):
    """Four sessions create complaints received on the same day at once: the day's row is
    added to atomically, so every one is counted."""
    day = datetime(YEAR, 9, 9, 9)
    before = received_on(session, zone, day.date())
    session.rollback()  # no open transaction (on SQLite, no lock) while the others write

    def create(other):
        for _ in range(3):
            f.make_complaint(other, received_at=day)

    run_concurrently(app, create, workers=4)
    assert received_on(session, zone, day.date()) == before + 12
