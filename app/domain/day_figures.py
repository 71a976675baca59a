"""The dashboard's figures one complaint counts in, day by day.

A complaint counts as received on the local day of its reception, as answered (on time or
not, with a processing time or not) on the day of its first answer, and as surveyed
(satisfied or not, with a rating or not) on the day it was closed. Summed over the days
of a period, these are the dashboard's KPIs for a reader who sees the whole register,
read in a few hundred rows instead of counted among a year of complaints. They are kept
per team (``team_id``, 0 for none) too, for readers who see their team's complaints.
"""

from collections.abc import Callable, Mapping
from datetime import date, datetime

FIGURES = ("received", "answered", "answered_on_time", "timed", "surveyed", "satisfied",
           "rated", "rating_sum")
# The complaint's columns the figures are made of.
COLUMNS = ("received_at", "confidential", "team_id", "answered_at", "answered_on_time",
           "processing_seconds", "closed_at", "satisfaction", "satisfaction_rating")
SURVEYED = ("yes", "no")  # a satisfaction of "unknown" is no answer

Key = tuple[date, bool, int]  # (local day, confidential, team id or 0)


def figures_of(values: Mapping, local_day: Callable[[datetime], date]) -> dict[Key, dict]:
    """The figures a complaint with these column values adds to each day it counts in."""
    confidential, team = bool(values["confidential"]), values["team_id"] or 0
    added: dict[Key, dict] = {}

    def count(moment, **figures):
        day = added.setdefault((local_day(moment), confidential, team),
                               dict.fromkeys(FIGURES, 0))
        for name, value in figures.items():
            day[name] += value

    if values["received_at"] is not None:
        count(values["received_at"], received=1)
    if values["answered_at"] is not None:
        count(values["answered_at"], answered=1,
              answered_on_time=int(bool(values["answered_on_time"])),
              timed=int(values["processing_seconds"] is not None))
    if values["closed_at"] is not None and values["satisfaction"] in SURVEYED:
        rating = values["satisfaction_rating"]
        count(values["closed_at"], surveyed=1, satisfied=int(values["satisfaction"] == "yes"),
              rated=int(rating is not None), rating_sum=rating or 0)
    return added


def difference(before: dict[Key, dict], after: dict[Key, dict]) -> dict[Key, dict]:
    """What changes from ``before`` to ``after``, per day (days left unchanged omitted)."""
    changes = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key, {}), after.get(key, {})
        delta = {name: new.get(name, 0) - old.get(name, 0) for name in FIGURES}
        if any(delta.values()):
            changes[key] = delta
    return changes


def add_up(total: dict[Key, dict], changes: dict[Key, dict]) -> None:
    """Add ``changes`` into ``total`` (several complaints of one write)."""
    for key, delta in changes.items():
        day = total.setdefault(key, dict.fromkeys(FIGURES, 0))
        for name, value in delta.items():
            day[name] += value
