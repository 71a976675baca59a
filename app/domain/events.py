"""Kinds of history events. Stored as these codes; the UI translates them."""

CREATED = "created"
FIELD_CHANGED = "field_changed"
STATE_CHANGED = "state_changed"
ASSIGNED = "assigned"
NOTE_ADDED = "note_added"
REMINDER_SET = "reminder_set"
REMINDER_DONE = "reminder_done"
REMINDER_OVERDUE = "reminder_overdue"
# Due, but not alerted: its user could no longer see the complaint (detail: the user).
REMINDER_WITHHELD = "reminder_withheld"
DEADLINE_CHANGED = "deadline_changed"
MESSAGE_IN = "message_in"
MESSAGE_OUT = "message_out"
EMAIL_SENT = "email_sent"
EMAIL_FAILED = "email_failed"
SMS_SENT = "sms_sent"
SMS_FAILED = "sms_failed"
DOCUMENT_GENERATED = "document_generated"
ATTACHMENT_ADDED = "attachment_added"
ATTACHMENT_REMOVED = "attachment_removed"
MERGED_INTO = "merged_into"  # this complaint was merged into another (new_value: its number)
# Created by an import (new_value: the file, detail: its line).
IMPORTED = "imported"
MERGED_FROM = "merged_from"  # another was merged into this one (new_value: its number)

ACTOR_USER = "user"
ACTOR_COMPLAINANT = "complainant"
ACTOR_SYSTEM = "system"
CONSULTED = "consulted"
