"""``GET /metrics`` (Prometheus text format) for admins or the metrics token, and
``/health`` saying whether the scheduler ran recently."""

from datetime import UTC, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import delete

from app.models import ExportJob, JobRun, OutboundEmail
from app.services.clock import utcnow
from tests import factories as f
from tests.conftest import login

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
def metrics_app(make_app):
    return make_app(METRICS_TOKEN=TOKEN)


def samples(text):
    """``{(name, frozenset(labels)): value}`` of a scrape, parsed as Prometheus would."""
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def scrape(client):
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    return samples(response.get_data(as_text=True))


def test_metrics_need_an_admin_or_the_token(metrics_app, make_app):
    anonymous = metrics_app.test_client().get("/metrics")
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = metrics_app.test_client().get("/metrics",
                                         headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert login(metrics_app.test_client(), "agent").get("/metrics").status_code == 403
    assert login(metrics_app.test_client(), "supervisor").get("/metrics").status_code == 403
    assert login(metrics_app.test_client(), "admin").get("/metrics").status_code == 200
    # Without METRICS_TOKEN no bearer token is accepted, not even an empty one.
    tokenless = make_app().test_client()
    assert tokenless.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401


def test_requests_are_counted_by_route_and_status(metrics_app):
    client = metrics_app.test_client()
    for _ in range(3):
        client.get("/health")
    client.get("/complaints/show/123456")  # a redirect to the login page: 302
    client.get("/no/such/page")
    found = scrape(client)
    assert found[("reclamations_http_requests_total", frozenset(
        {"route": "/health", "method": "GET", "status": "200"}.items()))] == 3
    assert found[("reclamations_http_requests_total", frozenset(
        {"route": "/complaints/show/<int:pk>", "method": "GET", "status": "302"}.items()))] == 1
    assert found[("reclamations_http_requests_total", frozenset(
        {"route": "unmatched", "method": "GET", "status": "404"}.items()))] == 1
    assert found[("reclamations_http_request_duration_seconds_count",
                  frozenset({"route": "/health"}.items()))] == 3
    # never the raw path: one series per rule, whatever the id
    assert not any("123456" in str(labels) for _name, labels in found)


def test_database_gauges(metrics_app, dbs):
    now = utcnow()
    pending = ("reclamations_outbox_emails", frozenset({"status": "pending"}.items()))
    failed = ("reclamations_outbox_emails", frozenset({"status": "failed"}.items()))
    queued = ("reclamations_exports_queued", frozenset())
    before = scrape(metrics_app.test_client())
    with dbs() as s:
        s.execute(delete(JobRun))
        emails = [OutboundEmail(recipient="metrics@example.org", subject="s", body_text="b",
                                status=status, next_attempt_at=now)
                  for status in ("pending", "pending", "failed", "sent")]
        export = ExportJob(status="pending", params="{}", kind="complaints",
                           user_id=f.user(s, "admin").id)
        s.add_all([*emails, export])
        s.add(JobRun(name="outbox", started_at=now - timedelta(seconds=2), finished_at=now,
                     duration_seconds=2.0, succeeded=True))
        s.commit()
        created = [e.id for e in emails], export.id
    try:
        found = scrape(metrics_app.test_client())
    finally:
        with dbs() as s:
            s.execute(delete(OutboundEmail).where(OutboundEmail.id.in_(created[0])))
            s.execute(delete(ExportJob).where(ExportJob.id == created[1]))
            s.execute(delete(JobRun))
            s.commit()
    assert found[pending] == before[pending] + 2
    assert found[failed] == before[failed] + 1
    assert found[queued] == before[queued] + 1
    job = frozenset({"job": "outbox"}.items())
    assert found[("reclamations_job_last_duration_seconds", job)] == 2.0
    assert found[("reclamations_job_last_run_succeeded", job)] == 1
    assert abs(found[("reclamations_job_last_run_timestamp_seconds", job)]
               - now.replace(tzinfo=UTC).timestamp()) < 1


def test_health_says_whether_the_scheduler_ran_recently(app, dbs):
    from app.jobs import timed

    client = app.test_client()
    with dbs() as s:
        s.execute(delete(JobRun))
        s.commit()
    assert client.get("/health").get_json()["scheduler"] == "never"

    # Every scheduler job runs through timed(), which records its run (a job of its own
    # here: the real ones would deliver and archive the shared database's emails).
    assert timed(app, "outbox", lambda _app: {"sent": 0}) == {"sent": 0}
    with pytest.raises(ZeroDivisionError):
        timed(app, "exports", lambda _app: 1 / 0)
    body = client.get("/health").get_json()
    assert body["status"] == "ok" and body["scheduler"] == "ok"
    assert body["scheduler_last_run"].endswith("Z")

    with dbs() as s:
        for run in s.query(JobRun):
            run.finished_at = utcnow() - timedelta(seconds=app.config[
                "SCHEDULER_LATE_SECONDS"] + 60)
        s.commit()
        runs = {run.name: run.succeeded for run in s.query(JobRun)}
    assert runs == {"outbox": True, "exports": False}
    late = client.get("/health")
    assert late.status_code == 200  # the web host itself is fine
    assert late.get_json()["scheduler"] == "late"
    with dbs() as s:
        s.execute(delete(JobRun))
        s.commit()
