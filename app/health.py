"""``GET /health``: is the application up and does its database answer?"""

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

logger = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        logger.warning("health check: database unavailable: %s", exc)
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
        return jsonify(status="error", database="unavailable", reason=reason), 503
    finally:
        db.session.remove()
    return jsonify(status="ok", database="ok")
