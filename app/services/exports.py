"""Excel exports of complaint lists and of reports.

A complaint export streams the list's own query (its filters and sort, restricted by the
reader's visibility) from a read-only connection with a server-side cursor, straight into
a constant-memory workbook on disk. The read-only connection takes no write lock on
SQLite (app/database.py), so a long export never stalls the people working meanwhile.
"""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.domain.urgency import DUE_SOON, ON_TRACK, OVERDUE, PAUSED
from app.models import (
    Agency,
    AppUser,
    Category,
    Channel,
    Client,
    Complaint,
    Complexity,
    Contract,
    RequestType,
    ResolutionType,
    Sector,
    Severity,
    State,
    Team,
)
from app.services import custom_field_export, export_writer, xlsx
from app.services.xlsx import DATE, DATETIME, INTEGER, LABEL, NUMBER, PERCENT, TEXT

STREAM_BATCH = 2000

# (header, kind, width) in the order of the values ``export_writer.complaint_values``
# returns; extra columns (selected after the base ones) are appended here and written as
# they come.
COMPLAINT_COLUMNS = [
    (_l("Tracking number"), TEXT, 17), (_l("Received at"), DATETIME, None),
    (_l("Request type"), LABEL, 14), (_l("Channel"), LABEL, 14), (_l("Client"), TEXT, 28),
    (_l("Customer number"), TEXT, 14), (_l("Contract"), TEXT, 14),
    (_l("Complainant name"), TEXT, 22), (_l("Complainant email"), TEXT, 26),
    (_l("Subject"), TEXT, 36), (_l("Description"), TEXT, 50), (_l("Category"), LABEL, 20),
    (_l("Severity"), LABEL, 16), (_l("Complexity level"), LABEL, 12), (_l("State"), LABEL, 18),
    (_l("Sector"), LABEL, 16), (_l("Agency"), LABEL, 16), (_l("Analytic code"), LABEL, 12),
    (_l("Team"), LABEL, 16), (_l("Assignee"), LABEL, 20), (_l("Deadline"), DATETIME, None),
    (_l("Urgency"), LABEL, 12), (_l("Answered at"), DATETIME, None),
    (_l("Closed at"), DATETIME, None), (_l("Processing time (days)"), NUMBER, 12),
    (_l("Answered on time"), LABEL, 10), (_l("Resolution type"), LABEL, 18),
    (_l("Confidential"), LABEL, 10),
]
URGENCY = {OVERDUE: _l("Overdue"), DUE_SOON: _l("Due soon"), ON_TRACK: _l("On track"),
           PAUSED: _l("Clock paused")}


def complaints_statement(base, scope, language: str = "fr"):
    """The export's SELECT: ``base`` (a SELECT of complaints carrying the list's filters
    and order) restricted by ``scope``, with every exported column joined in."""
    refs = {name: aliased(model) for name, model in (
        ("request_type", RequestType), ("channel", Channel), ("category", Category),
        ("severity", Severity), ("complexity", Complexity), ("state", State),
        ("sector", Sector), ("agency", Agency), ("resolution_type", ResolutionType))}
    label = "label_en" if language == "en" else "label_fr"
    client, contract = aliased(Client), aliased(Contract)
    team, assignee = aliased(Team), aliased(AppUser)
    team_name = func.coalesce(team.name_en, team.name) if language == "en" else team.name
    c = Complaint
    stmt = base.with_only_columns(
        c.tracking_number, c.received_at, getattr(refs["request_type"], label),
        getattr(refs["channel"], label), client.name, client.customer_number,
        contract.number, c.complainant_name, c.complainant_email, c.subject, c.description,
        getattr(refs["category"], label), getattr(refs["severity"], label),
        getattr(refs["complexity"], label), getattr(refs["state"], label),
        getattr(refs["sector"], label), getattr(refs["agency"], label), c.analytic_code,
        team_name, assignee.first_name, assignee.last_name, c.due_at, c.warning_at, c.clock,
        c.answered_at, c.closed_at, c.processing_seconds, c.answered_on_time,
        getattr(refs["resolution_type"], label), c.confidential,
        maintain_column_froms=False).select_from(c)
    for name, ref in refs.items():
        stmt = stmt.outerjoin(ref, ref.id == getattr(c, f"{name}_id"))
    stmt = (stmt.outerjoin(client, client.id == c.client_id)
            .outerjoin(contract, contract.id == c.contract_id)
            .outerjoin(team, team.id == c.team_id)
            .outerjoin(assignee, assignee.id == c.assignee_id))
    return stmt.where(scope) if scope is not None else stmt


def complaints_filename(now: datetime) -> str:
    return str(_l("complaints-%(stamp)s.xlsx", stamp=f"{now:%Y%m%d-%H%M}"))


def count_rows(connection, stmt) -> int:
    """How many rows ``stmt`` returns."""
    return connection.scalar(select(func.count()).select_from(
        stmt.order_by(None).subquery()))


def read_only(engine):
    """A connection for a long read: a deferred transaction on SQLite (no write lock), a
    server-side cursor on PostgreSQL."""
    return engine.connect().execution_options(read_only=True, stream_results=True,
                                              yield_per=STREAM_BATCH)


def complaint_sheet(language: str = "fr", time_zone: str = "UTC") -> dict:
    """The translated texts of a complaint workbook as plain data (for
    ``export_writer.write_complaint_rows``), in the current locale."""
    labels = {code: str(text) for code, text in URGENCY.items()}
    labels.update(yes=str(_l("Yes")), no=str(_l("No")))
    return {"name": str(_l("Complaints")), "language": language, "time_zone": time_zone,
            "columns": [[str(header), kind, width] for header, kind, width in COMPLAINT_COLUMNS],
            "labels": labels}


def write_complaints(connection, stmt, path, now: datetime, language: str = "fr",
                     time_zone: str = "UTC", progress=None) -> int:
    """Stream the rows of ``stmt`` (from ``complaints_statement``) into a workbook at
    ``path``; ``progress(rows)`` is called every few thousand rows. Returns the count."""
    stmt, sheet = with_custom_fields(connection, stmt, language, time_zone)
    return export_writer.write_complaint_rows(connection.execute(stmt), path, sheet, now,
                                              progress)


def with_custom_fields(connection, stmt, language: str = "fr", time_zone: str = "UTC"):
    """``stmt`` with a column per custom field marked "in the export", and the workbook's
    texts (``complaint_sheet``) with their headers, in the current locale. The values come
    out of the SELECT ready to write, so the lean worker needs no field definitions."""
    extra = custom_field_export.export_columns(connection, language, str(_l("Yes")),
                                               str(_l("No")))
    sheet = complaint_sheet(language, time_zone)
    sheet["columns"] += [[str(header), kind, width] for header, kind, width in extra.columns]
    return extra.extend(stmt), sheet


REPORT_COLUMNS = [
    (_l("Received in the period"), INTEGER, 13), (_l("Answered in the period"), INTEGER, 13),
    (_l("Still open"), INTEGER, 11), (_l("Answered on time"), INTEGER, 14),
    (_l("On-time rate"), PERCENT, 12), (_l("Median processing time (days)"), NUMBER, 16),
    (_l("Mean processing time (days)"), NUMBER, 16), (_l("Overdue now"), INTEGER, 12),
    (_l("Satisfaction answers"), INTEGER, 13), (_l("Satisfaction rate"), PERCENT, 12),
    (_l("Mean rating"), NUMBER, 10),
]


def write_report(report, path, group_header: str, language: str = "fr",
                 time_zone: str = "UTC") -> None:
    """The report's table (one row per group, then the total) and its parameters."""
    workbook = xlsx.open_workbook(path)
    first = (group_header, DATE if report.by_time else TEXT, 16 if report.by_time else 30)
    sheet = xlsx.Sheet(workbook, str(_l("Report"))[:31], [first, *REPORT_COLUMNS],
                       language, time_zone)
    for row in report.rows:
        sheet.append(_report_values(row.label, row))
    sheet.finish()
    total = _report_values(str(_l("Total")), report.total)
    sheet.write_footer(total if not report.by_time else (None, *total[1:]))
    if report.by_time:
        sheet.sheet.write_string(sheet.row + 1, 0, str(_l("Total")), sheet.bold)
    about = xlsx.Sheet(workbook, str(_l("Parameters"))[:31],
                       [(_l("Parameter"), TEXT, 24), (_l("Value"), DATE, 14)],
                       language, time_zone)
    about.append((str(_l("From")), report.start))
    about.append((str(_l("To")), report.end - timedelta(days=1)))
    workbook.close()


def _report_values(label, row):
    days = [None if s is None else s / 86400 for s in (row.median_seconds, row.mean_seconds)]
    pct = None if row.on_time_pct is None else row.on_time / row.answered
    satisfied = None if row.satisfaction_pct is None else row.satisfied / row.surveyed
    return (label, row.received, row.answered, row.still_open, row.on_time, pct, *days,
            row.overdue, row.surveyed, satisfied, row.mean_rating)

