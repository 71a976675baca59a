"""All models, imported here so that Alembic and FAB see one metadata."""

from app.models.assignment import AssignmentRule, TeamRotation
from app.models.attachments import Attachment, StoredFile
from app.models.base import Model, utcnow
from app.models.classification import ClassificationSuggestion, ClassifierModel
from app.models.clients import Client, Contract
from app.models.complaints import (
    Complaint,
    ComplaintDayStat,
    ComplaintMonthStat,
    DeletedComplaint,
    Event,
    Note,
    Reminder,
    Setting,
    TrackingSequence,
)
from app.models.custom_fields import CustomField, CustomFieldValue, attach_to_complaint
from app.models.exports import ExportChunk, ExportJob
from app.models.imports import ImportRow, ImportRun
from app.models.jobs import JobRun
from app.models.letters import DocumentTemplate, GeneratedDocument
from app.models.mailboxes import Mailbox
from app.models.messages import InboundEmail, Message, PublicSubmission, ResponseTemplate
from app.models.notifications import Notification, NotificationRule, RuleAlert
from app.models.outbox import OutboundEmail
from app.models.privacy import SatisfactionSurvey
from app.models.reference import (
    REFERENCE_MODELS,
    Agency,
    Category,
    Channel,
    Complexity,
    ReferenceVersion,
    RequestType,
    ResolutionType,
    Sector,
    Severity,
)
from app.models.sms import OutboundSms
from app.models.trends import TrendFlag
from app.models.users import AppUser, Team
from app.models.workflow import DeadlineRule, Holiday, State, StateTransition

User = AppUser
attach_to_complaint(Complaint)

__all__ = [
    "Mailbox",
    "JobRun",
    "AssignmentRule", "TeamRotation",
    "Attachment", "StoredFile", "InboundEmail", "Message", "PublicSubmission",
    "ResponseTemplate",
    "Model", "utcnow", "Client", "DeletedComplaint", "ComplaintMonthStat", "ComplaintDayStat",
    "Contract",
    "Complaint", "Event", "Note", "Reminder", "Notification", "NotificationRule", "RuleAlert",
    "OutboundEmail", "OutboundSms", "SatisfactionSurvey", "DocumentTemplate",
    "GeneratedDocument", "ExportJob", "ExportChunk", "ImportRow", "ImportRun",
    "Setting", "TrackingSequence", "REFERENCE_MODELS", "Agency", "Category", "Channel",
    "Complexity", "ReferenceVersion", "RequestType", "ResolutionType", "Sector", "Severity",
    "Team", "User", "AppUser", "TrendFlag", "ClassifierModel", "ClassificationSuggestion",
    "State", "StateTransition", "DeadlineRule", "Holiday", "CustomField", "CustomFieldValue",
]
