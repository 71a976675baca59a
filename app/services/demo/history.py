"""The history of a demo complaint: its events, internal notes and reminders.

Events are the ones the services write, with the same fields and values: "created",
"assigned" (``services.complaints.assign``), "state_changed" and "deadline_changed"
(``services.complaints.change_state``), and those of notes and reminders.
"""

from datetime import datetime, time, timedelta

from app.domain import events
from app.services.deadlines import REASON_PAUSE, REASON_STATE
from app.services.demo import texts


class HistoryMaker:
    """Events, notes and reminders of complaints, as rows ready for ``bulk.Bulk``."""

    def __init__(self, rng, staff, now, comments):
        self.rng, self.staff, self.now = rng, staff, now
        self.comments = comments  # state id (str) → occasional comments on entering it

    def events(self, row, info, times, deadlines, assigned_at) -> list[dict]:
        """Created, assigned, then each state change and the deadline move it caused."""
        cid, received, creator = row["id"], row["received_at"], row["created_by_id"]
        # Nobody entered a web complaint: the complainant did.
        history = [event(cid, received, events.CREATED, creator,
                         actor=None if creator else events.ACTOR_COMPLAINANT)]
        team, assignee = row["team_id"], row["assignee_id"]
        manager = self.staff.managers.get(team)
        if team:
            history.append(event(cid, assigned_at, events.ASSIGNED, manager, "team", None,
                                 str(team)))
        if assignee:
            history.append(event(cid, assigned_at, events.ASSIGNED, manager, "assignee",
                                 None, str(assignee)))
        actor = assignee or manager
        for k in range(1, len(info.ids)):
            history.extend(self._state_change(cid, info, k, times[k], deadlines, actor))
        return history

    def _state_change(self, cid, info, k, when, deadlines, actor) -> list[dict]:
        ids, rng = info.ids, self.rng
        comment = rng.choice(self.comments[ids[k]]) if rng.random() < 0.15 else None
        changes = [event(cid, when, events.STATE_CHANGED, actor, "state", ids[k - 1], ids[k],
                         comment)]
        before, after = deadlines[k - 1].due_at, deadlines[k].due_at
        if after != before:  # services.deadlines.refresh_deadline logs only a real move
            reason = REASON_PAUSE if info.resumed[k] else REASON_STATE
            changes.append(event(cid, when, events.DEADLINE_CHANGED, actor, "due_at",
                                 minutes(before), minutes(after), reason))
        return changes

    def notes(self, row, times, assigned, history, notes) -> int:
        """Zero to two internal notes while the complaint was worked on."""
        r = self.rng
        draw = r.random()
        if draw >= 0.4:
            return 0
        start, _end, span = self._window(row, times, assigned)
        author = row["assignee_id"] or r.choice(self.staff.users)
        count = 2 if draw < 0.1 else 1
        for _ in range(count):
            when = start + timedelta(seconds=int(r.random() * span))
            body = r.choice(texts.NOTES)
            notes.append({"complaint_id": row["id"], "author_id": author, "body": body,
                          "created_at": when})
            history.append(event(row["id"], when, events.NOTE_ADDED, author, detail=body))
        return count

    def reminders(self, row, times, assigned, history, reminders) -> int:
        """A reminder for almost half of the open complaints: overdue, done or ahead."""
        r = self.rng
        # Follow-ups belong to open complaints; a few closed ones kept theirs, done.
        if r.random() >= (0.1 if row["closed_at"] else 0.45):
            return 0
        start, end, span = self._window(row, times, assigned)
        user = row["assignee_id"] or r.choice(self.staff.users)
        created = start + timedelta(seconds=int(r.random() * span))
        remind, done = self._reminder_dates(row, created, end)
        reminders.append({"complaint_id": row["id"], "user_id": user, "remind_at": remind,
                          "note": r.choice(texts.REMINDER_NOTES), "done_at": done,
                          "created_by_id": user, "created_at": created})
        when, name = minutes(remind), self.staff.names[user]
        history.append(event(row["id"], created, events.REMINDER_SET, user, "reminder",
                             None, when, name))
        if done:
            history.append(event(row["id"], done, events.REMINDER_DONE, user, "reminder",
                                 when, None, name))
        return 1

    def _reminder_dates(self, row, created, end):
        """(remind_at, done_at): ahead, overdue or done, always done once closed."""
        r = self.rng
        kind = "done" if row["closed_at"] else r.choice(("future", "overdue", "done"))
        if kind == "future":  # a working hour (UTC) of the next two weeks
            day = self.now.date() + timedelta(days=r.randrange(1, 15))
            return datetime.combine(day, time(r.randrange(7, 17))), None
        remind = between(created, end, r.random())
        return remind, between(remind, end, r.random()) if kind == "done" else None

    def _window(self, row, times, start):
        """Start, end and length in seconds of the time the complaint was worked on."""
        end = times[-1] if row["closed_at"] else self.now
        return start, end, (end - start).total_seconds()


def event(complaint_id, when, kind, user, field=None, old=None, new=None, detail=None,
          actor=None) -> dict:
    """An event row, as ``services.event_log.log_event`` fills it."""
    return {"complaint_id": complaint_id, "created_at": when,
            "actor_kind": actor or (events.ACTOR_USER if user else events.ACTOR_SYSTEM),
            "user_id": user, "kind": kind, "field": field, "old_value": old,
            "new_value": new, "detail": detail}


def between(start, end, fraction):
    return start + timedelta(seconds=int((end - start).total_seconds() * fraction))


def minutes(when) -> str:
    """A date as events store it (``services.event_log._str``)."""
    return when.isoformat(sep=" ", timespec="minutes")
