"""Report time buckets and figures (app/domain/reports.py)."""

from datetime import date

import pytest

from app.domain.reports import MAX_BUCKETS, ReportRow, bucket_starts, totals


@pytest.mark.parametrize(("unit", "start", "end", "expected"), [
    ("day", date(2026, 2, 27), date(2026, 3, 2),
     [date(2026, 2, 27), date(2026, 2, 28), date(2026, 3, 1)]),
    # A period starting on a Wednesday: the first week is partial, then Mondays.
    ("week", date(2026, 7, 1), date(2026, 7, 20),
     [date(2026, 7, 1), date(2026, 7, 6), date(2026, 7, 13)]),
    ("month", date(2026, 11, 15), date(2027, 2, 1),
     [date(2026, 11, 15), date(2026, 12, 1), date(2027, 1, 1)]),
    ("month", date(2026, 1, 1), date(2026, 1, 1), []),
])
def test_bucket_starts(unit, start, end, expected):
    assert bucket_starts(unit, start, end) == expected


def test_too_many_buckets_and_unknown_units_are_refused():
    with pytest.raises(ValueError):
        bucket_starts("day", date(2020, 1, 1), date(2020, 1, 1).replace(year=2022))
    assert len(bucket_starts("day", date(2026, 1, 1), date(2027, 1, 1))) == 365 < MAX_BUCKETS
    with pytest.raises(ValueError):
        bucket_starts("fortnight", date(2026, 1, 1), date(2026, 2, 1))


def test_totals_add_counts_and_rates_come_from_them():
    rows = [ReportRow("a", received=3, answered=2, still_open=1, on_time=1, overdue=1),
            ReportRow("b", received=2, answered=2, still_open=1, on_time=2)]
    total = totals(rows)
    assert (total.received, total.answered, total.still_open, total.on_time,
            total.overdue) == (5, 4, 2, 3, 1)
    assert total.on_time_pct == 75.0
    assert ReportRow("c").on_time_pct is None  # nothing answered: no rate, not 0 %


def test_exactly_the_maximum_number_of_buckets():
    start = date(2026, 1, 1)
    assert len(bucket_starts("day", start, date.fromordinal(start.toordinal() + 400))) == 400
    with pytest.raises(ValueError, match="^too many time buckets$"):
        bucket_starts("day", start, date.fromordinal(start.toordinal() + 401))
    with pytest.raises(ValueError, match="^unknown time bucket 'year'$"):
        bucket_starts("year", start, date(2027, 1, 1))


def test_totals_add_satisfaction_answers():
    rows = [ReportRow("a", satisfied=2, surveyed=3), ReportRow("b", satisfied=1, surveyed=1),
            ReportRow("c", satisfied=4, surveyed=6)]
    total = totals(rows)
    assert (total.satisfied, total.surveyed) == (7, 10)
    assert total.satisfaction_pct == 70.0
