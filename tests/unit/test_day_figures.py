"""The daily figures a complaint counts in, and what a write changes in them."""

from datetime import date, datetime

from app.domain.day_figures import FIGURES, add_up, difference, figures_of


def day_of(moment):
    return moment.date()


def complaint(**values):
    base = dict.fromkeys(("received_at", "answered_at", "answered_on_time", "team_id",
                          "processing_seconds", "closed_at", "satisfaction_rating"))
    return {**base, "confidential": False, "satisfaction": "unknown", **values}


def only(**figures):
    return {**dict.fromkeys(FIGURES, 0), **figures}


def test_a_complaint_counts_on_the_days_it_was_received_answered_and_closed():
    counted = figures_of(complaint(
        received_at=datetime(2026, 3, 1, 9), answered_at=datetime(2026, 3, 4, 9),
        answered_on_time=True, processing_seconds=3600, closed_at=datetime(2026, 3, 9, 9),
        satisfaction="yes", satisfaction_rating=4, confidential=True, team_id=7), day_of)
    assert counted == {
        (date(2026, 3, 1), True, 7): only(received=1),
        (date(2026, 3, 4), True, 7): only(answered=1, answered_on_time=1, timed=1),
        (date(2026, 3, 9), True, 7): only(surveyed=1, satisfied=1, rated=1, rating_sum=4),
    }


def test_answered_and_closed_the_same_day_count_once_on_it():
    moment = datetime(2026, 3, 4, 9)
    counted = figures_of(complaint(received_at=moment, answered_at=moment, closed_at=moment,
                                   answered_on_time=False, satisfaction="no"), day_of)
    assert counted == {(date(2026, 3, 4), False, 0): only(received=1, answered=1, surveyed=1)}


def test_closed_without_a_survey_answer_counts_no_satisfaction():
    counted = figures_of(complaint(received_at=datetime(2026, 3, 1),
                                   closed_at=datetime(2026, 3, 2)), day_of)
    assert counted == {(date(2026, 3, 1), False, 0): only(received=1)}


def test_a_reopening_takes_the_survey_off_its_closing_day():
    received = datetime(2026, 3, 1)
    closed = complaint(received_at=received, closed_at=datetime(2026, 3, 2),
                       satisfaction="yes")
    reopened = {**closed, "closed_at": None}
    changes = difference(figures_of(closed, day_of), figures_of(reopened, day_of))
    assert changes == {(date(2026, 3, 2), False, 0): {**only(), "surveyed": -1, "satisfied": -1}}


def test_changes_of_several_complaints_add_up():
    total = {}
    add_up(total, {(date(2026, 3, 1), False, 0): only(received=1)})
    add_up(total, {(date(2026, 3, 1), False, 0): only(received=-1, answered=1)})
    assert total == {(date(2026, 3, 1), False, 0): only(answered=1)}


def test_a_new_team_moves_every_figure_to_its_counts():
    values = complaint(received_at=datetime(2026, 3, 1), answered_at=datetime(2026, 3, 2),
                       team_id=1)
    changes = difference(figures_of(values, day_of), figures_of({**values, "team_id": 2},
                                                                 day_of))
    assert changes == {(date(2026, 3, 1), False, 1): only(received=-1),
                       (date(2026, 3, 2), False, 1): only(answered=-1),
                       (date(2026, 3, 1), False, 2): only(received=1),
                       (date(2026, 3, 2), False, 2): only(answered=1)}
