"""Emerging trends on synthetic series (app/domain/trends.py)."""

import math
import random

import pytest

from app.domain.trends import DAYS, assess, new_rises, weekly


def _poisson(rng, rate):
    """Knuth's Poisson draw (the stdlib has none)."""
    limit, k, p = math.exp(-rate), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _run(daily, sensitivity=3.0, minimum=10):
    """Run the daily job over ``daily`` counts: the days it flags, and the new flags."""
    active, flagged, new = set(), [], 0
    for end in range(DAYS, len(daily) + 1):
        rising = assess(weekly(daily[end - DAYS:end]), sensitivity, minimum).rising
        new += len(new_rises(active, {"k"} if rising else set()))
        active = {"k"} if rising else set()
        if rising:
            flagged.append(end)
    return flagged, new


def test_a_flat_series_raises_nothing():
    assert _run([10] * 200) == ([], 0)


def test_a_noisy_flat_series_raises_nothing():
    rng = random.Random(26)
    assert _run([_poisson(rng, 10) for _ in range(300)]) == ([], 0)


def test_a_step_raises_once_then_becomes_the_usual_level():
    flagged, new = _run([10] * 100 + [25] * 100)
    assert new == 1
    assert flagged[0] > 100 and flagged[-1] < 200
    assert flagged == list(range(flagged[0], flagged[-1] + 1))  # no flicker


def test_a_weekday_rhythm_raises_nothing():
    week = [40, 30, 25, 20, 15, 1, 0]
    assert _run(week * 30) == ([], 0)


def test_a_weekday_rhythm_with_a_step_still_raises():
    week = [40, 30, 25, 20, 15, 1, 0]
    flagged, new = _run(week * 15 + [2 * n for n in week] * 10)
    assert new == 1


def test_a_small_rise_below_the_minimum_is_no_alarm():
    # 1 a week, then 3: many spreads above, but below the minimum count.
    daily = [0] * 6 * 9 * 7
    for week in range(54):
        daily[week * 7] = 1 if week < 40 else 3
    assert _run(daily, sensitivity=1.5, minimum=10) == ([], 0)
    assert _run(daily, sensitivity=1.5, minimum=1)[1] == 1


def test_sensitivity_decides():
    weeks = [10, 12, 11, 9, 10, 11, 10, 12, 20]
    low, high = assess(weeks, sensitivity=2.0), assess(weeks, sensitivity=4.0)
    assert low.rising and not high.rising
    assert low.expected == 10.5 and low.current == 20


def test_one_past_spike_does_not_hide_a_rise():
    weeks = [10, 10, 90, 10, 10, 10, 10, 10, 30]
    assert assess(weeks).rising


@pytest.mark.parametrize("weeks", [[1] * 8, [1] * 10])
def test_the_history_has_eight_weeks(weeks):
    with pytest.raises(ValueError):
        assess(weeks)
