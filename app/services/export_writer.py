"""The complaint workbook from rows and plain, already translated texts.

Shared by the export written while the browser waits (app/services/exports.py) and the
background export worker (app/export_worker.py), which must not import Flask or the
models: this module imports only the workbook code and plain domain constants.

A row holds the ``BASE_COLUMNS`` values of ``exports.complaints_statement`` in order,
then any extra columns (custom fields), which are written as they come.
"""

from app.domain.deadlines import CLOCK_PAUSED, CLOCK_STOPPED
from app.domain.urgency import DUE_SOON, ON_TRACK, OVERDUE, PAUSED
from app.services import xlsx

PROGRESS_EVERY = 5000
BASE_COLUMNS = 30  # values of a row that complaint_values turns into 28 cells
URGENCY_CODES = (OVERDUE, DUE_SOON, ON_TRACK, PAUSED)


def write_complaint_rows(rows, path, sheet: dict, now, progress=None) -> int:
    """Write ``rows`` into a workbook at ``path``; ``sheet`` holds the translated texts:
    ``name``, ``columns`` (``[header, kind, width]``), ``labels`` (``yes``, ``no`` and
    the urgency codes), ``language``, ``time_zone``. ``progress(rows)`` is called every
    few thousand rows. Returns the number of rows."""
    workbook = xlsx.open_workbook(path)
    out = xlsx.Sheet(workbook, sheet["name"][:31], [tuple(c) for c in sheet["columns"]],
                     sheet["language"], sheet["time_zone"])
    labels = sheet["labels"]
    yes, no = labels["yes"], labels["no"]
    urgency = {code: labels[code] for code in URGENCY_CODES}
    count = 0
    for row in rows:
        out.append(complaint_values(row, now, yes, no, urgency))
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    out.finish()
    workbook.close()
    return count


def complaint_values(row, now, yes, no, urgency):
    """The cells of one exported row (``exports.COMPLAINT_COLUMNS`` order)."""
    (number, received, request_type, channel, client, customer, contract, name, email,
     subject, description, category, severity, complexity, state, sector, agency, analytic,
     team, first, last, due, warning, clock, answered, closed, seconds, on_time, resolution,
     confidential) = row[:BASE_COLUMNS]
    assignee = f"{first or ''} {last or ''}".strip() or None
    return (number, received, request_type, channel, client, customer, contract, name, email,
            subject, description, category, severity, complexity, state, sector, agency,
            analytic, team, assignee, due, _urgency(due, warning, clock, now, urgency),
            answered, closed, seconds / 86400 if seconds is not None else None,
            None if on_time is None else (yes if on_time else no), resolution,
            yes if confidential else no, *row[BASE_COLUMNS:])


def _urgency(due, warning, clock, now, labels):
    if clock == CLOCK_STOPPED or due is None:
        return None
    if clock == CLOCK_PAUSED:
        return labels[PAUSED]
    if now > due:
        return labels[OVERDUE]
    if warning is not None and now >= warning:
        return labels[DUE_SOON]
    return labels[ON_TRACK]
