"""``GET /health``: is the application up, does its database answer, and has the scheduler
run recently (any job finished within SCHEDULER_LATE_SECONDS)?

A late scheduler does not make the host unhealthy (503 is for the database): a load
balancer must not take web hosts out because the scheduler process stopped. Monitoring
reads ``scheduler``: "ok", "late" or "never".
"""

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    from app.services import operations
    from app.services.clock import utcnow

    try:
        db.session.execute(text("SELECT 1"))
        scheduler = operations.scheduler_state(db.session, utcnow(),
                                               current_app.config["SCHEDULER_LATE_SECONDS"])
    except SQLAlchemyError as exc:
        db.session.rollback()
        logger.warning("health check: database unavailable: %s", exc)
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
        return jsonify(status="error", database="unavailable", reason=reason), 503
    finally:
        db.session.remove()
    last = scheduler["last_run"]
    return jsonify(status="ok", database="ok", scheduler=scheduler["status"],
                   scheduler_last_run=last.isoformat(timespec="seconds") + "Z" if last else None)
