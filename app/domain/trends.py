"""Emerging trends: is this week's count of a category (agency, sector, …) a significant
rise over its usual level? Pure statistics, explained in docs/trends.md.

The last 7 days are compared with the 8 weeks before them, each a whole week (the same
weekdays): a weekly rhythm (quiet weekends, busy Mondays) is in every week alike and
cancels out. The usual level is the MEDIAN of the 8 weeks and its spread the larger of
the Poisson noise of that level (its square root) and the robust spread of the weeks
(1.4826 × their median absolute deviation): one past spike neither raises the level nor
hides the next rise, and a steady small count is not called noisy. A rise is flagged when
the week is at least ``minimum`` and ``sensitivity`` spreads above the usual level.
"""

from dataclasses import dataclass
from math import sqrt
from statistics import median

WEEKS_OF_HISTORY = 8
DAYS = 7 * (WEEKS_OF_HISTORY + 1)
MAD_TO_SIGMA = 1.4826  # the MAD of a normal distribution times this is its sigma

DEFAULT_SENSITIVITY = 3.0
DEFAULT_MINIMUM = 10


@dataclass(frozen=True)
class Assessment:
    """This week's count against its usual level (``expected`` ± ``spread``)."""

    current: int
    expected: float
    spread: float
    score: float
    rising: bool


def weekly(daily: list[int]) -> list[int]:
    """The weekly sums of ``DAYS`` daily counts (oldest first), oldest week first."""
    if len(daily) != DAYS:
        raise ValueError(f"{DAYS} daily counts expected, got {len(daily)}")
    return [sum(daily[start:start + 7]) for start in range(0, DAYS, 7)]


def assess(weeks: list[int], sensitivity: float = DEFAULT_SENSITIVITY,
           minimum: int = DEFAULT_MINIMUM) -> Assessment:
    """Assess the last of ``weeks`` (WEEKS_OF_HISTORY + 1 weekly counts, oldest first)."""
    if len(weeks) != WEEKS_OF_HISTORY + 1:
        raise ValueError(f"{WEEKS_OF_HISTORY + 1} weekly counts expected, got {len(weeks)}")
    *history, current = weeks
    expected = float(median(history))
    deviation = float(median(abs(count - expected) for count in history))
    spread = max(sqrt(max(expected, 1.0)), MAD_TO_SIGMA * deviation)
    score = (current - expected) / spread
    return Assessment(current=current, expected=expected, spread=spread,
                      score=round(score, 2),
                      rising=current >= minimum and score >= sensitivity)


def new_rises(active: set, rising: set) -> set:
    """The keys rising today that were not already flagged: a rise that lasts several
    days is one flag (kept up to date), not one a day."""
    return rising - active
