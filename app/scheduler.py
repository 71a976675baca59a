"""The scheduler: APScheduler 3 running the jobs of app/jobs.py at their intervals.

One process runs it: `flask --app run scheduler run`, or embedded in the single process
that `make run` starts (gunicorn.conf.py). Never under TESTING, never once per gunicorn
worker of a multi-worker deployment (STACK.md); the jobs stay safe if it happens anyway.
"""

import logging
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from app.jobs import JOBS, backup_daily, timed

logger = logging.getLogger(__name__)


def build(app, blocking: bool):
    """A scheduler with every job at its configured interval, first run right away."""
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300})
    for name, (job, interval_key) in JOBS.items():
        scheduler.add_job(timed, "interval", args=[app, name, job], id=name, name=name,
                          seconds=int(app.config[interval_key]), next_run_time=datetime.now())
    if app.config.get("BACKUP_SCHEDULE"):  # off by default
        hour, minute = backup_time(app.config["BACKUP_SCHEDULE"])
        scheduler.add_job(timed, "cron", args=[app, "backup", backup_daily], id="backup",
                          name="backup",
                          hour=hour, minute=minute)
    return scheduler


def backup_time(value: str) -> tuple[int, int]:
    """``"HH:MM"`` → (hour, minute); anything else is refused at start, not at 2 a.m."""
    try:
        hour, minute = (int(part) for part in value.strip().split(":"))
    except ValueError:
        hour = minute = -1
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise RuntimeError(f"BACKUP_SCHEDULE must be a time of day such as 02:30, "
                           f"not {value!r}")
    return hour, minute


def start_embedded(app):
    """Start in the background of a web process (make run); returns the scheduler."""
    if app.config.get("TESTING"):
        raise RuntimeError("the scheduler never runs under TESTING")
    scheduler = build(app, blocking=False)
    scheduler.start()
    logger.info("embedded scheduler started: %s", ", ".join(JOBS))
    return scheduler
