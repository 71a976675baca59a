"""Demo complaints: who complains, about what, along which path, and how it ended.

Complaints are made oldest first so that ids and tracking numbers grow with the date of
reception, as they do in the application. Each one follows a path of the workflow
(``paths``); its dates, clock, deadline and answer facts are those
``services.complaints`` would have left had it been moved along that path at the same
times, and its history is made by ``history``.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from operator import itemgetter

from app.domain.tracking import format_tracking_number
from app.domain.urgency import processing_seconds
from app.models import Complaint, Event, Note, Reminder
from app.services.demo import data, texts
from app.services.demo.history import HistoryMaker, between
from app.services.demo.paths import DeadlineTrack, path_info, state_paths
from app.services.demo.people import SPAN_DAYS, People
from app.services.tracking import reserve_numbers

BATCH = 10_000  # complaints per transaction
_CREATED_AT = itemgetter("created_at")


@dataclass
class Rows:
    complaints: list = field(default_factory=list)
    events: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    reminders: list = field(default_factory=list)


def insert_complaints(bulk, maker, count, counts) -> None:
    """Insert ``count`` complaints and their history, a batch per transaction."""
    for start in range(0, count, BATCH):
        bulk.begin()
        rows = maker.batch(bulk, start, min(BATCH, count - start), count)
        for name, model in (("complaints", Complaint), ("events", Event), ("notes", Note),
                            ("reminders", Reminder)):
            bulk.insert(model.__table__, getattr(rows, name))
            counts[name] += len(getattr(rows, name))
        bulk.commit()


class ComplaintMaker:
    """Complaints, oldest first, each along a plausible path of the workflow."""

    def __init__(self, rng, refs, staff, customers, now, prefix, deadline_context):
        self.rng, self.refs, self.staff, self.customers = rng, refs, staff, customers
        self.now, self.prefix, self.start = now, prefix, now - timedelta(days=SPAN_DAYS)
        people = People(rng)
        self.strangers = [people.person() for _ in range(500)]  # complainants without client
        self.paths = state_paths(refs, rng)
        self.path_info = {p: path_info(p, refs.states) for ps, _ in self.paths.values()
                          for p in ps}
        reachable = {refs.states[sid].code: sid for sid in self.paths}
        self.state_pools = [(days, _weighted(weights, reachable))
                            for days, weights in data.STATE_WEIGHTS_BY_AGE]
        self.seconds = {sid: tuple(h * 3600 for h in data.STATE_HOURS.get(
            s.code, data.STATE_HOURS_DEFAULT)) for sid, s in refs.states.items()}
        comments = {str(sid): texts.STATE_COMMENTS.get(s.code, [None])
                    for sid, s in refs.states.items()}
        self.history = HistoryMaker(rng, staff, now, comments)
        self.deadlines = DeadlineTrack(deadline_context, refs)
        self._prepare_qualification(refs.ids)
        self._prepare_outcomes(refs.ids)

    def _prepare_qualification(self, ids):
        self.categories = _weighted(data.CATEGORY_WEIGHTS, ids["category"])
        self.request_types = _weighted(data.REQUEST_TYPE_WEIGHTS, ids["request_type"])
        self.channels = _weighted(data.CHANNEL_WEIGHTS, ids["channel"])
        self.severities = _weighted(data.SEVERITY_WEIGHTS, ids["severity"])
        self.complexities = _weighted(data.COMPLEXITY_WEIGHTS, ids["complexity"])
        self.complaint_type = ids["request_type"].get("complaint")
        self.web = ids["channel"].get("web")
        self.delivery = ids["category"].get("delivery")
        self.request_topics = {rid: _topics(texts.REQUEST_TOPICS[code])
                               for code, rid in ids["request_type"].items()
                               if code in texts.REQUEST_TOPICS}
        team_of = {}
        for team_id, (*_names_and_email, codes) in zip(self.staff.teams, data.TEAMS, strict=True):
            team_of.update(dict.fromkeys(codes, team_id))
        self.category_info = {}  # id → (topics, confidential, team)
        for code, category_id in [*ids["category"].items(), (None, None)]:
            topics = texts.TOPICS.get(code, texts.TOPICS["customer_service"])
            self.category_info[category_id] = (
                _topics(topics), code in data.CONFIDENTIAL_CATEGORIES,
                team_of.get(code, self.staff.teams[0]))

    def _prepare_outcomes(self, ids):
        self.resolution_types = _weighted(data.RESOLUTION_WEIGHTS, ids["resolution_type"])
        self.resolutions = {rid: texts.RESOLUTIONS.get(code, texts.RESOLUTIONS["explanation"])
                            for code, rid in ids["resolution_type"].items()}
        self.resolutions[None] = texts.RESOLUTIONS["explanation"]
        self.satisfactions = ([("yes", 5), ("yes", 4), ("yes", 4), ("yes", None)] * 3
                              + [("no", 2), ("no", 1), ("no", None)] * 2
                              + [("unknown", None)] * 5)

    def batch(self, bulk, start, size, total) -> Rows:
        """Rows of the complaints ``start`` to ``start + size`` of ``total``, oldest first."""
        first_id = bulk.reserve_ids(Complaint.__table__, size)
        received = [self._received_at(i, total) for i in range(start, start + size)]
        numbers = self._tracking_numbers(bulk.session, received)
        forced = list(self.paths)  # the most recent complaints show every state
        rows = Rows()
        for offset, when in enumerate(received):
            rank = total - start - offset - 1
            end = forced[rank] if rank < len(forced) else self._end_state(when)
            self._add(rows, first_id + offset, when, numbers[offset], end)
        return rows

    def _received_at(self, index, total):
        # One random instant per slice of the period keeps the complaints sorted, so that
        # ids and tracking numbers grow with the date; the power gives recent months more.
        position = ((index + self.rng.random()) / total) ** 0.8
        return self.start + timedelta(seconds=int(position * SPAN_DAYS * 86400))

    def _tracking_numbers(self, session, received) -> list[str]:
        # One reservation per year for the whole batch, instead of one per complaint.
        following = {year: reserve_numbers(session, self.prefix, year, count)
                     for year, count in sorted(Counter(w.year for w in received).items())}
        numbers = []
        for when in received:
            number = following[when.year]
            following[when.year] = number + 1
            numbers.append(format_tracking_number(self.prefix, when.year, number))
        return numbers

    def _end_state(self, received):
        age = (self.now - received).days
        for days, pool in self.state_pools:
            if days is None or age < days:
                return self.rng.choice(pool)

    def _add(self, rows, complaint_id, received, number, end):
        category = self.rng.choice(self.categories)
        paths, weights = self.paths[end]
        path = self.rng.choices(paths, cum_weights=weights)[0]
        info = self.path_info[path]
        times, seconds = self._timeline(path, received)
        row = {"id": complaint_id, "tracking_number": number, "received_at": received,
               "created_at": received, "language": "fr", **self._who(),
               **self._qualification(category, received),
               **self._assignment(category, len(path))}
        deadlines = self.deadlines.along(path, info, seconds, row["complexity_id"], received)
        row.update(self._outcome(path, info, times, deadlines))
        # Taken in hand halfway to the first move, or to now.
        assigned = between(received, times[1] if len(times) > 1 else self.now, 0.5)
        history = self.history.events(row, info, times, deadlines, assigned)
        extra = self.history.notes(row, times, assigned, history, rows.notes)
        extra += self.history.reminders(row, times, assigned, history, rows.reminders)
        if extra:  # notes and reminders fall anywhere: keep the history in time order
            history.sort(key=_CREATED_AT)
        row["updated_at"] = row["last_action_at"] = history[-1]["created_at"]
        rows.complaints.append(row)
        rows.events.extend(history)

    def _timeline(self, path, received):
        """When the complaint entered each state of ``path``, squeezed to end before now;
        and the whole seconds spent in each state but the last."""
        uniform = self.rng.uniform
        seconds = [uniform(*self.seconds[sid]) for sid in path[:-1]]
        room, total = (self.now - received).total_seconds() * 0.9, sum(seconds)
        scale = room / total if total > room else 1
        seconds = [int(s * scale) for s in seconds]
        times = [received]
        for s in seconds:
            times.append(times[-1] + timedelta(seconds=s))
        return times, seconds

    def _who(self) -> dict:
        r = self.rng
        if not self.customers or r.random() < 0.05:  # a public submission, no client
            client_id = contract_id = None
            org, contact = (None, None, None), r.choice(self.strangers)
        else:
            customer = r.choice(self.customers)
            client_id, contact = customer.id, customer.contact
            contract_id, org = (r.choice(customer.contracts) if r.random() < 0.9
                                else (None, customer.org))
        # Organisation of the day copied onto the complaint, as the services do.
        return {"client_id": client_id, "contract_id": contract_id,
                "complainant_name": contact[0], "complainant_email": contact[1],
                "complainant_phone": contact[2], "complainant_address": contact[3],
                "sector_id": org[0], "agency_id": org[1], "analytic_code": org[2]}

    def _qualification(self, category, received) -> dict:
        r = self.rng
        topics, confidential, _team = self.category_info[category]
        request_type = self.complaint_type if confidential else r.choice(self.request_types)
        subject, descriptions = r.choice(self.request_topics.get(request_type, topics))
        channel = r.choice(self.channels)
        order = (f"CMD-{received.year}-{r.randrange(10 ** 6):06d}"
                 if category == self.delivery else None)
        return {"request_type_id": request_type, "channel_id": channel,
                "subject": subject, "description": r.choice(descriptions),
                "category_id": category, "severity_id": r.choice(self.severities),
                "complexity_id": r.choice(self.complexities), "confidential": confidential,
                "order_number": order,
                "created_by_id": None if channel == self.web else r.choice(self.staff.users)}

    def _assignment(self, category, steps) -> dict:
        team = self.category_info[category][2]
        members = self.staff.members.get(team) or self.staff.users
        # Half of the complaints still in their first state wait for someone to take them.
        assignee = self.rng.choice(members) if steps > 1 or self.rng.random() < 0.5 else None
        return {"team_id": team, "assignee_id": assignee}

    def _outcome(self, path, info, times, deadlines) -> dict:
        """State, clock, dates, deadline and answer facts, as the services leave them."""
        last = deadlines[-1]
        return {
            "state_id": path[-1], "clock": info.clocks[-1],
            "answered_at": times[info.answered] if info.answered is not None else None,
            "closed_at": times[-1] if info.final else None,
            "due_at": last.due_at, "warning_at": last.warning_at,
            "paused_seconds": last.paused_seconds,
            "paused_since": times[info.held_since] if info.held_since is not None else None,
            **_answer_facts(info, times, deadlines),
            **self._answer(info),
        }

    def _answer(self, info) -> dict:
        """What was answered (resolution), and what the complainant thought once closed."""
        r, answered = self.rng, info.answered is not None
        resolution_type = r.choice(self.resolution_types) if answered else None
        satisfaction, rating = r.choice(self.satisfactions) if info.final else ("unknown", None)
        return {
            "resolution": r.choice(self.resolutions[resolution_type]) if answered else None,
            "resolution_type_id": resolution_type,
            "corrective_actions": (r.choice(texts.CORRECTIVE_ACTIONS)
                                   if answered and r.random() < 0.4 else None),
            "satisfaction": satisfaction, "satisfaction_rating": rating,
        }


def _answer_facts(info, times, deadlines) -> dict:
    """``services.deadlines.record_answer`` at the first answer (or closure without one):
    the paused time and deadline of that moment, not a pause still running then."""
    if info.record is None:
        return {"processing_seconds": None, "answered_on_time": None}
    when, then = times[info.record], deadlines[info.record]
    return {"processing_seconds": processing_seconds(times[0], when, then.paused_seconds),
            "answered_on_time": when <= then.due_at}


def _weighted(weights: dict[str, int], ids: dict[str, int]) -> list:
    """Ids repeated by weight (an item without a weight counts once), for quick picks."""
    return [i for code, i in ids.items() for _ in range(weights.get(code, 1))] or [None]


def _topics(pairs) -> list[tuple[str, list[str]]]:
    """(subject, the texts a complainant may write about it) for each (subject, body)."""
    return [(subject, [f"{opener}\n\n{body}\n\n{closing}".lstrip()
                       for opener in texts.OPENERS for closing in texts.CLOSINGS])
            for subject, body in pairs]
