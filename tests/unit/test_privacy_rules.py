"""Pure rules of the satisfaction survey and of retention."""

import json
from datetime import datetime, timedelta

import pytest

from app.domain import retention, satisfaction


@pytest.mark.parametrize("choice, rating, comment, satisfied, stored, errors", [
    ("yes", "", "", True, None, []),
    ("NO", "3", "  trop long  ", False, 3, []),
    ("yes", 5, None, True, 5, []),
    ("", "", "", None, None, [satisfaction.CHOICE_REQUIRED]),
    ("maybe", "", "", None, None, [satisfaction.CHOICE_REQUIRED]),
    ("yes", "0", "", True, 0, [satisfaction.BAD_RATING]),
    ("yes", "6", "", True, 6, [satisfaction.BAD_RATING]),
    ("yes", "4.5", "", True, None, [satisfaction.BAD_RATING]),
    ("no", "", "x" * 5001, False, None, [satisfaction.COMMENT_TOO_LONG]),
])
def test_answers_are_checked(choice, rating, comment, satisfied, stored, errors):
    answer = satisfaction.check_answer(choice, rating, comment)
    assert (answer.satisfied, answer.rating, answer.errors) == (satisfied, stored, errors)


def test_tokens_are_random_and_stored_as_their_hash():
    token, digest = satisfaction.new_token()
    other, _ = satisfaction.new_token()
    assert token != other and len(token) >= 40
    assert digest == satisfaction.token_hash(token) != token and len(digest) == 64


@pytest.mark.parametrize("satisfied, setting, reopened, closed, expected", [
    (False, True, False, True, True),
    (False, False, False, True, False),
    (True, True, False, True, False),
    (False, True, True, True, False),  # once per survey
    (False, True, False, False, False),  # already reopened by staff
])
def test_reopen_rule(satisfied, setting, reopened, closed, expected):
    assert satisfaction.should_reopen(satisfied, setting, reopened, closed) is expected


@pytest.mark.parametrize("value, days", [("30", 30), ("1", 1), ("0", 30), ("abc", 30),
                                         ("", 30), (None, 30), ("366", 30), ("365", 365)])
def test_validity_setting(value, days):
    assert satisfaction.parse_valid_days(value) == days


@pytest.mark.parametrize("now, months, cutoff", [
    (datetime(2026, 3, 31, 8), 1, datetime(2026, 2, 28, 8)),
    (datetime(2026, 3, 15, 8), 12, datetime(2025, 3, 15, 8)),
    (datetime(2026, 1, 10), 60, datetime(2021, 1, 10)),
    (datetime(2024, 3, 31), 1, datetime(2024, 2, 29)),
])
def test_retention_cutoff(now, months, cutoff):
    assert retention.cutoff(now, months) == cutoff


def test_expiry():
    now = datetime(2026, 6, 1)
    assert retention.is_expired(datetime(2025, 5, 31), 12, now)
    assert retention.is_expired(datetime(2025, 5, 31, 23, 59, 59), 12, now)
    assert not retention.is_expired(datetime(2025, 6, 1), 12, now)  # exactly the retention
    assert not retention.is_expired(datetime(2025, 6, 2), 12, now)
    assert not retention.is_expired(None, 12, now)
    assert not retention.is_expired(datetime(2000, 1, 1), None, now)


@pytest.mark.parametrize("value, months", [("", None), ("  ", None), (None, None),
                                           ("1", 1), ("12", 12), (" 60 ", 60),
                                           (1200, 1200), ("1200", 1200)])
def test_months_typed_by_admins(value, months):
    assert retention.parse_months(value) == months


@pytest.mark.parametrize("value", ["0", "-3", "abc", "1.5", "1201", 0, 1201])
def test_bad_months_are_refused(value):
    with pytest.raises(ValueError):
        retention.parse_months(value)


@pytest.mark.parametrize("value", ["0", " 1201 ", "-3"])
def test_months_out_of_range_are_refused_with_what_was_typed(value):
    with pytest.raises(ValueError) as refused:
        retention.parse_months(value)
    assert str(refused.value) == value.strip()


def test_retention_limits():
    assert (retention.MAX_MONTHS, retention.PREVIEW_NUMBERS) == (1200, 20)


def test_personal_and_kept_fields_do_not_overlap():
    assert not set(retention.PERSONAL_FIELDS) & set(retention.KEPT_FIELDS)
    assert {"due_at", "answered_on_time", "processing_seconds", "category_id", "agency_id",
            "sector_id", "analytic_code", "closed_at"} <= set(retention.KEPT_FIELDS)


def test_a_reduced_snapshot_keeps_no_personal_value():
    snapshot = json.dumps({"complaint": {"tracking_number": "REC-2024-000001",
                                         "request_type_id": 3, "complainant_name": "Jeanne",
                                         "description": "chez Jeanne", "agency_id": 2},
                           "notes": [{"body": "Jeanne"}], "messages": []})
    reduced = retention.reduced_snapshot(snapshot)
    assert "Jeanne" not in reduced
    data = json.loads(reduced)
    assert data["complaint"] == {"tracking_number": "REC-2024-000001", "request_type_id": 3,
                                 "agency_id": 2}
    assert data["counts"]["notes"] == 1
    assert retention.snapshot_request_type(snapshot) == 3
    assert retention.snapshot_request_type("not json") is None
    assert "anonymised" in retention.reduced_snapshot("not json")


# Named literally, not read from retention's own tuples: dropping a column from
# PERSONAL_FIELDS (complainant_email, say) or moving one to KEPT_FIELDS fails here.
CLEARED = {
    "complainant_name", "complainant_email", "complainant_phone", "complainant_address",
    "order_number", "subject", "description", "resolution", "corrective_actions",
}
KEPT = {
    "tracking_number", "request_type_id", "channel_id", "client_id", "contract_id",
    "category_id", "severity_id", "complexity_id", "state_id", "team_id", "assignee_id",
    "confidential", "resolution_type_id", "received_at", "answered_at", "closed_at",
    "first_response_at", "satisfaction", "satisfaction_rating", "due_at", "warning_at",
    "processing_seconds", "answered_on_time", "paused_seconds", "clock", "sector_id",
    "agency_id", "analytic_code", "language", "created_at",
}


def test_the_personal_fields_are_exactly_these():
    assert set(retention.PERSONAL_FIELDS) == CLEARED
    assert len(retention.PERSONAL_FIELDS) == len(CLEARED)


def test_the_kept_fields_are_exactly_these():
    assert set(retention.KEPT_FIELDS) == KEPT
    assert len(retention.KEPT_FIELDS) == len(KEPT)


def test_a_reduced_snapshot_keeps_the_kept_columns_and_drops_every_personal_one():
    complaint = {name: f"personal {name}" for name in CLEARED}
    complaint.update({name: f"kept {name}" for name in KEPT})
    complaint.update({"id": 7, "anonymised_at": None, "updated_at": "2026-01-02"})
    reduced = json.loads(retention.reduced_snapshot(json.dumps({"complaint": complaint})))
    assert reduced["complaint"] == {name: f"kept {name}" for name in KEPT}
    assert "personal" not in json.dumps(reduced)


def test_a_reduced_snapshot_counts_what_the_complaint_had():
    snapshot = json.dumps({"complaint": {"tracking_number": "REC-2024-000002"},
                           "events": [{}, {}, {}], "notes": [{}], "reminders": [{}, {}],
                           "attachments": [{}, {}, {}, {}], "messages": [{}] * 5,
                           "custom_fields": [{}]})
    data = json.loads(retention.reduced_snapshot(snapshot))
    assert data == {"complaint": {"tracking_number": "REC-2024-000002"},
                    "counts": {"events": 3, "notes": 1, "reminders": 2, "attachments": 4,
                               "messages": 5},
                    "anonymised": True}


def test_a_reduced_snapshot_keeps_accented_text_readable():
    reduced = retention.reduced_snapshot(json.dumps({"complaint": {"analytic_code": "Été"}}))
    assert '"analytic_code": "Été"' in reduced


@pytest.mark.parametrize("text", ["not json", None, "[1, 2]", '"text"', "3"])
def test_a_snapshot_that_is_not_a_complaint_reduces_to_nothing_personal(text):
    data = json.loads(retention.reduced_snapshot(text))
    assert data["anonymised"] is True
    assert data.get("complaint", {}) == {} and data.get("counts", {}) == {}


@pytest.mark.parametrize("text, type_id", [
    (json.dumps({"complaint": {"request_type_id": 4}}), 4),
    (json.dumps({"complaint": {"request_type_id": "4"}}), None),  # not an id
    (json.dumps({"complaint": {"request_type_id": None}}), None),
    (json.dumps({"complaint": {}}), None),
    (json.dumps({"events": []}), None),
    ("[]", None),
    (None, None),
])
def test_request_type_of_a_snapshot(text, type_id):
    assert retention.snapshot_request_type(text) == type_id


@pytest.mark.parametrize("choice, rating, comment, stored, errors, kept_comment", [
    ("yes", " 1 ", "", 1, [], None),  # the lowest rating, typed with spaces
    ("yes", "5", "", 5, [], None),
    ("no", 0, "", 0, [satisfaction.BAD_RATING], None),  # a number, not a string
    ("no", None, "x" * 5000, None, [], "x" * 5000),  # exactly the longest comment
    ("no", None, "  merci  ", None, [], "merci"),
    ("no", None, None, None, [], None),
    (None, None, None, None, [satisfaction.CHOICE_REQUIRED], None),
    (" Yes ", "   ", "   ", None, [], None),  # blanks: no rating, no comment
])
def test_answer_bounds(choice, rating, comment, stored, errors, kept_comment):
    answer = satisfaction.check_answer(choice, rating, comment)
    assert (answer.rating, answer.errors, answer.comment) == (stored, errors, kept_comment)


def test_a_token_is_hashed_as_utf8():
    assert satisfaction.token_hash("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    assert satisfaction.token_hash("") == satisfaction.token_hash(None) == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    # A lone surrogate (from a forged link) is hashed, not an error.
    assert len(satisfaction.token_hash("a\udc80")) == 64


def test_a_token_carries_32_random_bytes():
    token, _ = satisfaction.new_token()
    assert len(token) == 43  # 32 bytes in URL-safe base64, unpadded


def test_a_survey_link_expires_after_its_validity():
    sent = datetime(2026, 3, 1, 9)
    expires = satisfaction.expires_at(sent, 30)
    assert expires == datetime(2026, 3, 31, 9)
    assert satisfaction.is_open(expires, expires - timedelta(seconds=1))
    assert not satisfaction.is_open(expires, expires)
    assert not satisfaction.is_open(expires, expires + timedelta(days=1))


@pytest.mark.parametrize("value, expected", [
    ("1", True), ("true", True), ("TRUE", True), (" yes ", True), ("On", True),
    ("oui", True), ("OUI", True), ("0", False), ("false", False), ("no", False),
    ("non", False), ("", False), (None, False), ("2", False),
])
def test_truthy_settings(value, expected):
    assert satisfaction.truthy(value) is expected
