"""Every column of every table that holds a complaint's or a client's data is classified,
here and literally (not read from the code's own lists): cleared by the retention run
(personal) or kept (reports, deadlines, bookkeeping). A column added by a migration
without being classified fails this test, on SQLite and on PostgreSQL; so does a personal
column dropped from app/domain/retention.PERSONAL_FIELDS or a kept one from KEPT_FIELDS.
"""

from sqlalchemy import inspect

from app.domain import retention

# Complaint columns the retention run clears (app/services/retention._scrub).
COMPLAINT_CLEARED = {
    "complainant_name", "complainant_email", "complainant_phone", "complainant_address",
    "order_number", "subject", "description", "resolution", "corrective_actions",
}
# Complaint columns kept because reports, the dashboard and deadline outcomes read them
# (they are the columns a deleted complaint's reduced snapshot keeps).
COMPLAINT_KEPT_FOR_REPORTS = {
    "tracking_number", "request_type_id", "channel_id", "client_id", "contract_id",
    "category_id", "severity_id", "complexity_id", "state_id", "team_id", "assignee_id",
    "confidential", "resolution_type_id", "received_at", "answered_at", "closed_at",
    "first_response_at", "satisfaction", "satisfaction_rating", "due_at", "warning_at",
    "processing_seconds", "answered_on_time", "paused_seconds", "clock", "sector_id",
    "agency_id", "analytic_code", "language", "created_at",
}
# Complaint columns kept as bookkeeping: ids, timestamps, links; nothing about a person.
COMPLAINT_BOOKKEEPING = {
    "id", "paused_since", "updated_at", "last_action_at", "created_by_id", "anonymised_at",
    "merged_into_id",
}

# {table: (cleared, kept)} for the tables hanging off a complaint or a client.
CLASSIFIED = {
    "complaint": (COMPLAINT_CLEARED, COMPLAINT_KEPT_FOR_REPORTS | COMPLAINT_BOOKKEEPING),
    # A person client with no live complaint and no contract is anonymised.
    "client": ({"name", "email", "phone", "address"},
               {"id", "customer_number", "kind", "sector_id", "agency_id", "analytic_code",
                "portfolio_owner_id", "created_at"}),
    "note": ({"body"}, {"id", "complaint_id", "author_id", "created_at"}),
    "reminder": ({"note"}, {"id", "complaint_id", "user_id", "remind_at", "done_at",
                            "created_by_id", "created_at", "withheld_at"}),
    "message": ({"body", "sender_email"},
                {"id", "complaint_id", "direction", "author_id", "source", "created_at",
                 "unread"}),
    # Values and details of the history (the deadline's reason codes and the retention
    # line itself keep their detail).
    "event": ({"old_value", "new_value", "detail"},
              {"id", "complaint_id", "created_at", "actor_kind", "user_id", "kind", "field"}),
    # An email's subject is "[tracking number] fixed text" (app/services/notifications).
    "outbound_email": ({"recipient", "body_text", "body_html", "last_error",
                        "refused_recipients"},
                       {"id", "complaint_id", "language", "subject", "status", "attempts",
                        "next_attempt_at", "dedupe_key", "created_at", "sent_at",
                        "sending_started_at"}),
    # An SMS quotes a staff message (not a confidential complaint's): cleared with it.
    "outbound_sms": ({"recipient", "body", "last_error"},
                     {"id", "complaint_id", "language", "status", "attempts",
                      "next_attempt_at", "provider_id", "dedupe_key", "created_at",
                      "sent_at", "sending_started_at"}),
    "public_submission": ({"payload"}, {"id", "tracking_number", "language", "received_at",
                                        "registered_at", "complaint_id"}),
    "inbound_email": ({"sender", "subject"},
                      {"id", "message_id", "outcome", "complaint_id", "received_at"}),
    "satisfaction_survey": ({"comment"},
                            {"id", "complaint_id", "closed_at", "token_hash", "sent_at",
                             "expires_at", "answered_at", "satisfied", "rating",
                             "reopened_at"}),
    "generated_document": ({"content", "filename"},
                           {"id", "complaint_id", "template_id", "mime_type",
                            "created_by_id", "created_at"}),
    # The file leaves the store (stored_name then names nothing); its name is replaced.
    "attachment": ({"original_name", "storage"},
                   {"id", "complaint_id", "stored_name", "content_type", "size", "sha256",
                    "uploaded_by_id", "uploaded_at", "message_id"}),
    # Free text is cleared; numbers, dates and choices stay (reports group by them).
    "custom_field_value": ({"value_text"},
                           {"complaint_id", "field_id", "value_number", "value_date",
                            "value_bool"}),
    # A deleted complaint's snapshot is reduced to its kept columns and counts.
    "deleted_complaint": ({"snapshot"},
                          {"id", "complaint_id", "tracking_number", "deleted_by_id",
                           "deleted_by_name", "deleted_at", "anonymised_at"}),
    # Business records or pointers: no personal value of the complainant.
    "contract": (set(), {"id", "number", "client_id", "label", "sector_id", "agency_id",
                         "analytic_code", "start_date", "end_date"}),
    "notification": (set(), {"id", "user_id", "complaint_id", "kind", "tracking_number",
                             "created_at", "read_at", "dedupe_key"}),
    "rule_alert": (set(), {"id", "rule_id", "complaint_id", "reminder_id", "occurrence_at",
                           "created_at"}),
    # A suggested classification: reference ids and confidences, nothing of a person.
    "classification_suggestion": (set(), {"complaint_id", "model_id", "category_id",
                                          "category_confidence", "request_type_id",
                                          "request_type_confidence", "status",
                                          "created_at"}),
    # PostgreSQL's full-text index: triggers rebuild the document from the cleared texts.
    "complaint_search": ({"document"}, {"complaint_id"}),
}
# Tables of one database only (SQLite's FTS5 index is a virtual table, without foreign key).
ONE_DATABASE_ONLY = {"complaint_search"}


def test_every_column_of_complaint_data_is_classified(session):
    schema = inspect(session.get_bind())
    tables = set(schema.get_table_names())
    unclassified, gone = {}, {}
    for table, (cleared, kept) in CLASSIFIED.items():
        assert not cleared & kept, table
        if table not in tables:
            assert table in ONE_DATABASE_ONLY
            continue
        columns = {column["name"] for column in schema.get_columns(table)}
        if columns - cleared - kept:
            unclassified[table] = sorted(columns - cleared - kept)
        if (cleared | kept) - columns:
            gone[table] = sorted((cleared | kept) - columns)
    assert unclassified == {}, "classify these columns (cleared or kept) here and in retention"
    assert gone == {}


def test_every_table_holding_a_complaint_or_a_client_is_classified(session):
    schema = inspect(session.get_bind())
    holders = {table for table in schema.get_table_names()
               for fk in schema.get_foreign_keys(table)
               if fk["referred_table"] in ("complaint", "client")}
    assert holders | {"complaint", "client"} <= set(CLASSIFIED)
    assert (set(CLASSIFIED) & set(schema.get_table_names())) - {"deleted_complaint"} <= \
        holders | {"complaint", "client"}


def test_the_retention_rules_clear_and_keep_exactly_these_complaint_columns():
    assert set(retention.PERSONAL_FIELDS) == COMPLAINT_CLEARED
    assert set(retention.KEPT_FIELDS) == COMPLAINT_KEPT_FOR_REPORTS
