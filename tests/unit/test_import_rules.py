"""The pure rules of an import: headers guessed, cells parsed, files decoded."""

from datetime import date, datetime

import pytest

from app.domain import imports as rules
from app.domain.imports import Refused


@pytest.mark.parametrize("headers, kind, expected", [
    (["N° client", "Raison sociale", "Courriel", "Secteur"], rules.CLIENTS,
     {0: "customer_number", 1: "name", 2: "email", 3: "sector"}),
    (["Customer number", "Name", "E-mail", "Agency"], rules.CLIENTS,
     {0: "customer_number", 1: "name", 2: "email", 3: "agency"}),
    (["Numéro de contrat", "Code client", "Libellé", "Date de début"], rules.CONTRACTS,
     {0: "number", 1: "client", 2: "label", 3: "start_date"}),
    (["Date de réception", "Objet", "Catégorie", "État", "Date de clôture", "Inconnue"],
     rules.COMPLAINTS, {0: "received_at", 1: "subject", 2: "category", 3: "state",
                        4: "closed_at"}),
    (["Received at", "Subject", "Category", "Status", "Answered at", "Tracking number"],
     rules.COMPLAINTS, {0: "received_at", 1: "subject", 2: "category", 3: "state",
                        4: "answered_at", 5: "tracking_number"}),
])
def test_headers_are_guessed_in_french_and_english(headers, kind, expected):
    assert rules.guess_mapping(headers, kind) == expected


def test_a_field_goes_to_one_column_and_custom_fields_are_guessed():
    guessed = rules.guess_mapping(["Date", "Date", "Magasin"], rules.COMPLAINTS,
                                  [("store", "Magasin", "Store")])
    assert guessed == {0: "received_at", 2: "cf:store"}


@pytest.mark.parametrize("raw, expected", [
    ("03/02/2024", datetime(2024, 2, 3)),
    ("3/2/24 14:05", datetime(2024, 2, 3, 14, 5)),
    ("03.02.2024 14h05", datetime(2024, 2, 3, 14, 5)),
    ("03-02-2024 14:05:09", datetime(2024, 2, 3, 14, 5, 9)),
    ("2024-02-03 08:00", datetime(2024, 2, 3, 8, 0)),
    (datetime(2024, 2, 3, 8, 0, 0, 5000), datetime(2024, 2, 3, 8, 0)),
    (date(2024, 2, 3), datetime(2024, 2, 3)),
    ("", None), (None, None),
])
def test_dates_in_french_formats(raw, expected):
    assert rules.parse_datetime(raw) == expected


@pytest.mark.parametrize("raw, code", [
    ("31/02/2024", rules.NOT_A_DATE), ("demain", rules.NOT_A_DATE),
    ("01/01/1850", rules.DATE_OUT_OF_RANGE), ("2024/13/45", rules.NOT_A_DATE),
])
def test_bad_dates_are_refused_with_their_reason(raw, code):
    with pytest.raises(Refused) as caught:
        rules.parse_datetime(raw, "received_at")
    assert (caught.value.code, caught.value.field) == (code, "received_at")


@pytest.mark.parametrize("raw, expected", [
    ("1 234,5", 1234.5), ("1\u202f234,50", 1234.5), ("1.234,5", 1234.5), ("12.5", 12.5),
    (7, 7.0), ("", None),
])
def test_numbers(raw, expected):
    assert rules.parse_number(raw) == expected


def test_bad_numbers_and_booleans():
    for call, raw, code in ((rules.parse_number, "douze", rules.NOT_A_NUMBER),
                            (rules.parse_int, "2,5", rules.NOT_A_NUMBER),
                            (rules.parse_bool, "peut-être", rules.NOT_YES_NO)):
        with pytest.raises(Refused) as caught:
            call(raw, "f")
        assert caught.value.code == code
    assert [rules.parse_bool(w) for w in ("Oui", "non", "YES", "x", "0")] == [
        True, False, True, True, False]


def test_texts_keep_numbers_whole_and_refuse_too_long():
    assert rules.parse_text(12345.0) == "12345"
    assert rules.parse_text("  A  ") == "A"
    with pytest.raises(Refused) as caught:
        rules.parse_text("x" * 51, "customer_number", 50)
    assert caught.value.code == rules.TOO_LONG


ITEMS = [(1, "billing", "Facturation", "Billing"), (2, "delivery", "Livraison", "Delivery"),
         (3, "in_progress", "En cours", "Under investigation")]


@pytest.mark.parametrize("raw, expected", [
    ("billing", 1), ("Facturation", 1), ("FACTURATION ", 1), ("Delivery", 2),
    ("livraison", 2), ("in_progress", 3), (None, None),
])
def test_reference_values_by_code_or_label(raw, expected):
    assert rules.match_reference(raw, rules.reference_index(iter(ITEMS))) == expected


def test_unknown_reference_values_are_refused_unless_the_user_mapped_them():
    index = rules.reference_index(ITEMS)
    with pytest.raises(Refused) as caught:
        rules.match_reference("Factu", index, field="category")
    assert (caught.value.code, caught.value.value) == (rules.UNKNOWN_VALUE, "Factu")
    assert rules.match_reference("Factu", index, {"factu": 1}) == 1
    assert rules.match_reference("Autre", index, {"autre": None}) is None


def test_client_kinds():
    assert rules.parse_kind("Entreprise") == "company"
    assert rules.parse_kind("particulier") == "person"
    with pytest.raises(Refused):
        rules.parse_kind("robot")


@pytest.mark.parametrize("data", [
    "Nom;Ville\nÉlodie;Besançon\n".encode(),
    b"\xef\xbb\xbf" + "Nom;Ville\nÉlodie;Besançon\n".encode(),
    "Nom;Ville\nÉlodie;Besançon\n".encode("cp1252"),
])
def test_csv_encodings(data):
    assert rules.decode_csv(data) == "Nom;Ville\nÉlodie;Besançon\n"


@pytest.mark.parametrize("sample, expected", [
    ("a;b;c\n1;2;3\n", ";"), ("a,b,c\n1,2,3\n", ","), ('a;b\n"1,5";2\n', ";"),
    ("a\n", ";"),
])
def test_separators(sample, expected):
    assert rules.sniff_delimiter(sample) == expected


@pytest.mark.parametrize("text", ['[]', '{"columns": []}', '{"values": {"category": []}}',
                                  'not json'])
def test_a_mapping_file_of_the_wrong_shape_is_refused(text):
    from app.services.imports import Mapping

    with pytest.raises(ValueError):
        Mapping.from_json(text)
