"""Custom fields (app/domain/custom_fields.py): parsing values, choices and definitions."""

from datetime import date

import pytest

from app.domain import custom_fields as cf

CHOICES = cf.parse_choices("box | Boîte | Box\nphone | Téléphone")


def spec(type_, **kw):
    return cf.FieldSpec(key="k", type=type_, choices=CHOICES if type_ == cf.CHOICE else (),
                        **kw)


@pytest.mark.parametrize(("type_", "raw", "value"), [
    (cf.TEXT, "  Dossier 12 ", "Dossier 12"),
    (cf.TEXT, "=cmd|'/c calc'!A1", "=cmd|'/c calc'!A1"),
    (cf.NUMBER, "12,5", 12.5),
    (cf.NUMBER, "1 250.75", 1250.75),
    (cf.NUMBER, 7, 7.0),
    (cf.NUMBER, "-3", -3.0),
    (cf.DATE, "2026-06-30", date(2026, 6, 30)),
    (cf.DATE, "30/06/2026", date(2026, 6, 30)),
    (cf.CHOICE, "phone", "phone"),
    (cf.YES_NO, "oui", True),
    (cf.YES_NO, False, False),
    (cf.YES_NO, "no", False),
    (cf.TEXT, "   ", None),
    (cf.NUMBER, None, None),
])
def test_values_are_parsed_to_their_type(type_, raw, value):
    assert cf.parse_value(spec(type_), raw) == value


@pytest.mark.parametrize(("type_", "raw", "problem"), [
    (cf.NUMBER, "abc", cf.NOT_A_NUMBER),
    (cf.NUMBER, "nan", cf.NOT_A_NUMBER),
    (cf.NUMBER, "inf", cf.NOT_A_NUMBER),
    (cf.NUMBER, "1,2,3", cf.NOT_A_NUMBER),
    (cf.NUMBER, True, cf.NOT_A_NUMBER),
    (cf.NUMBER, 10**400, cf.NUMBER_TOO_LARGE),
    (cf.NUMBER, "1e20", cf.NUMBER_TOO_LARGE),
    (cf.NUMBER, [1], cf.NOT_A_NUMBER),
    (cf.DATE, "2026-02-31", cf.NOT_A_DATE),
    (cf.DATE, 20260630, cf.NOT_A_DATE),
    (cf.CHOICE, "tablet", cf.UNKNOWN_CHOICE),
    (cf.CHOICE, ["box"], cf.UNKNOWN_CHOICE),
    (cf.YES_NO, "maybe", cf.NOT_YES_NO),
    (cf.YES_NO, 1, cf.NOT_YES_NO),
    (cf.TEXT, "x" * (cf.MAX_TEXT + 1), cf.TEXT_TOO_LONG),
    (cf.TEXT, 12, cf.NOT_TEXT),
])
def test_bad_values_are_problems(type_, raw, problem):
    with pytest.raises(cf.Problem) as caught:
        cf.parse_value(spec(type_), raw)
    assert caught.value.code == problem


@pytest.mark.parametrize(("request_types", "request_type", "refused"), [
    (frozenset(), None, True),  # for every complaint
    (frozenset(), 3, True),
    (frozenset({1}), 1, True),
    (frozenset({1}), 2, False),  # not this request type: not required here
    (frozenset({1}), None, False),
])
def test_required_only_where_the_field_applies(request_types, request_type, refused):
    field = cf.FieldSpec(key="k", type=cf.TEXT, required=True, request_type_ids=request_types)
    if refused:
        with pytest.raises(cf.Problem):
            cf.check_required(field, request_type, None)
    else:
        cf.check_required(field, request_type, None)
    cf.check_required(field, request_type, "value")  # a value always passes


def test_choices_keep_a_code_and_two_labels():
    assert CHOICES == (cf.Choice("box", "Boîte", "Box"),
                       cf.Choice("phone", "Téléphone", "Téléphone"))
    assert cf.parse_choices(cf.format_choices(CHOICES)) == CHOICES
    assert CHOICES[0].label("en") == "Box" and CHOICES[0].label("fr") == "Boîte"


@pytest.mark.parametrize(("text", "problem"), [
    ("a b | label", cf.BAD_CHOICE_LINE),
    ("a | 1 | 2 | 3", cf.BAD_CHOICE_LINE),
    ("a | A\na | B", cf.DUPLICATE_CHOICE),
    ("\n".join(f"c{i}" for i in range(cf.MAX_CHOICES + 1)), cf.TOO_MANY_CHOICES),
])
def test_bad_choice_lines_are_refused(text, problem):
    with pytest.raises(cf.Problem) as caught:
        cf.parse_choices(text)
    assert caught.value.code == problem


@pytest.mark.parametrize(("key", "type_", "choices", "problem"), [
    ("Amount", cf.NUMBER, (), cf.BAD_KEY),
    ("1st", cf.NUMBER, (), cf.BAD_KEY),
    ("a" * 41, cf.NUMBER, (), cf.BAD_KEY),
    ("amount", "money", (), cf.UNKNOWN_TYPE),
    ("kind", cf.CHOICE, (), cf.NO_CHOICES),
    ("note", cf.TEXT, CHOICES, cf.CHOICES_NOT_USED),
    ("kind", cf.CHOICE, CHOICES, None),
    ("contract_amount_2", cf.NUMBER, (), None),
])
def test_definitions(key, type_, choices, problem):
    if problem is None:
        cf.check_definition(key, type_, choices)
        return
    with pytest.raises(cf.Problem) as caught:
        cf.check_definition(key, type_, choices)
    assert caught.value.code == problem


@pytest.mark.parametrize(("type_", "value", "text"), [
    (cf.NUMBER, 12.0, "12"), (cf.NUMBER, 12.5, "12.5"), (cf.YES_NO, True, "True"),
    (cf.DATE, date(2026, 6, 30), "2026-06-30"), (cf.CHOICE, "box", "box"), (cf.TEXT, None, None),
])
def test_history_text_of_a_value(type_, value, text):
    assert cf.display_value(spec(type_), value) == text
