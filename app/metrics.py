"""``GET /metrics``: Prometheus' text format, for admins or ``Authorization: Bearer
<METRICS_TOKEN>``.

Requests (by route, the URL rule and not the raw path, method and status) and their
latency are counted by each process: with several gunicorn workers each scrape reaches one
worker and shows its own counts (a scrape reaches one worker; run one worker per host, or
read these as samples). Everything else is read from the database at the scrape, so every
worker and host answers the same: the outbox, queued exports, each scheduler job's last run.
"""

import hmac
import time

from flask import Blueprint, Response, current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from app.extensions import db

bp = Blueprint("metrics", __name__)

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """One application's registry and request metrics (a process may build several apps)."""

    def __init__(self, app):
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "reclamations_http_requests", "HTTP requests answered, by route and status.",
            ["route", "method", "status"], registry=self.registry).labels
        self.latency = Histogram(
            "reclamations_http_request_duration_seconds", "Time to answer, by route.",
            ["route"], buckets=LATENCY_BUCKETS, registry=self.registry).labels
        self.registry.register(DatabaseCollector())


class DatabaseCollector:
    """Gauges read from the database at each scrape."""

    def collect(self):
        from app.services import operations

        # Called by the scrape's request: its session (and, on SQLite, its transaction).
        outbox = operations.outbox_counts(db.session)
        queued = operations.exports_queued(db.session)
        runs = operations.last_runs(db.session)
        emails = GaugeMetricFamily("reclamations_outbox_emails",
                                   "Emails of the outbox, pending or failed.",
                                   labels=["status"])
        for status, count in outbox.items():
            emails.add_metric([status], count)
        yield emails
        yield GaugeMetricFamily("reclamations_exports_queued",
                                "Background exports waiting to be written.", value=queued)
        last = GaugeMetricFamily("reclamations_job_last_run_timestamp_seconds",
                                 "When each scheduler job last finished (Unix time).",
                                 labels=["job"])
        duration = GaugeMetricFamily("reclamations_job_last_duration_seconds",
                                     "How long each scheduler job's last run took.",
                                     labels=["job"])
        ok = GaugeMetricFamily("reclamations_job_last_run_succeeded",
                               "1 when the job's last run succeeded, else 0.", labels=["job"])
        for run in runs:
            last.add_metric([run.name], _timestamp(run.finished_at))
            duration.add_metric([run.name], run.duration_seconds)
            ok.add_metric([run.name], 1 if run.succeeded else 0)
        yield from (last, duration, ok)


def _timestamp(naive_utc) -> float:
    from datetime import UTC

    return naive_utc.replace(tzinfo=UTC).timestamp()


def register_metrics(app) -> None:
    metrics = app.extensions["reclamations_metrics"] = Metrics(app)

    def start():
        g.metrics_started = time.perf_counter()

    def count(response):
        started = g.pop("metrics_started", None)
        if started is not None:
            route = request.url_rule.rule if request.url_rule is not None else "unmatched"
            metrics.requests(route, request.method, str(response.status_code)).inc()
            metrics.latency(route).observe(time.perf_counter() - started)
        return response

    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request(count)
    app.register_blueprint(bp)


@bp.get("/metrics")
def metrics():
    refusal = _refusal()
    if refusal is not None:
        return refusal
    registry = current_app.extensions["reclamations_metrics"].registry
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def _refusal():
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if given.startswith("Bearer "):
        if token and hmac.compare_digest(given[len("Bearer "):].encode(), token.encode()):
            return None
        return _plain(401, _("Wrong metrics token."))
    if not current_user.is_authenticated:
        return _plain(401, _("Sign in as an admin or send the metrics token "
                                "(Authorization: Bearer …)."))
    admin = current_app.config["AUTH_ROLE_ADMIN"]
    if not any(role.name == admin for role in current_user.roles):
        return _plain(403, _("Metrics are for admins."))
    return None


def _plain(status, text):
    response = Response(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response
