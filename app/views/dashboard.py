"""Tableau de bord: the home page after login."""

import json
from datetime import date, timedelta

from flask import g, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.domain.dates import DateOutOfRange
from app.domain.periods import period_bounds
from app.extensions import db
from app.i18n import current_language
from app.read_only import read_only
from app.reader import current_reader, visible_condition
from app.services import dashboard, trends
from app.services.clock import to_local, utcnow
from app.services.exceptions import DATE_OUT_OF_RANGE
from app.services.settings import get_setting
from app.services.visibility import scope_parts
from app.views.durations import duration
from app.views.filters import URGENT
from app.views.formatting import URGENCY_LABELS
from app.views.labels import COMPLAINT_LABELS

PERIOD_LABELS = {
    "week": _l("This week"),
    "month": _l("This month"),
    "quarter": _l("This quarter"),
    "year": _l("This year"),
    "custom": _l("Custom"),
}


class DashboardView(BaseView):
    route_base = "/dashboard"
    default_view = "index"

    @read_only
    @expose("/")
    @has_access
    def index(self):
        now = utcnow()
        today = to_local(now).date()
        kind, start, end, error = _period_from_args(today)
        session, scope, reader = db.session, visible_condition(), current_reader()
        time_zone, share = get_setting(session, "time_zone"), dashboard.share_of(reader)
        overdue, due_soon = dashboard.count_urgent(session, now, scope)
        urgent_page, urgent_pages = _urgent_page(overdue + due_soon)
        trend = dashboard.trend_by_category(session, today, 12, scope, time_zone, share,
                                            None if reader.sees_all else scope_parts(reader))
        return self.render_template(
            "dashboard.html",
            title=_l("Dashboard"),
            now=now,
            open_by_state=dashboard.open_by_state(session, scope),
            urgent=dashboard.urgent(session, now, scope,
                                    offset=urgent_page * dashboard.URGENT_LIMIT),
            urgent_page=urgent_page, urgent_pages=urgent_pages,
            urgent_list=_urgent_list,
            overdue_count=overdue,
            due_soon_count=due_soon,
            mine=dashboard.my_complaints(session, g.user.id, scope),
            reminders=dashboard.my_overdue_reminders(session, g.user.id, now, scope),
            kpis=dashboard.kpis(session, start, end, scope, time_zone, share),
            chart_json=json.dumps(_chart(trend)),
            period=kind, period_labels=PERIOD_LABELS, start=start, end=end,
            last_day=end - timedelta(days=1),
            period_error=error, labels=COMPLAINT_LABELS, urgency_labels=URGENCY_LABELS,
            duration=duration,
            trends=_trends(session, scope, reader, today),
        )


def _trends(session, scope, reader, today) -> list[dict]:
    """The emerging trends the reader sees, each with a link to its complaints this week:
    for supervisors and admins (those who see the whole register)."""
    if not reader.sees_all:
        return []
    shown = trends.shown_trends(session, scope, today)
    for trend in shown:
        trend["label"] = trends.describe(trend, current_language())
        trend["url"] = trend_url(trend)
    return shown


def trend_url(trend: dict) -> str:
    """The complaint list filtered on the trend's value, received since its week began."""
    since = trend["since"].strftime("%Y-%m-%d %H:%M:%S")
    if trend["dimension"] in trends.DIMENSIONS:
        return url_for("ComplaintView.list", **{
            f"_flt_0_{trend['dimension']}": trend["value"], "_flt_1_received_at": since})
    if trend["dimension"] in trends.PAIRS:
        filters = {f"_flt_0_{part}": value for part, value in zip(
            trends.PAIRS[trend["dimension"]], trend["value"].split(trends.PAIR_MARK),
            strict=True)}
        return url_for("ComplaintView.list", **filters, _flt_1_received_at=since)
    field, _choice = trend["subject"]
    return url_for("ComplaintView.list", **{f"cf_{field.key}": trend["value"],
                                            "_flt_1_received_at": since})


def _urgent_page(total: int) -> tuple[int, int]:
    """(page shown, number of pages) of the urgent panel, from ?urgent_page= (from 0)."""
    pages = max(1, -(-total // dashboard.URGENT_LIMIT))
    raw = request.args.get("urgent_page", "")
    page = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 0
    return min(page, pages - 1), pages


def _urgent_list(code: str = URGENT) -> str:
    """The complaint list filtered as the panel (or one of its counts), in its order."""
    return url_for("ComplaintView.list", _flt_0_urgency=code,
                   _oc_ComplaintView="due_at", _od_ComplaintView="asc")


def _period_from_args(today: date):
    """(kind, start, end exclusive, error message or None) from ?period=&start=&end=."""
    kind = request.args.get("period", "month")
    if kind not in PERIOD_LABELS:
        kind = "month"
    if kind != "custom":
        start, end = period_bounds(kind, today)
        return kind, start, end, None
    try:
        start = date.fromisoformat(request.args.get("start", ""))
        end = date.fromisoformat(request.args.get("end", ""))
    except ValueError:
        start, end = period_bounds("month", today)
        return "month", start, end, _l("Enter the custom period's dates as YYYY-MM-DD.")
    try:
        start, end = period_bounds("custom", today, start, end)
    except DateOutOfRange:
        start, end = period_bounds("month", today)
        return "month", start, end, DATE_OUT_OF_RANGE
    return kind, start, end, None


def _chart(trend) -> dict:
    """Chart.js data: one dataset per category, one point per month."""
    return {
        "labels": [format_date(month, "MMM yyyy") for month in trend["months"]],
        "datasets": [{"label": str(category) if category else _("Uncategorised"),
                      "data": counts} for category, counts in trend["series"]],
    }
