"""Emerging trends (app/services/trends.py): the daily job flags a rise once, the readers
see it within their visibility, on the dashboard with a link, and in the digest."""

from datetime import date, datetime, time, timedelta
from html import unescape

import pytest
from flask import g
from sqlalchemy import delete, func, select

from app.models import Category, Complaint, CustomField, CustomFieldValue, TrendFlag
from app.services import digest, trends
from app.services.clock import to_local, to_utc, utcnow
from app.services.exceptions import ServiceError
from app.services.settings import set_setting
from app.services.visibility import Reader, reader_of, visible_condition
from tests import factories as f

TZ = "Europe/Paris"


def _today():
    return to_local(utcnow(), TZ).date()


def _category(session):
    code = f.unique("trend")
    category = Category(code=code, label_fr=f"Facturation {code}", label_en=f"Billing {code}")
    session.add(category)
    session.commit()
    return category


def _register(session, today, category, usual=3, now_count=15, **fields):
    """``usual`` complaints a week for 8 weeks, then ``now_count`` in the last 7 days."""
    made = []
    for week in range(9):
        number = now_count if week == 8 else usual
        start = datetime.combine(today - timedelta(days=7 * (9 - week)), time(10))
        for k in range(number):
            local = start + timedelta(days=k % 7, minutes=k)
            made.append(f.make_complaint(session, category=category,
                                         received_at=to_utc(local, TZ), **fields))
    return made


def _flags(session, key):
    return session.scalars(select(TrendFlag).where(
        TrendFlag.dimension == key[0], TrendFlag.value_key == key[1])).all()


def test_a_rise_is_flagged_once_and_shown_within_visibility(session):
    today, category = _today(), _category(session)
    _register(session, today, category)
    key = ("category", str(category.id))
    counts = trends.count_weeks(session, trends.week_bounds(today, TZ))
    assert counts[key] == [3] * 8 + [15]

    assert trends.flag_trends(session, today, force=True)["rising"] >= 1
    assert trends.flag_trends(session, today) == {"skipped": True}
    trends.flag_trends(session, today, force=True)
    [flag] = _flags(session, key)
    assert flag.active and flag.started_on == today
    assert (flag.current, flag.expected) == (15, 3.0)
    # The next day the rise goes on: the same flag, its window one day on (the first
    # day's 3 complaints left it).
    trends.flag_trends(session, today + timedelta(days=1))
    [flag] = _flags(session, key)
    assert (flag.active, flag.started_on, flag.current) == (True, today, 12)

    supervisor = reader_of(f.user(session, "supervisor"))
    [shown] = [t for t in trends.shown_trends(session, visible_condition(supervisor), today)
               if t["value"] == key[1]]
    assert (shown["current"], shown["expected"], shown["spread"]) == (15, 3, 2)
    assert trends.describe(shown, "fr") == f"Catégorie\u00a0: Facturation {category.code}"
    assert trends.describe(shown, "en") == f"Category: Billing {category.code}"
    # An agent sees none of these complaints: no trend, not even a count.
    agent = reader_of(f.user(session, "agent"))
    assert not [t for t in trends.shown_trends(session, visible_condition(agent), today)
                if t["value"] == key[1]]


def test_a_rise_of_confidential_complaints_is_not_shown_to_who_may_not_see_them(session):
    today, category = _today(), _category(session)
    _register(session, today, category, confidential=True)
    trends.flag_trends(session, today, force=True)
    key = ("category", str(category.id))
    assert _flags(session, key)[0].active

    def shown(reader):
        return [t for t in trends.shown_trends(session, visible_condition(reader), today)
                if t["value"] == key[1]]

    assert shown(Reader(user_id=1, sees_all=True, sees_confidential=True))
    assert not shown(Reader(user_id=1, sees_all=True, sees_confidential=False))


def test_a_rise_that_ends_is_no_longer_active(session):
    today, category = _today(), _category(session)
    _register(session, today, category)
    trends.flag_trends(session, today, force=True)
    key = ("category", str(category.id))
    assert _flags(session, key)[0].active
    # Six weeks later the new level is the usual one (and the week itself is empty).
    trends.flag_trends(session, today + timedelta(days=42), force=True)
    assert not _flags(session, key)[0].active
    trends.flag_trends(session, today, force=True)  # back to today: a new rise, a new row?
    assert len(_flags(session, key)) == 1  # same start day: the same rise, reopened


def test_a_category_in_one_agency_is_a_trend_of_its_own(session, supervisor_client):
    from app.models import Agency

    today, category = _today(), _category(session)
    code = f.unique("sud")
    south = Agency(code=code, label_fr=f"Agence Sud {code}", label_en=f"South {code}")
    session.add(south)
    session.commit()
    _register(session, today, category, usual=40, now_count=40)  # flat everywhere else
    made = _register(session, today, category, usual=3, now_count=20, agency=south)
    key = ("category_agency", f"{category.id}:{south.id}")
    counts = trends.count_weeks(session, trends.week_bounds(today, TZ), only=key)
    assert counts == {key: [3] * 8 + [20]}
    trends.flag_trends(session, today, force=True)
    assert _flags(session, key)[0].active
    assert not _flags(session, ("category", str(category.id)))  # 43 → 60 is no rise
    page = unescape(supervisor_client.get("/dashboard/").get_data(as_text=True))
    assert f"Facturation {category.code} × Agence Sud {code}" in page
    start = page.index(f"_flt_0_agency={south.id}")
    url = page[page.rindex('href="', 0, start) + 6:page.index('"', start)]
    listed = unescape(supervisor_client.get(url).get_data(as_text=True))
    assert all(c.tracking_number in listed for c in made[-20:])
    assert made[0].tracking_number not in listed


def test_choices_of_custom_fields_are_counted(session):
    today = _today()
    field = CustomField(key=f.unique("canal").lower(), label_fr="Origine", label_en="Origin",
                        type="choice", choices="web | Site web | Website\nshop | Agence | Branch")
    session.add(field)
    session.commit()
    for complaint in _register(session, today, None, usual=2, now_count=12):
        session.add(CustomFieldValue(complaint_id=complaint.id, field_id=field.id,
                                     value_text="web"))
    session.commit()
    key = (f"cf:{field.id}", "web")
    counts = trends.count_weeks(session, trends.week_bounds(today, TZ), only=key)
    assert counts == {key: [2] * 8 + [12]}
    trends.flag_trends(session, today, force=True)
    assert _flags(session, key)[0].active
    [shown] = [t for t in trends.shown_trends(
        session, visible_condition(reader_of(f.user(session, "admin"))), today)
        if t["dimension"] == key[0]]
    assert trends.describe(shown, "en") == "Origin: Website"


def test_dashboard_panel_with_a_link_for_supervisors_only(session, supervisor_client,
                                                          agent_client):
    today, category = _today(), _category(session)
    made = _register(session, today, category)
    trends.flag_trends(session, today, force=True)
    page = unescape(supervisor_client.get("/dashboard/").get_data(as_text=True))
    assert 'id="emerging-trends"' in page
    assert f"Facturation {category.code}" in page
    assert "15 cette semaine, habituellement 3\u00a0±\u00a02" in page
    start = page.index(f"_flt_0_category={category.id}")
    url = page[page.rindex('href="', 0, start) + 6:page.index('"', start)]
    listed = unescape(supervisor_client.get(url).get_data(as_text=True))
    this_week = {c.tracking_number for c in made[-15:]}
    assert all(number in listed for number in this_week)
    assert made[0].tracking_number not in listed
    # The test's app context outlives the requests: forget what they cached in ``g``.
    for name in list(g):
        g.pop(name)
    agent_page = agent_client.get("/dashboard/").get_data(as_text=True)
    assert f"Facturation {category.code}" not in agent_page


def test_in_the_daily_digest(session):
    today, category = _today(), _category(session)
    _register(session, today, category)
    trends.flag_trends(session, today, force=True)
    supervisor = f.user(session, "supervisor")
    now = to_utc(datetime.combine(today, time(23)), TZ)
    from app.models import OutboundEmail

    before = session.scalar(select(func.max(OutboundEmail.id))) or 0
    digest.send_daily_digests(session, now)
    [email] = [e for e in digest_emails(session, supervisor, today)]
    assert f"Facturation {category.code} — 15 cette semaine, habituellement 3 ± 2" \
        in email.body_text.replace("\u00a0", " ")
    # Leave no backlog to the tests that deliver the outbox.
    session.execute(delete(OutboundEmail).where(OutboundEmail.id > before))
    session.commit()


def digest_emails(session, user, day: date):
    from app.models import OutboundEmail
    return session.scalars(select(OutboundEmail).where(
        OutboundEmail.dedupe_key == f"digest:{user.id}:{day.isoformat()}")).all()


@pytest.mark.parametrize("key,value", [
    ("trend_sensitivity", "0.5"), ("trend_sensitivity", "abc"), ("trend_sensitivity", "nan"),
    ("trend_minimum", "0"), ("trend_minimum", "2.5")])
def test_bad_settings_are_refused(session, key, value):
    with pytest.raises(ServiceError):
        set_setting(session, key, value)


def test_settings_decide(session):
    today, category = _today(), _category(session)
    _register(session, today, category)
    key = ("category", str(category.id))
    set_setting(session, "trend_minimum", "20")
    session.commit()
    try:
        trends.flag_trends(session, today, force=True)
        assert not [flag for flag in _flags(session, key) if flag.active]
    finally:
        set_setting(session, "trend_minimum", "10")
        session.commit()
    assert Complaint  # the model the trends count


def test_the_settings_are_set_in_the_admin_ui(session, admin_client):
    from app.models import Setting

    response = admin_client.post("/config/settings/add?_l_=en", data={
        "key": "trend_sensitivity", "value": "0"}, follow_redirects=True)
    assert response.status_code == 200
    assert "The trend sensitivity is a number from 1 to 10" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Setting, "trend_sensitivity") is None
    response = admin_client.post("/config/settings/add", data={
        "key": "trend_sensitivity", "value": "2,5"}, follow_redirects=True)
    assert response.status_code == 200
    session.expire_all()
    try:
        assert trends.parameters(session) == (2.5, 10)
    finally:
        session.delete(session.get(Setting, "trend_sensitivity"))
        session.commit()
    # The job's own bookkeeping is not listed among the settings an admin types.
    trends.flag_trends(session, _today(), force=True)
    listed = admin_client.get("/config/settings/list/").get_data(as_text=True)
    assert trends.DAY_MARK not in listed
