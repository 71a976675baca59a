"""The complaint register: complaints, their append-only history, notes and reminders."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    bindparam,
    literal_column,
    select,
    text,
)
from sqlalchemy.orm import column_property, relationship

from app.domain.deadlines import CLOCK_PAUSED, CLOCK_RUNNING, CLOCK_STOPPED, DEFAULT_WARNING_DAYS
from app.domain.urgency import urgency
from app.models.base import Model, utcnow


class TrackingSequence(Model):
    """Last tracking number handed out per prefix and year, bumped atomically."""

    __tablename__ = "tracking_sequence"
    __table_args__ = (PrimaryKeyConstraint("prefix", "year"),)

    prefix = Column(String(8), nullable=False)
    year = Column(Integer, nullable=False)
    last_value = Column(Integer, nullable=False, default=0)


class Complaint(Model):
    __tablename__ = "complaint"
    __table_args__ = (
        # Covering indexes for the dashboard's counts: read without touching the rows.
        Index("ix_complaint_state_conf", "state_id", "confidential"),
        Index("ix_complaint_received_cover", "received_at", "category_id", "confidential"),
        Index("ix_complaint_answered_cover", "answered_at", "confidential", "answered_on_time",
              "processing_seconds"),
        # Closed ones only, so that no planner takes it for "still open" (closed_at IS NULL).
        Index("ix_complaint_closed_cover", "closed_at", "confidential", "satisfaction",
              "satisfaction_rating", sqlite_where=text("closed_at IS NOT NULL"),
              postgresql_where=text("closed_at IS NOT NULL")),
        # Processing times in order, for the median of a long period (see dashboard), with
        # a reader's scope (team, assignee, client).
        Index("ix_complaint_processing", "processing_seconds", "answered_at", "confidential",
              "team_id", "assignee_id", "client_id",
              sqlite_where=text("processing_seconds IS NOT NULL"),
              postgresql_where=text("processing_seconds IS NOT NULL")),
        # An agent's complaints outside their team: the answers and closings of a period.
        Index("ix_complaint_assignee_answered", "assignee_id", "answered_at", "team_id",
              "confidential", "answered_on_time", "processing_seconds"),
        Index("ix_complaint_assignee_closed", "assignee_id", "closed_at", "team_id",
              "confidential", "satisfaction", "satisfaction_rating",
              sqlite_where=text("closed_at IS NOT NULL"),
              postgresql_where=text("closed_at IS NOT NULL")),
        # A reader's scope (its team, its complaints, its portfolio), newest first; with
        # the trend's columns, the dashboard counts a scope without reading the rows.
        Index("ix_complaint_assignee_received", "assignee_id", "received_at", "category_id",
              "confidential"),
        Index("ix_complaint_team_received", "team_id", "received_at", "category_id",
              "confidential"),
        Index("ix_complaint_client_received", "client_id", "received_at", "category_id",
              "confidential"),
        # Running clocks only: the urgent list and the urgency filters read these without
        # walking the answered and closed majority of a large register.
        # The team, assignee and client too: a reader's scope is checked in the index.
        Index("ix_complaint_running_due", "due_at", "warning_at", "confidential", "team_id",
              "assignee_id", "client_id",
              sqlite_where=text("clock = 'running'"), postgresql_where=text("clock = 'running'")),
        Index("ix_complaint_open_assignee_due", "assignee_id", "due_at",
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
        # The list's filters, newest first: a state or a category is read in date order
        # from its own index; "overdue" walks the running clocks by date.
        Index("ix_complaint_state_received", "state_id", "received_at"),
        Index("ix_complaint_category_received", "category_id", "received_at"),
        # Filters combined with a state, and a reader's scope (team, assignee, client),
        # counted from the index alone (a state and a category counted 200 ms walking
        # rows, 1 ms here); a state and a category also come in date order. PostgreSQL
        # needs the id in it for an index-only scan.
        Index("ix_complaint_state_filters", "state_id", "category_id", "received_at",
              "team_id", "assignee_id", "client_id", "severity_id", "channel_id",
              "request_type_id", "confidential", postgresql_include=["id"]),
        Index("ix_complaint_running_received", "received_at",
              sqlite_where=text("clock = 'running'"), postgresql_where=text("clock = 'running'")),
        # The rule scan reads the complaints changed since its last pass.
        Index("ix_complaint_updated_at", "updated_at"),
        Index("ix_complaint_open_last_action", "last_action_at",
              sqlite_where=text("closed_at IS NULL"), postgresql_where=text("closed_at IS NULL")),
        # The retention job reads the closed complaints not yet anonymised, per request type.
        Index("ix_complaint_retention", "request_type_id", "closed_at",
              sqlite_where=text("anonymised_at IS NULL AND closed_at IS NOT NULL"),
              postgresql_where=text("anonymised_at IS NULL AND closed_at IS NOT NULL")),
        # Never reuse the id of a deleted complaint: URLs and audit records stay unambiguous.
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True)
    tracking_number = Column(String(32), unique=True, nullable=False)
    request_type_id = Column(Integer, ForeignKey("request_type.id"), index=True)
    channel_id = Column(Integer, ForeignKey("channel.id"), index=True)
    client_id = Column(Integer, ForeignKey("client.id", ondelete="RESTRICT"))
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="RESTRICT"), index=True)
    complainant_name = Column(String(200))
    complainant_email = Column(String(320), index=True)
    complainant_phone = Column(String(50))
    complainant_address = Column(Text)
    order_number = Column(String(100))
    received_at = Column(DateTime, nullable=False)
    subject = Column(String(255))
    description = Column(Text)
    category_id = Column(Integer, ForeignKey("category.id"), index=True)
    severity_id = Column(Integer, ForeignKey("severity.id"), index=True)
    complexity_id = Column(Integer, ForeignKey("complexity.id"), nullable=False, index=True)
    state_id = Column(Integer, ForeignKey("state.id"), nullable=False)
    team_id = Column(Integer, ForeignKey("team.id", ondelete="SET NULL"))
    assignee_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    confidential = Column(Boolean, nullable=False, default=False)
    resolution = Column(Text)
    resolution_type_id = Column(Integer, ForeignKey("resolution_type.id"), index=True)
    corrective_actions = Column(Text)
    answered_at = Column(DateTime)
    closed_at = Column(DateTime)
    first_response_at = Column(DateTime)
    satisfaction = Column(String(10), nullable=False, default="unknown")  # yes | no | unknown
    satisfaction_rating = Column(Integer)
    due_at = Column(DateTime, index=True)
    # Start of the warning window (due_at - the rule's warning days): "due soon" is then
    # an indexed range query, whatever rule each complaint follows.
    warning_at = Column(DateTime, index=True)
    # Facts fixed when the complaint is first answered (or closed without an answer):
    # seconds from reception to answer minus paused time, and whether it beat due_at.
    processing_seconds = Column(Integer)
    answered_on_time = Column(Boolean)
    paused_seconds = Column(Integer, nullable=False, default=0)
    # running | paused | stopped (see app/domain/deadlines.clock_for); while not running,
    # paused_since says since when, so the time is given back if the clock restarts.
    clock = Column(String(10), nullable=False, default="running", server_default="running")
    paused_since = Column(DateTime)
    # Copied from the contract (or the client) so that lists and reports filter and group
    # on an indexed column of the complaint itself, and keep the value of the day.
    sector_id = Column(Integer, ForeignKey("sector.id"), index=True)
    agency_id = Column(Integer, ForeignKey("agency.id"), index=True)
    analytic_code = Column(String(50), index=True)
    language = Column(String(5), nullable=False, default="fr")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # Last thing a person did on it (a change, a note, a reminder, a letter…), not the
    # system's recomputations: "open with no action for N days" reads this.
    last_action_at = Column(DateTime, nullable=False, default=utcnow)
    created_by_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    # When the retention job removed its personal data (app/services/retention.py).
    anonymised_at = Column(DateTime)
    merged_into_id = Column(Integer, index=True)  # app/services/merge.py; no FK: see 0015

    request_type = relationship("RequestType")
    channel = relationship("Channel")
    client = relationship("Client")
    contract = relationship("Contract")
    category = relationship("Category")
    severity = relationship("Severity")
    complexity = relationship("Complexity")
    state = relationship("State")
    team = relationship("Team")
    assignee = relationship("AppUser", foreign_keys=[assignee_id])
    created_by = relationship("AppUser", foreign_keys=[created_by_id])
    resolution_type = relationship("ResolutionType")
    sector = relationship("Sector")
    agency = relationship("Agency")
    # Children go with a deleted complaint (after its audit snapshot is written); the
    # database cascades too, for rows never loaded.
    events = relationship("Event", back_populates="complaint", order_by="Event.id.desc()",
                          passive_deletes=True, cascade="all, delete-orphan")
    notes = relationship("Note", back_populates="complaint", order_by="Note.id.desc()",
                         passive_deletes=True, cascade="all, delete-orphan")
    reminders = relationship("Reminder", back_populates="complaint",
                             order_by="Reminder.remind_at", passive_deletes=True,
                             cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.tracking_number or ""

    @property
    def urgency(self):
        """overdue / due_soon / on_track, or None once closed."""
        warning = self._warning_days()
        return urgency(self.due_at, utcnow(), warning, closed=self.clock == CLOCK_STOPPED,
                       paused=self.clock == CLOCK_PAUSED)

    def _warning_days(self) -> float:
        if self.due_at and self.warning_at:
            return (self.due_at - self.warning_at).total_seconds() / 86400
        return DEFAULT_WARNING_DAYS


class Event(Model):
    """Append-only history line. Never edited, never deleted from the UI."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_complaint_id_id", "complaint_id", "id"),)

    id = Column(Integer, primary_key=True)
    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="CASCADE"),
                          nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    actor_kind = Column(String(20), nullable=False, default="user")  # user|complainant|system
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    kind = Column(String(40), nullable=False)
    field = Column(String(64))
    old_value = Column(Text)
    new_value = Column(Text)
    detail = Column(Text)

    complaint = relationship(Complaint, back_populates="events")
    user = relationship("AppUser", lazy="joined")


class Note(Model):
    """Internal note: never shown to the complainant."""

    __tablename__ = "note"

    id = Column(Integer, primary_key=True)
    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="CASCADE"),
                          nullable=False, index=True)
    author_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    body = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    complaint = relationship(Complaint, back_populates="notes")
    author = relationship("AppUser")


class Reminder(Model):
    """A follow-up ("rappel") on a complaint for one user."""

    __tablename__ = "reminder"
    __table_args__ = (
        Index("ix_reminder_user_open", "user_id", "done_at", "remind_at"),
        Index("ix_reminder_complaint_open", "complaint_id", "done_at", "remind_at"),
        # The scans read the open reminders falling due, and those added, since a pass.
        Index("ix_reminder_open_remind_at", "remind_at",
              sqlite_where=text("done_at IS NULL"), postgresql_where=text("done_at IS NULL")),
        Index("ix_reminder_created_at", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    complaint_id = Column(Integer, ForeignKey("complaint.id", ondelete="CASCADE"),
                          nullable=False)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    remind_at = Column(DateTime, nullable=False)
    note = Column(Text)
    done_at = Column(DateTime)
    created_by_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    created_at = Column(DateTime, nullable=False, default=utcnow)
    # Due, but its user could no longer see the complaint: not alerted (app/services/alerts.py).
    withheld_at = Column(DateTime)

    complaint = relationship(Complaint, back_populates="reminders")
    user = relationship("AppUser", foreign_keys=[user_id])
    created_by = relationship("AppUser", foreign_keys=[created_by_id])


class Setting(Model):
    """Key/value settings editable by admins (organisation, tracking prefix, …)."""

    __tablename__ = "setting"

    key = Column(String(64), primary_key=True)
    value = Column(Text)


# Loaded with the complaint in one SELECT (an index-backed EXISTS), so a list page flags
# overdue reminders without one query per row. "now" is bound at execution time. The
# OFFSET keeps PostgreSQL from turning the EXISTS into a hashed ANY over every overdue
# reminder (28,000 at 1M complaints: 30 ms a page) instead of probing the index for the
# 25 complaints of the page; it decides that before it sees the page's LIMIT.
Complaint.has_overdue_reminder = column_property(
    select(literal_column("1")).where(
        Reminder.complaint_id == Complaint.id,
        Reminder.done_at.is_(None),
        Reminder.remind_at < bindparam("reminder_now", callable_=utcnow, type_=DateTime),
    ).offset(0).exists()
)


class DeletedComplaint(Model):
    """Audit record of a deleted complaint: who, when, and everything it held (JSON)."""

    __tablename__ = "deleted_complaint"

    id = Column(Integer, primary_key=True)
    complaint_id = Column(Integer, nullable=False)
    tracking_number = Column(String(32), nullable=False, index=True)
    deleted_by_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    deleted_by_name = Column(String(300))
    deleted_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    snapshot = Column(Text, nullable=False)
    # When the retention job reduced the snapshot to its non-personal columns.
    anonymised_at = Column(DateTime)

    deleted_by = relationship("AppUser")

    def __str__(self) -> str:
        return self.tracking_number


class ComplaintMonthStat(Model):
    """Complaints received per month and category (split by the confidential flag and the
    team), kept in step with every write to a complaint (``services.day_stats``), so the
    dashboard's trend reads a few hundred rows instead of a year of complaints."""

    __tablename__ = "complaint_month_stat"
    __table_args__ = (PrimaryKeyConstraint("month", "category_key", "confidential",
                                           "team_key"),)

    month = Column(Date, nullable=False)
    category_key = Column(Integer, nullable=False)  # category id, 0 for none
    confidential = Column(Boolean, nullable=False)
    team_key = Column(Integer, nullable=False, default=0)  # team id, 0 for none
    received = Column(Integer, nullable=False, default=0)


class ComplaintDayStat(Model):
    """The dashboard's figures per local day (split by the confidential flag and the
    team), kept in step with every write to a complaint (``services.day_stats``): a
    period's KPIs read its days instead of counting its complaints. See
    ``domain.day_figures``."""

    __tablename__ = "complaint_day_stat"
    __table_args__ = (PrimaryKeyConstraint("day", "confidential", "team_key"),)

    day = Column(Date, nullable=False)
    confidential = Column(Boolean, nullable=False)
    team_key = Column(Integer, nullable=False, default=0)  # team id, 0 for none
    received = Column(Integer, nullable=False, default=0)
    answered = Column(Integer, nullable=False, default=0)
    answered_on_time = Column(Integer, nullable=False, default=0)
    timed = Column(Integer, nullable=False, default=0)  # answered with a processing time
    surveyed = Column(Integer, nullable=False, default=0)  # closed, satisfied or not
    satisfied = Column(Integer, nullable=False, default=0)
    rated = Column(Integer, nullable=False, default=0)
    rating_sum = Column(Integer, nullable=False, default=0)


def clock_is(value: str):
    """``clock = '<value>'`` with the value written inline, not bound: SQLite and
    PostgreSQL use a partial index (``WHERE clock = 'running'``) only for a query whose
    condition names the same literal. ``value`` is one of the domain's CLOCK_* codes."""
    if value not in (CLOCK_RUNNING, CLOCK_PAUSED, CLOCK_STOPPED):
        raise ValueError(value)
    return Complaint.clock == literal_column(f"'{value}'")
