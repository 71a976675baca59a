"""The rule scan: applies the notification rules (app/domain/alert_rules.py) to the
register, raising each alert exactly once.

Each occurrence (rule × complaint × reminder × the fact that fired) is a RuleAlert row,
inserted with ON CONFLICT DO NOTHING in the same transaction as the notifications and
emails it causes. A second scan, a second scheduler process, or a scan catching up after
a downtime finds the row and adds nothing. The candidates are read in SQL, already
alerted ones excluded by the unique key's index, so a scan with nothing new to say reads
index ranges only, even over a million complaints (bench/scan.py).
"""

import logging
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.domain import alert_rules as domain
from app.domain.deadlines import CLOCK_RUNNING
from app.models import Complaint, NotificationRule, Reminder, RuleAlert
from app.models.complaints import clock_is
from app.services import notifications, onscreen, staff
from app.services.exceptions import ServiceError
from app.services.visibility import can_see, reader_of

logger = logging.getLogger(__name__)

# Alerts raised per transaction: short write transactions, so the web requests of a
# SQLite deployment never wait long behind a scan catching up.
BATCH = 200
# Upper bound of alerts one rule raises in one scan; the next scan goes on.
MAX_PER_RULE = 5000

PROBLEM_MESSAGES = {
    domain.UNKNOWN_CONDITION: _l("Choose a condition."),
    domain.DAYS_MISSING: _l("This condition needs a number of days."),
    domain.DAYS_OUT_OF_RANGE: _l("The number of days must be between 1 and %(max)s."),
    domain.DAYS_NOT_USED: _l("This condition takes no number of days: leave it empty."),
    domain.NO_RECIPIENT: _l("Choose at least one recipient."),
    domain.NO_CHANNEL: _l("Choose at least one channel: email or on screen."),
    domain.SCREEN_NEEDS_USER: _l(
        "A fixed address can only be emailed: choose the email channel or a user recipient."),
}


def shape_of(rule: NotificationRule) -> domain.RuleShape:
    return domain.RuleShape(
        condition=rule.condition, days=rule.days, to_assignee=bool(rule.to_assignee),
        to_team_manager=bool(rule.to_team_manager), to_supervisors=bool(rule.to_supervisors),
        fixed_address=(rule.fixed_address or "").strip() or None,
        by_email=bool(rule.by_email), on_screen=bool(rule.on_screen))


def validate_rule(rule: NotificationRule) -> None:
    """Raise ``ServiceError`` with every problem of the rule, translated."""
    problems = domain.rule_problems(shape_of(rule))
    if problems:
        raise ServiceError(" ".join(
            str(PROBLEM_MESSAGES[code]) % {"max": domain.MAX_DAYS} for code in problems))


def candidates(rule: NotificationRule, now):
    """SELECT (complaint_id, reminder_id, occurrence_at) of the occurrences the rule
    has not alerted yet, oldest first."""
    condition = rule.condition
    if condition == domain.REMINDER_DUE:
        return (select(Reminder.complaint_id, Reminder.id, Reminder.remind_at)
                .where(Reminder.remind_at <= now, Reminder.done_at.is_(None),
                       ~_alerted(rule, Reminder.complaint_id, Reminder.id,
                                 Reminder.remind_at))
                .order_by(Reminder.remind_at, Reminder.id))
    if condition == domain.NO_ACTION:
        occurrence = Complaint.last_action_at
        where = [Complaint.closed_at.is_(None),
                 Complaint.last_action_at <= now - timedelta(days=rule.days)]
    else:
        occurrence = Complaint.due_at
        where = [clock_is(CLOCK_RUNNING)]
        if condition == domain.OVERDUE:
            where.append(Complaint.due_at <= now)
        elif rule.days is None:  # the deadline rule's warning window
            where += [Complaint.due_at > now, Complaint.warning_at <= now]
        else:
            where += [Complaint.due_at > now, Complaint.due_at <= now + timedelta(days=rule.days)]
    return (select(Complaint.id, literal(0), occurrence)
            .where(*where, ~_alerted(rule, Complaint.id, literal(0), occurrence))
            .order_by(occurrence, Complaint.id))


def _alerted(rule, complaint_id, reminder_id, occurrence):
    return exists().where(RuleAlert.rule_id == rule.id, RuleAlert.complaint_id == complaint_id,
                          RuleAlert.reminder_id == reminder_id,
                          RuleAlert.occurrence_at == occurrence)


def scan_rules(session, now, batch=BATCH, max_per_rule=MAX_PER_RULE) -> dict:
    """Apply every active rule at ``now``; commit after each batch; return the counts."""
    counts = {"alerts": 0, "notifications": 0, "emails": 0}
    rules = session.scalars(select(NotificationRule).where(NotificationRule.active.is_(True))
                            .order_by(NotificationRule.id)).all()
    audience = Audience(session)
    for rule in rules:
        shape = shape_of(rule)
        if domain.rule_problems(shape):
            logger.warning("notification rule %s skipped: %s", rule.id,
                           domain.rule_problems(shape))
            continue
        raised = 0
        while raised < max_per_rule:
            rows = session.execute(candidates(rule, now).limit(batch)).all()
            for complaint_id, reminder_id, occurrence_at in rows:
                alert_id = _claim(session, rule.id, complaint_id, reminder_id, occurrence_at, now)
                if alert_id is None:
                    continue  # another scan raised it first
                raised += 1
                counts["alerts"] += 1
                sent = _deliver(session, rule, shape, alert_id, complaint_id, reminder_id,
                                occurrence_at, audience, now)
                counts["notifications"] += sent[0]
                counts["emails"] += sent[1]
            session.commit()
            if len(rows) < batch:
                break
    session.commit()
    if counts["alerts"]:
        logger.info("notification rules: %s", counts)
    return counts


def _claim(session, rule_id, complaint_id, reminder_id, occurrence_at, now):
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (insert(RuleAlert).values(rule_id=rule_id, complaint_id=complaint_id,
                                     reminder_id=reminder_id, occurrence_at=occurrence_at,
                                     created_at=now)
            .on_conflict_do_nothing(index_elements=["rule_id", "complaint_id", "reminder_id",
                                                   "occurrence_at"])
            .returning(RuleAlert.id))
    return session.execute(stmt).scalar()


class Audience:
    """The people a scan may alert, read once per scan: supervisors, and each user's
    visibility (an alert never tells someone about a complaint they may not see)."""

    def __init__(self, session):
        self.session = session
        self.supervisors = {user.id: user for user in staff.supervisors(session)}
        self._readers = {}

    def user(self, user_id):
        from app.models import AppUser

        user = self.supervisors.get(user_id) or self.session.get(AppUser, user_id)
        return user if user is not None and user.active else None

    def may_see(self, user, complaint) -> bool:
        reader = self._readers.get(user.id)
        if reader is None:
            reader = self._readers[user.id] = reader_of(user)
        return can_see(reader, complaint)


def _deliver(session, rule, shape, alert_id, complaint_id, reminder_id, occurrence_at,
             audience, now) -> tuple[int, int]:
    """Notify the rule's recipients of one alert; (notifications, emails) added."""
    complaint = session.get(Complaint, complaint_id)
    reminder = session.get(Reminder, reminder_id) if reminder_id else None
    manager_id = complaint.team.manager_id if complaint.team is not None else None
    users = [user for user in (audience.user(uid) for uid in domain.recipient_ids(
        shape, complaint.assignee_id, manager_id, audience.supervisors)) if user is not None]
    users = [user for user in users if audience.may_see(user, complaint)]
    kind = f"rule_{rule.condition}"
    screens = emails = 0
    details = dict(condition=rule.condition, rule_name=rule.name, days=rule.days,
                   occurrence_at=occurrence_at,
                   note=reminder.note if reminder is not None else None)
    for user in users:
        if shape.on_screen and onscreen.add_notification(
                session, user.id, kind, complaint,
                domain.alert_key(alert_id, "screen", user.id), now) is not None:
            screens += 1
        if shape.by_email and user.email and notifications.notify_rule_alert(
                session, complaint, user.email, user.language,
                domain.alert_key(alert_id, "email", user.id), now, user=user, **details):
            emails += 1
    if shape.by_email and shape.fixed_address and notifications.notify_rule_alert(
            session, complaint, shape.fixed_address, None,
            domain.alert_key(alert_id, "email", shape.fixed_address.lower()), now, **details):
        emails += 1
    return screens, emails


def mark_current_as_alerted(session, now) -> int:
    """Record every occurrence the active rules would alert at ``now`` as already alerted,
    without notifying anyone; commit. For a freshly loaded demo register, whose past
    would otherwise alert everyone at the first scan."""
    added = 0
    for rule in session.scalars(select(NotificationRule)
                                .where(NotificationRule.active.is_(True))).all():
        if domain.rule_problems(shape_of(rule)):
            continue
        rows = candidates(rule, now).order_by(None).add_columns(
            literal(rule.id), literal(now)).subquery()
        before = _alert_count(session, rule)
        session.execute(RuleAlert.__table__.insert().from_select(
            ["complaint_id", "reminder_id", "occurrence_at", "rule_id", "created_at"],
            select(*rows.c)))
        # Counted, not read from rowcount: psycopg reports -1 for INSERT … SELECT.
        added += _alert_count(session, rule) - before
    session.commit()
    return added


def _alert_count(session, rule) -> int:
    return session.scalar(select(func.count()).select_from(RuleAlert)
                          .where(RuleAlert.rule_id == rule.id)) or 0
