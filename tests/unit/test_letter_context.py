"""The letter context: whitelisted names, plain strings, safe file names."""

import pytest

from app.domain.letters import (
    PLACEHOLDERS,
    letter_context,
    letter_filename,
    sample_context,
    unknown_placeholders,
)


def test_every_placeholder_is_present_as_text():
    context = letter_context(tracking_number="REC-2026-000001", subject=None)
    assert set(context) == set(PLACEHOLDERS)
    assert all(isinstance(value, str) for value in context.values())
    assert context["tracking_number"] == "REC-2026-000001"
    assert context["subject"] == ""


def test_values_are_kept_as_written():
    context = letter_context(organisation_name="ACME & Fils <SAS>",
                             complainant_address="3 allée des Érables\r\n69003 Lyon ")
    assert context["organisation_name"] == "ACME & Fils <SAS>"
    assert context["complainant_address"] == "3 allée des Érables\n69003 Lyon"


def test_names_outside_the_whitelist_are_refused():
    with pytest.raises(KeyError):
        letter_context(complaint=object())


def test_sample_context_is_a_copy():
    sample = sample_context()
    sample["date"] = "changed"
    assert PLACEHOLDERS["date"] != "changed"


@pytest.mark.parametrize(("names", "expected"), [
    ({"date", "subject"}, []),
    ({"date", "customer"}, ["customer"]),
    (set(), []),
])
def test_unknown_placeholders(names, expected):
    assert unknown_placeholders(names) == expected


@pytest.mark.parametrize(("args", "expected"), [
    (("REC-2026-000123", "answer", "fr"), "REC-2026-000123-answer-fr.docx"),
    (("REC/../é", "other", "en"), "REC_____-other-en.docx"),
    (("", "", ""), "letter.docx"),
])
def test_letter_filename(args, expected):
    assert letter_filename(*args) == expected


def test_the_refusal_names_every_unknown_placeholder():
    with pytest.raises(KeyError) as refused:
        letter_context(secret="x", complaint=object())
    assert refused.value.args == ("not letter placeholders: complaint, secret",)
