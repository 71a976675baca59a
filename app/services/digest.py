"""The supervisors' daily digest: what is overdue, due soon and unassigned, by email,
once per supervisor and local day (the key ``digest:<user>:<day>`` makes it so, however
many schedulers run), sent from the configured hour on; a scheduler that was down at that
hour sends it when it comes back, the same day."""

import logging
from datetime import UTC
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.domain.numbers import count
from app.models import Complaint, OutboundEmail
from app.services import dashboard, outbox, staff, trends
from app.services.context import surroundings_of
from app.services.notifications import LANGUAGES
from app.services.settings import get_setting
from app.services.visibility import reader_of, visible_condition

logger = logging.getLogger(__name__)

LIST_LIMIT = 10


def send_daily_digests(session, now) -> int:
    """Queue today's digest for every supervisor who has not had it yet; commit; return
    how many were queued. Nothing before the digest hour, nothing for an empty digest."""
    local = now.replace(tzinfo=UTC).astimezone(ZoneInfo(get_setting(session, "time_zone")))
    if local.hour < int(get_setting(session, "digest_hour")):
        return 0
    day = local.date()
    queued = 0
    for user in staff.supervisors(session):
        key = f"digest:{user.id}:{day.isoformat()}"
        if not user.email or session.scalar(
                select(OutboundEmail.id).where(OutboundEmail.dedupe_key == key)):
            continue
        scope = visible_condition(reader_of(user))
        figures = digest_figures(session, scope, now)
        figures["trends"] = trends.shown_trends(session, scope, day)
        if not (figures["overdue"] or figures["due_soon"] or figures["unassigned"]
                or figures["trends"]):
            continue
        if _queue_digest(session, user, figures, day, key, now) is not None:
            queued += 1
    session.commit()
    if queued:
        logger.info("daily digests queued: %s", queued)
    return queued


def digest_figures(session, scope, now) -> dict:
    """Counts and the first few complaints of each list, within ``scope``."""
    overdue, due_soon = dashboard.count_urgent(session, now, scope)
    urgent = dashboard.urgent(session, now, scope, limit=2 * LIST_LIMIT)
    open_unassigned = (Complaint.closed_at.is_(None), Complaint.assignee_id.is_(None), scope)
    unassigned = session.scalar(select(func.count()).where(*open_unassigned)) or 0
    waiting = session.scalars(select(Complaint).where(*open_unassigned)
                              .order_by(Complaint.received_at, Complaint.id)
                              .limit(LIST_LIMIT)).all()
    return {
        "overdue": overdue, "due_soon": due_soon, "unassigned": unassigned,
        "overdue_list": [_line(c) for c in urgent if c.due_at < now][:LIST_LIMIT],
        "due_soon_list": [_line(c) for c in urgent if c.due_at >= now][:LIST_LIMIT],
        "unassigned_list": [_line(c) for c in waiting],
    }


def _line(complaint) -> dict:
    """What a digest says of one complaint: no subject when it is confidential."""
    return {"number": complaint.tracking_number, "due_at": complaint.due_at,
            "received_at": complaint.received_at,
            "subject": None if complaint.confidential else (complaint.subject or "")}


def _queue_digest(session, user, figures, day, key, now):
    language = user.language if user.language in LANGUAGES else "fr"
    context = {**figures, "user": user, "day": day,
               "organisation": get_setting(session, "organisation_name")}
    render = surroundings_of(session).render
    with force_locale(language):
        subject = _("Daily digest: %(overdue)s overdue, %(soon)s due soon, "
                    "%(unassigned)s unassigned", overdue=count(figures["overdue"], language),
                    soon=count(figures["due_soon"], language),
                    unassigned=count(figures["unassigned"], language))
        for trend in context["trends"]:
            trend["label"] = trends.describe(trend, language)
        text = render("emails/digest.txt", **context)
        html = render("emails/digest.html", **context)
    return outbox.queue_email(session, user.email, subject, text, html=html,
                              language=language, dedupe_key=key, now=now)
