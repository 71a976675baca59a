"""The rule scan: applies the notification rules (app/domain/alert_rules.py) to the
register, raising each alert exactly once.

Each occurrence (rule × complaint × reminder × the fact that fired) is a RuleAlert row,
inserted with ON CONFLICT DO NOTHING in the same transaction as the notifications and
emails it causes. A second scan, a second scheduler process, or a scan catching up after
a downtime finds the row and adds nothing.

A rule's first pass reads every match; later ones read only what fell due or changed
since its previous pass (``NotificationRule.checked_until``), two small index ranges, so
a scan stays fast over a million complaints (bench/scan.py).
"""

import logging
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.domain import alert_rules as domain
from app.domain.deadlines import CLOCK_RUNNING
from app.models import AppUser, Complaint, NotificationRule, Reminder, RuleAlert
from app.models.complaints import clock_is
from app.services import notifications, onscreen, sms_notifications, staff
from app.services.exceptions import ServiceError
from app.services.visibility import can_see, reader_of

logger = logging.getLogger(__name__)

# Alerts raised per transaction: short write transactions, so the web requests of a
# SQLite deployment never wait long behind a scan catching up.
BATCH = 200
# Upper bound of alerts one rule raises in one scan; the next scan goes on.
MAX_PER_RULE = 5000
# A pass re-reads this much before the previous one: a transaction still open during
# that pass (its rows dated before they became visible) or clocks of hosts a little
# apart cannot make a match slip between two passes.
SINCE_MARGIN = timedelta(minutes=15)
# Changed rows re-read per query, by primary key.
CHANGED_CHUNK = 500

PROBLEM_MESSAGES = {
    domain.UNKNOWN_CONDITION: _l("Choose a condition."),
    domain.DAYS_MISSING: _l("This condition needs a number of days."),
    domain.DAYS_OUT_OF_RANGE: _l("The number of days must be between 1 and %(max)s."),
    domain.DAYS_NOT_USED: _l("This condition takes no number of days: leave it empty."),
    domain.NO_RECIPIENT: _l("Choose at least one recipient."),
    domain.NO_CHANNEL: _l("Choose at least one channel: email, on screen or SMS."),
    domain.SCREEN_NEEDS_USER: _l(
        "A fixed address can only be emailed: choose the email channel or a user recipient."),
}


def shape_of(rule: NotificationRule) -> domain.RuleShape:
    return domain.RuleShape(
        condition=rule.condition, days=rule.days, to_assignee=bool(rule.to_assignee),
        to_team_manager=bool(rule.to_team_manager), to_supervisors=bool(rule.to_supervisors),
        fixed_address=(rule.fixed_address or "").strip() or None,
        by_email=bool(rule.by_email), on_screen=bool(rule.on_screen),
        by_sms=bool(rule.by_sms))


def validate_rule(rule: NotificationRule) -> None:
    """Raise ``ServiceError`` with every problem of the rule, translated."""
    problems = domain.rule_problems(shape_of(rule))
    if problems:
        raise ServiceError(" ".join(
            str(PROBLEM_MESSAGES[code]) % {"max": domain.MAX_DAYS} for code in problems))


def candidates(session, rule: NotificationRule, now, since=None):
    """Yield SELECTs of (complaint_id, reminder_id, occurrence_at): the occurrences the
    rule has not alerted yet.

    Without ``since``, one SELECT of every match, oldest first. With ``since`` (the rule's
    last pass, minus a margin) only what *fell due* since (the fact's time crossed its
    threshold: one index range) and what *changed* since (complaints updated, reminders
    added: a new deadline, a reopened clock, a backdated entry), read by primary key in
    chunks of the ids that changed. Anything matching now either matched at the last pass
    (and was alerted then) or is in one of the two.
    """
    columns, where, fell_due, changed, row_id = _condition(rule, now, since)
    order = (columns[2], columns[0])
    not_alerted = ~_alerted(rule, *columns)
    if since is None:
        yield select(*columns).where(*where, not_alerted).order_by(*order)
        return
    yield select(*columns).where(*where, fell_due, not_alerted).order_by(*order)
    # The ids first, then the rows by key: asked in one query, planners walk the index
    # of the condition (every match) rather than the small range of what changed.
    ids = session.scalars(select(row_id).where(changed)).all()
    for start in range(0, len(ids), CHANGED_CHUNK):
        yield select(*columns).where(*where, row_id.in_(ids[start:start + CHANGED_CHUNK]),
                                     not_alerted)


def _condition(rule, now, since):
    """(selected columns, what matches at ``now``, what fell due since ``since``, what
    changed since ``since``, the id of a row); the two "since" ones None without it."""
    condition, days = rule.condition, timedelta(days=rule.days or 0)
    if condition == domain.REMINDER_DUE:
        return ((Reminder.complaint_id, Reminder.id, Reminder.remind_at),
                [Reminder.remind_at <= now, Reminder.done_at.is_(None)],
                since and Reminder.remind_at > since, since and Reminder.created_at >= since,
                Reminder.id)
    changed = since and Complaint.updated_at >= since
    if condition == domain.NO_ACTION:
        return ((Complaint.id, literal(0), Complaint.last_action_at),
                [Complaint.closed_at.is_(None), Complaint.last_action_at <= now - days],
                since and Complaint.last_action_at > since - days, changed, Complaint.id)
    columns = (Complaint.id, literal(0), Complaint.due_at)
    if condition == domain.OVERDUE:
        return (columns, [clock_is(CLOCK_RUNNING), Complaint.due_at <= now],
                since and Complaint.due_at > since, changed, Complaint.id)
    if rule.days is None:  # within the warning window of the complaint's deadline rule
        return (columns, [clock_is(CLOCK_RUNNING), Complaint.due_at > now,
                          Complaint.warning_at <= now],
                since and Complaint.warning_at > since, changed, Complaint.id)
    return (columns, [clock_is(CLOCK_RUNNING), Complaint.due_at > now,
                      Complaint.due_at <= now + days],
            since and Complaint.due_at > since + days, changed, Complaint.id)


def _alerted(rule, complaint_id, reminder_id, occurrence):
    """EXISTS an alert key for the candidate: one probe of the unique index per candidate.

    The OFFSET 0 keeps PostgreSQL from turning it into an anti-join, whose plan depends on
    how many keys the statistics think the rule has: stale after a rule's first pass, they
    say "none", and the join then compares every candidate with every key of the rule.
    """
    return (select(RuleAlert.id)
            .where(RuleAlert.rule_id == rule.id, RuleAlert.complaint_id == complaint_id,
                   RuleAlert.reminder_id == reminder_id, RuleAlert.occurrence_at == occurrence)
            .offset(0).exists())


def scan_rules(session, now, batch=BATCH, max_per_rule=MAX_PER_RULE) -> dict:
    """Apply every active rule at ``now``; commit after each batch; return the counts."""
    counts = {"alerts": 0, "notifications": 0, "emails": 0, "sms": 0}
    rules = session.scalars(select(NotificationRule).where(NotificationRule.active.is_(True))
                            .order_by(NotificationRule.id)).all()
    audience = Audience(session)
    for rule in rules:
        shape = shape_of(rule)
        if domain.rule_problems(shape):
            logger.warning("notification rule %s skipped: %s", rule.id,
                           domain.rule_problems(shape))
            continue
        since = rule.checked_until - SINCE_MARGIN if rule.checked_until else None
        raised = 0
        for query in candidates(session, rule, now, since):
            while raised < max_per_rule:
                rows = session.execute(query.limit(batch)).all()
                for complaint_id, reminder_id, occurrence_at in rows:
                    alert_id = _claim(session, rule.id, complaint_id, reminder_id,
                                      occurrence_at, now)
                    if alert_id is None:
                        continue  # another scan raised it first
                    raised += 1
                    counts["alerts"] += 1
                    sent = _deliver(session, rule, shape, alert_id, complaint_id, reminder_id,
                                    occurrence_at, audience, now)
                    counts["notifications"] += sent[0]
                    counts["emails"] += sent[1]
                    counts["sms"] += sent[2]
                session.commit()
                if len(rows) < batch:
                    break
        if raised < max_per_rule:  # everything matching at ``now`` is alerted
            _checked(session, rule.id, now)
    session.commit()
    if counts["alerts"]:
        logger.info("notification rules: %s", counts)
    return counts


def _checked(session, rule_id, now):
    """Move the rule's mark forward (never back: another scan may be ahead)."""
    session.execute(update(NotificationRule).where(
        NotificationRule.id == rule_id,
        or_(NotificationRule.checked_until.is_(None), NotificationRule.checked_until < now))
        .values(checked_until=now).execution_options(synchronize_session=False))
    session.commit()


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
        user = self.supervisors.get(user_id) or self.session.get(AppUser, user_id)
        return user if user is not None and user.active else None

    def may_see(self, user, complaint) -> bool:
        reader = self._readers.get(user.id)
        if reader is None:
            reader = self._readers[user.id] = reader_of(user)
        return can_see(reader, complaint)


def _deliver(session, rule, shape, alert_id, complaint_id, reminder_id, occurrence_at,
             audience, now) -> tuple[int, int, int]:
    """Notify the rule's recipients of one alert; (notifications, emails, SMS) added."""
    complaint = session.get(Complaint, complaint_id)
    reminder = session.get(Reminder, reminder_id) if reminder_id else None
    manager_id = complaint.team.manager_id if complaint.team is not None else None
    users = [user for user in (audience.user(uid) for uid in domain.recipient_ids(
        shape, complaint.assignee_id, manager_id, audience.supervisors)) if user is not None]
    users = [user for user in users if audience.may_see(user, complaint)]
    kind = f"rule_{rule.condition}"
    screens = emails = texts = 0
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
        if shape.by_sms and user.mobile_phone and sms_notifications.sms_rule_alert(
                session, complaint, user, domain.alert_key(alert_id, "sms", user.id),
                notifications.rule_alert_text(complaint, user.language, rule.condition,
                                              rule.days), now):
            texts += 1
    if shape.by_email and shape.fixed_address and notifications.notify_rule_alert(
            session, complaint, shape.fixed_address, None,
            domain.alert_key(alert_id, "email", shape.fixed_address.lower()), now, **details):
        emails += 1
    return screens, emails, texts


def mark_current_as_alerted(session, now) -> int:
    """Record every occurrence the active rules would alert at ``now`` as already alerted,
    without notifying anyone; commit. For a freshly loaded demo register, whose past
    would otherwise alert everyone at the first scan."""
    added = 0
    for rule in session.scalars(select(NotificationRule)
                                .where(NotificationRule.active.is_(True))).all():
        if domain.rule_problems(shape_of(rule)):
            continue
        rows = next(candidates(session, rule, now)).order_by(None).add_columns(
            literal(rule.id), literal(now)).subquery()
        before = _alert_count(session, rule)
        session.execute(RuleAlert.__table__.insert().from_select(
            ["complaint_id", "reminder_id", "occurrence_at", "rule_id", "created_at"],
            select(*rows.c)))
        # Counted, not read from rowcount: psycopg reports -1 for INSERT … SELECT.
        added += _alert_count(session, rule) - before
        _checked(session, rule.id, now)
    session.commit()
    return added


def _alert_count(session, rule) -> int:
    return session.scalar(select(func.count()).select_from(RuleAlert)
                          .where(RuleAlert.rule_id == rule.id)) or 0
