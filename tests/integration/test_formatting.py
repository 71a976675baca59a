"""The list formatters write exactly what Flask-Babel writes, in both languages, across
the changes of daylight saving time, inside a request and in an email's forced locale."""

from datetime import datetime, timedelta

import pytest
from flask_babel import force_locale, format_datetime

from app.views.formatting import local_datetime, nowrap, overdue_reminder_badge, urgency_badge

INSTANTS = [datetime(2026, 3, 29, 0, 0) + timedelta(minutes=17 * i) for i in range(40)] + [
    datetime(2026, 10, 25, 0, 0) + timedelta(minutes=13 * i) for i in range(40)] + [
    datetime(2026, 12, 31, 23, 59), datetime(2027, 1, 1, 0, 0), datetime(2024, 2, 29, 12, 0)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_local_datetime_is_flask_babels_short_format(app, language):
    with app.test_request_context(f"/?_l_={language}"), force_locale(language):
        assert [local_datetime(v) for v in INSTANTS] == [
            format_datetime(v, "short") for v in INSTANTS]
        assert local_datetime(None) == ""


def test_local_datetime_in_summer_and_winter(app):
    with app.test_request_context("/"), force_locale("fr"):
        assert local_datetime(datetime(2026, 7, 1, 12, 0)) == "01/07/2026 14:00"
        assert local_datetime(datetime(2026, 1, 1, 12, 0)) == "01/01/2026 13:00"


def test_badges_follow_the_forced_locale(app):
    with app.app_context():
        with force_locale("en"):
            english = (urgency_badge("overdue"), overdue_reminder_badge(True))
        with force_locale("fr"):
            french = (urgency_badge("overdue"), overdue_reminder_badge(True))
    assert "Overdue" in english[0] and "Overdue reminder" in english[1]
    assert "En retard" in french[0] and "Overdue" not in french[1]


def test_nowrap_escapes_its_value():
    assert str(nowrap("<b>R-1</b>")) == '<span class="rec-nowrap">&lt;b&gt;R-1&lt;/b&gt;</span>'
    assert str(nowrap(None)) == '<span class="rec-nowrap"></span>'
