"""Rules of the public portal and the email intake (app/domain/portal.py), and the
signed links (app/services/links.py): no application, no database."""

import pytest

from app.domain import portal as rules
from app.services import links

TYPES, CATEGORIES = {"complaint", "question"}, {"billing"}
GOOD = {"name": "Jeanne", "email": "Jeanne@Example.org", "description": "Facture",
        "consent": "1"}


def check(**changes):
    return rules.check_submission({**GOOD, **changes}, TYPES, CATEGORIES)


def test_a_good_submission_is_cleaned():
    result = check(name="  Jeanne  ", phone="01 23 45 67 89", category="billing")
    assert result.errors == {}
    assert (result.name, result.email, result.category) == ("Jeanne", "jeanne@example.org",
                                                            "billing")


@pytest.mark.parametrize("changes, field, code", [
    ({"name": ""}, "name", rules.REQUIRED),
    ({"email": ""}, "email", rules.REQUIRED),
    ({"email": "jeanne@"}, "email", rules.INVALID),
    ({"email": "a b@example.org"}, "email", rules.INVALID),
    ({"description": "   "}, "description", rules.REQUIRED),
    ({"description": "x" * 20001}, "description", rules.TOO_LONG),
    ({"phone": "call me"}, "phone", rules.INVALID),
    ({"category": "gossip"}, "category", rules.UNKNOWN),
    ({"request_type": "other"}, "request_type", rules.UNKNOWN),
    ({"consent": ""}, "consent", rules.NOT_ACCEPTED),
    ({"consent": False}, "consent", rules.NOT_ACCEPTED),
    ({"name": ["not", "text"], "consent": True, "email": "x@example.org"}, None, None),
])
def test_each_bad_field_gets_its_error(changes, field, code):
    errors = check(**changes).errors
    assert errors == ({field: code} if field else {})


def test_consent_is_not_asked_of_an_email():
    assert rules.check_submission({**GOOD, "consent": ""}, TYPES, CATEGORIES,
                                  consent_required=False).errors == {}


@pytest.mark.parametrize("headers, sender, automatic", [
    ({}, "jeanne@example.org", False),
    ({"Auto-Submitted": "no"}, "jeanne@example.org", False),
    ({"Auto-Submitted": "auto-replied"}, "jeanne@example.org", True),
    ({"auto-submitted": "auto-generated"}, "jeanne@example.org", True),
    ({"Precedence": "bulk"}, "jeanne@example.org", True),
    ({"Precedence": "list"}, "jeanne@example.org", True),
    ({"List-Id": "<news.example.org>"}, "jeanne@example.org", True),
    ({"X-Autoreply": "yes"}, "jeanne@example.org", True),
    ({"Return-Path": "<>"}, "jeanne@example.org", True),
    ({}, "MAILER-DAEMON@mx.example.org", True),
    ({}, "postmaster@example.org", True),
    ({}, "reclamations@localhost", True),
    ({}, "", True),
])
def test_automatic_mail_is_recognised(headers, sender, automatic):
    assert rules.is_automatic(headers, sender, ["reclamations@localhost"]) is automatic


@pytest.mark.parametrize("given, stored, same", [
    ("jeanne@example.org", "Jeanne@Example.org", True),
    (" jeanne@example.org ", "jeanne@example.org", True),
    ("jeanne@example.org", "paul@example.org", False),
    ("", "", False),
    ("", None, False),
])
def test_addresses_compare_without_case(given, stored, same):
    assert rules.same_email(given, stored) is same


def test_signed_links_carry_their_purpose_and_expire():
    token = links.make_token("secret-1", links.TRACK, {"c": 7, "e": "a@example.org"})
    assert links.read_token("secret-1", links.TRACK, token, 90) == {"c": 7,
                                                                    "e": "a@example.org"}
    assert links.read_token("secret-2", links.TRACK, token, 90) is None  # forged
    assert links.read_token("secret-1", links.REQUESTS, token, 90) is None  # other purpose
    assert links.read_token("secret-1", links.TRACK, token, -1) is None  # expired
    assert links.read_token("secret-1", links.TRACK, token[:-2], 90) is None
    assert links.read_token("secret-1", links.TRACK, "", 90) is None


@pytest.mark.parametrize("consent", [True, "1", "TRUE", "true", " Yes ", "On", "y", "Y"])
def test_consent_as_forms_and_json_send_it(consent):
    assert rules.check_submission({**GOOD, "consent": consent}, TYPES,
                                  CATEGORIES).errors == {}


@pytest.mark.parametrize("consent", ["0", "no", "off", "n", "non", None, 0])
def test_consent_refused(consent):
    assert rules.check_submission({**GOOD, "consent": consent}, TYPES,
                                  CATEGORIES).errors == {"consent": rules.NOT_ACCEPTED}


def test_lengths_up_to_the_limits_are_accepted():
    data = {**GOOD, "name": "n" * rules.MAX_NAME, "customer_number": 12345}
    submission = rules.check_submission(data, TYPES, CATEGORIES)
    assert submission.errors == {}
    assert submission.customer_number == "12345"  # a JSON number, as text
    too_long = rules.check_submission({**GOOD, "name": "n" * 201}, TYPES, CATEGORIES)
    assert too_long.errors == {"name": rules.TOO_LONG}


@pytest.mark.parametrize(("headers", "automatic"), [
    ({"Auto-Submitted": None}, False),  # a header without a value says nothing
    ({"Auto-Submitted": "  "}, False),
    ({"X-Autorespond": "yes"}, True),
    ({"X-Autoreply": "yes"}, True),
    ({"List-Id": "<news.example.org>"}, True),
])
def test_automatic_mail_headers(headers, automatic):
    assert rules.is_automatic(headers, "jeanne@example.org") is automatic


def test_an_empty_address_matches_nothing():
    assert not rules.same_email(None, "xxxx")
    assert not rules.same_email("", "")
    assert not rules.same_email(None, None)
