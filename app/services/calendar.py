"""A user's private calendar address: an iCalendar feed of their open reminders and of
the response deadlines of the complaints assigned to them, for Outlook, Thunderbird or a
phone to subscribe to.

The address holds a random secret; only its SHA-256 is stored, so the database does not
give addresses away; the user revokes it or makes a new one from their account page. The
feed carries the tracking number, a short title and a link, never a description or a
note, and only complaints the user may see when it is read (app/services/visibility.py):
a reassigned or confidential complaint leaves it at the next refresh."""

import hashlib
import hmac
import re
import secrets
from datetime import UTC, timedelta

from icalendar import Calendar, Event
from sqlalchemy import select

from app.models import AppUser, Complaint, Reminder
from app.services import visibility

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
MAX_EVENTS = 500
REMINDER_MINUTES, DEADLINE_MINUTES = 15, 30


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session, user) -> str:
    """A new secret for ``user``'s calendar address (the previous one stops working);
    commit. The secret is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    user.calendar_token_hash = _digest(token)
    session.commit()
    return token


def revoke_token(session, user) -> None:
    """No calendar address for ``user`` any more; commit."""
    user.calendar_token_hash = None
    session.commit()


def user_for_token(session, token: str):
    """The active user whose calendar address holds ``token``, else None."""
    if not TOKEN_RE.match(token or ""):
        return None
    digest = _digest(token)
    user = session.scalars(select(AppUser).where(
        AppUser.calendar_token_hash == digest)).first()
    if user is None or not user.active or not hmac.compare_digest(
            user.calendar_token_hash or "", digest):
        return None
    return user


def build_feed(session, user, words: dict, link, now, host: str = "reclamations") -> bytes:
    """The iCalendar text of ``user``'s feed. ``words``: {"reminder", "deadline",
    "calendar"} in the user's language; ``link(complaint_id)``: the complaint's address."""
    reader = visibility.reader_of(user)
    calendar = Calendar()
    calendar.add("prodid", "-//Reclamations//calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", words["calendar"])
    for reminder_id, remind_at, complaint_id, number in session.execute(
            select(Reminder.id, Reminder.remind_at, Complaint.id, Complaint.tracking_number)
            .join(Complaint, Complaint.id == Reminder.complaint_id)
            .where(Reminder.user_id == user.id, Reminder.done_at.is_(None),
                   visibility.visible_condition(reader))
            .order_by(Reminder.remind_at).limit(MAX_EVENTS)):
        calendar.add_component(_event(
            f"reminder-{reminder_id}@{host}", f"{number} — {words['reminder']}", remind_at,
            REMINDER_MINUTES, link(complaint_id), now))
    for complaint_id, due_at, number in session.execute(
            select(Complaint.id, Complaint.due_at, Complaint.tracking_number)
            .where(Complaint.assignee_id == user.id, Complaint.closed_at.is_(None),
                   Complaint.answered_at.is_(None), Complaint.due_at.is_not(None),
                   visibility.visible_condition(reader))
            .order_by(Complaint.due_at).limit(MAX_EVENTS)):
        calendar.add_component(_event(
            f"deadline-{complaint_id}@{host}", f"{number} — {words['deadline']}", due_at,
            DEADLINE_MINUTES, link(complaint_id), now))
    return calendar.to_ical()


def _event(uid, summary, start, minutes, url, now) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start.replace(tzinfo=UTC))  # naive UTC in the database
    event.add("dtend", start.replace(tzinfo=UTC) + timedelta(minutes=minutes))
    event.add("dtstamp", now.replace(tzinfo=UTC))
    event.add("url", url)
    event.add("description", url)
    return event
