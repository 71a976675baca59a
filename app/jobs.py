"""Scheduler jobs: an application context, a session, one service call. Every job is safe
to run twice at once (claims and unique keys live in the database), so two scheduler
processes, or a restart in the middle of a pass, never send anything twice."""

import logging

from flask import current_app

from app.extensions import db

logger = logging.getLogger(__name__)


def deliver_outbox(app=None) -> dict:
    """Send the due emails of the outbox."""
    from app.mailer import mailer_from_config
    from app.services import outbox

    with (app or current_app).app_context():
        cfg = current_app.config
        try:
            return outbox.deliver_pending(db.session, mailer_from_config(cfg),
                                          max_attempts=cfg["OUTBOX_MAX_ATTEMPTS"])
        finally:
            db.session.remove()


def deliver_sms(app=None) -> dict:
    """Send the due SMS of the SMS outbox through the provider of Configuration → SMS."""
    from app.services import sms_outbox, sms_settings

    with (app or current_app).app_context():
        cfg = current_app.config
        try:
            provider = sms_settings.provider_from(sms_settings.load(db.session),
                                                  cfg["SMS_TIMEOUT"])
            return sms_outbox.deliver_pending(db.session, provider,
                                              max_attempts=cfg["OUTBOX_MAX_ATTEMPTS"])
        finally:
            db.session.remove()


def scan_reminders(app=None) -> dict:
    """Alert the users whose reminders are due (on screen and by email), once."""
    from app.services import alerts
    from app.services.clock import utcnow

    with (app or current_app).app_context():
        try:
            return alerts.scan_due_reminders(db.session, utcnow())
        finally:
            db.session.remove()


def scan_rules(app=None) -> dict:
    """Apply the notification rules (deadline approaching, overdue, no action, …), once."""
    from app.services import alert_rules
    from app.services.clock import utcnow

    with (app or current_app).app_context():
        try:
            return alert_rules.scan_rules(db.session, utcnow())
        finally:
            db.session.remove()


def send_digests(app=None) -> dict:
    """Queue the supervisors' daily digest, once a day each, from the digest hour on."""
    from app.services import digest
    from app.services.clock import utcnow

    with (app or current_app).app_context():
        try:
            return {"digests": digest.send_daily_digests(db.session, utcnow())}
        finally:
            db.session.remove()


def run_exports(app=None) -> dict:
    """Write the pending background Excel exports (one at a time), and delete those kept
    past EXPORT_KEEP_DAYS."""
    from pathlib import Path

    from app.services import export_jobs
    from app.services.clock import utcnow

    with (app or current_app).app_context():
        cfg = current_app.config
        try:
            removed = export_jobs.remove_expired(db.session, utcnow(), cfg["EXPORT_KEEP_DAYS"])
            done = []
            while (job_id := export_jobs.run_next(
                    db.session, db.engine, Path(cfg["FILE_STORAGE_PATH"]) / "exports",
                    storage=cfg.get("FILE_STORAGE") or "local")) is not None:
                done.append(job_id)
            return {"exports": len(done), "removed": removed}
        finally:
            db.session.remove()


def run_imports(app=None) -> dict:
    """Run the imports queued by Configuration → Import, one after the other."""
    from app.services import import_jobs

    with (app or current_app).app_context():
        try:
            done = []
            while (run_id := import_jobs.run_next(db.session)) is not None:
                done.append(run_id)
            return {"imports": len(done)}
        finally:
            db.session.remove()


def register_submissions(app=None) -> dict:
    """Register the complaints accepted by the public API as complaints."""
    from app.services import submissions

    with (app or current_app).app_context():
        try:
            return submissions.register_submissions(db.session)
        finally:
            db.session.remove()


def apply_retention(app=None) -> dict:
    """Anonymise the closed complaints past their request type's retention, in batches."""
    from app.services import retention

    with (app or current_app).app_context():
        cfg = current_app.config
        try:
            return retention.run_retention(db.session, cfg, batch=cfg["RETENTION_BATCH"])
        finally:
            db.session.remove()


def poll_mailboxes(app=None) -> dict:
    """Read the active IMAP mailboxes whose turn has come (a failing one waits longer)."""
    from app.services import mailboxes

    with (app or current_app).app_context():
        try:
            return mailboxes.poll_due_mailboxes(db.session, current_app.config)
        finally:
            db.session.remove()


def flag_trends(app=None) -> dict:
    """Flag the emerging trends of the local day, once a day (docs/trends.md)."""
    from app.services import trends
    from app.services.clock import to_local, utcnow
    from app.services.settings import get_setting

    with (app or current_app).app_context():
        try:
            today = to_local(utcnow(), get_setting(db.session, "time_zone")).date()
            return trends.flag_trends(db.session, today)
        finally:
            db.session.remove()


def backup_daily(app=None) -> dict:
    """Write today's archive in BACKUP_DIR unless one exists, keep the BACKUP_KEEP newest."""
    from app.services import backup
    from app.services.clock import utcnow

    with (app or current_app).app_context():
        cfg, now = current_app.config, utcnow()
        try:
            if not backup.backup_due(cfg["BACKUP_DIR"], now.date()):
                return {"backup": None, "removed": []}
            path = backup.write_backup(db.engine, sorted(db.metadata.tables),
                                       cfg["FILE_STORAGE_PATH"], cfg["BACKUP_DIR"],
                                       version=backup.product_version(),
                                       file_storage=cfg["FILE_STORAGE"], now=now)
            return {"backup": path.name, "removed": backup.rotate(path.parent,
                                                                  cfg["BACKUP_KEEP"])}
        finally:
            db.session.remove()


def train_classifier(app=None) -> dict:
    """Retrain the suggested classification on the classified complaints."""
    from app.services import classification
    from app.services.clock import utcnow

    with (app or current_app).app_context():
        try:
            model = classification.train_model(db.session, utcnow())
            return {"trained": 0 if model is None else model.samples}
        finally:
            db.session.remove()


# name -> (function, configuration key of its interval in seconds)
JOBS = {
    # Submissions and alerts first: the emails they queue leave in the same run-once.
    "submissions": (register_submissions, "SCHEDULER_INTAKE_SECONDS"),
    "mailboxes": (poll_mailboxes, "SCHEDULER_MAILBOX_SECONDS"),
    "reminders": (scan_reminders, "SCHEDULER_REMINDERS_SECONDS"),
    "rules": (scan_rules, "SCHEDULER_RULES_SECONDS"),
    "trends": (flag_trends, "SCHEDULER_TRENDS_SECONDS"),  # before the digest that shows them
    "digest": (send_digests, "SCHEDULER_DIGEST_SECONDS"),
    "outbox": (deliver_outbox, "SCHEDULER_OUTBOX_SECONDS"),
    "sms": (deliver_sms, "SCHEDULER_OUTBOX_SECONDS"),
    "exports": (run_exports, "SCHEDULER_EXPORTS_SECONDS"),
    "imports": (run_imports, "SCHEDULER_IMPORTS_SECONDS"),
    "retention": (apply_retention, "SCHEDULER_RETENTION_SECONDS"),
    "classifier": (train_classifier, "SCHEDULER_CLASSIFIER_SECONDS"),
}


def timed(app, name: str, job):
    """Run ``job(app)`` and record when it ran, how long, and whether it succeeded (the
    scheduler runs every job through this)."""
    from app.services import job_runs
    from app.services.clock import utcnow

    started, succeeded = utcnow(), False
    try:
        result = job(app)
        succeeded = True
        return result
    finally:
        with app.app_context():
            try:
                job_runs.record_run(db.session, name, started, utcnow(), succeeded)
            finally:
                db.session.remove()


def run_all_once(app) -> dict:
    """Run every job once, in order; a failing job is logged and does not stop the others."""
    results = {}
    for name, (job, _interval) in JOBS.items():
        try:
            results[name] = timed(app, name, job)
        except Exception as exc:  # noqa: BLE001 - one job's failure must not stop the rest
            logger.exception("scheduler job %s failed", name)
            results[name] = {"error": str(exc)}
    return results
