"""Rapports: a period × a grouping, as a table, a chart and an Excel workbook."""

import json
from datetime import date, timedelta

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.domain.dates import DateOutOfRange
from app.domain.periods import period_bounds
from app.domain.reports import GROUPINGS
from app.extensions import db
from app.i18n import current_language
from app.read_only import read_only
from app.reader import visible_condition
from app.services import custom_field_reports, exports, reports
from app.services.clock import to_local, utcnow
from app.services.exceptions import DATE_OUT_OF_RANGE, ServiceError
from app.services.settings import get_setting
from app.views.durations import duration
from app.views.exports import send_workbook, temporary_workbook

PERIODS = {"day": _l("Day"), "week": _l("Week"), "month": _l("Month"),
           "quarter": _l("Quarter"), "year": _l("Year"), "custom": _l("Custom")}
WHICH = {"current": _l("Current period"), "previous": _l("Previous period")}
# One-click periods above the form: (period, which, label).
PRESETS = [("month", "current", _l("This month")), ("month", "previous", _l("Last month")),
           ("quarter", "current", _l("This quarter")),
           ("quarter", "previous", _l("Last quarter")),
           ("year", "current", _l("This year")), ("year", "previous", _l("Last year"))]
GROUPING_LABELS = {
    "sector": _l("Sector"), "agency": _l("Agency"), "analytic_code": _l("Analytic code"),
    "category": _l("Category"), "severity": _l("Severity"), "channel": _l("Channel"),
    "request_type": _l("Request type"), "team": _l("Team"), "assignee": _l("Assignee"),
    "state": _l("State"), "day": _l("Day"), "week": _l("Week"), "month": _l("Month"),
}
assert set(GROUPING_LABELS) == set(GROUPINGS)


class ReportError(ValueError):
    """Unusable report parameters; ``str()`` is the translated message."""


def report_params(args, today: date, groupings=None) -> dict:
    """Period kind, current/previous, custom dates and grouping from the URL arguments,
    validated, with the period's ``start`` and exclusive ``end``."""
    kind = args.get("period", "month")
    which = args.get("which", "current")
    grouping = args.get("group", "agency")
    if kind not in PERIODS:
        raise ReportError(_("Unknown period “%(name)s”.", name=kind))
    if which not in WHICH:
        raise ReportError(_("Unknown period “%(name)s”.", name=which))
    if grouping not in (groupings or GROUPING_LABELS):
        raise ReportError(_("Unknown grouping “%(name)s”.", name=grouping))
    params = {"period": kind, "which": which, "group": grouping,
              "from": args.get("from", ""), "to": args.get("to", "")}
    if kind == "custom":
        try:
            first, last = (date.fromisoformat(params[k].strip()) for k in ("from", "to"))
        except ValueError:
            raise ReportError(_("Enter the custom period's dates as YYYY-MM-DD.")) from None
        if first > last:
            raise ReportError(_("The start of the period must come before its end."))
        try:
            params["start"], params["end"] = period_bounds(kind, today, first, last)
        except DateOutOfRange:
            raise ReportError(str(DATE_OUT_OF_RANGE)) from None
        return params
    reference = today
    if which == "previous":
        reference = period_bounds(kind, today)[0] - timedelta(days=1)
    params["start"], params["end"] = period_bounds(kind, reference)
    return params


class ReportView(BaseView):
    route_base = "/reports"
    default_view = "index"

    @read_only
    @expose("/")
    @has_access
    def index(self):
        today = to_local(utcnow(), self._time_zone()).date()
        report, error = None, None
        groupings = _groupings()
        try:
            params = report_params(request.args, today, groupings)
            report = self._build(params)
        except (ReportError, ServiceError) as exc:
            error, params = str(exc), _defaults(request.args)
        return self.render_template(
            "reports.html", title=_l("Reports"), report=report, error=error, params=params,
            periods=PERIODS, which_labels=WHICH, groupings=groupings, presets=PRESETS,
            duration=duration, label=_label,
            last_day=report.end - timedelta(days=1) if report else None,
            chart_json=json.dumps(_chart(report)) if report else "{}",
            export_args=request.query_string.decode())

    @expose("/export")
    @has_access
    def export(self):
        """The report of the same arguments as a workbook (a few hundred rows at most)."""
        today = to_local(utcnow(), self._time_zone()).date()
        groupings = _groupings()
        try:
            params = report_params(request.args, today, groupings)
            report = self._build(params)
        except (ReportError, ServiceError) as exc:
            flash(str(exc), "danger")
            return redirect(url_for("ReportView.index"))
        path = temporary_workbook()
        exports.write_report(report, path, str(groupings[report.grouping]),
                             current_language(), self._time_zone())
        name = _("report-%(group)s-%(start)s.xlsx", group=params["group"],
                 start=report.start.isoformat())
        return send_workbook(path, name)

    def _build(self, params):
        return reports.build_report(
            db.session, params["group"], params["start"], params["end"], utcnow(),
            visible_condition(), self._time_zone(), current_language())

    def _time_zone(self):
        return get_setting(db.session, "time_zone")


def _groupings() -> dict:
    """The built-in groupings, then the custom fields a report can group by."""
    return {**GROUPING_LABELS, **custom_field_reports.groupings(db.session)}


def _defaults(args):
    return {"period": args.get("period") if args.get("period") in PERIODS else "month",
            "which": "current", "group": args.get("group") if args.get("group") in GROUPINGS
            else "agency", "from": args.get("from", ""), "to": args.get("to", "")}


def _label(report, row) -> str:
    if not report.by_time:
        return row.label
    if report.grouping == "month":
        return format_date(row.key, "MMM yyyy")
    if report.grouping == "week":
        return _("Week of %(day)s", day=format_date(row.key, "short"))
    return format_date(row.key, "EEE d MMM")


def _chart(report) -> dict:
    """Chart.js data: received and answered as bars, the on-time rate as a line."""
    return {
        "labels": [_label(report, row) for row in report.rows],
        "datasets": [
            {"type": "bar", "label": _("Received in the period"), "yAxisID": "y",
             "data": [row.received for row in report.rows]},
            {"type": "bar", "label": _("Answered in the period"), "yAxisID": "y",
             "data": [row.answered for row in report.rows]},
            {"type": "line", "label": _("On-time rate (%)"), "yAxisID": "pct",
             "data": [row.on_time_pct for row in report.rows]},
        ],
    }
