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


@pytest.mark.parametrize(("raw", "value"), [
    ("1\u202f250,5", 1250.5),  # French thousands: narrow no-break space
    ("1\xa0250", 1250.0),  # no-break space
    ("1,5", 1.5),
    ("999999999999999", 999999999999999.0),  # just under the limit
])
def test_numbers_as_people_type_them(raw, value):
    assert cf.parse_value(spec(cf.NUMBER), raw) == value


@pytest.mark.parametrize(("raw", "problem"), [
    ("1,2,3", cf.NOT_A_NUMBER),  # two commas: not a decimal number
    ("1,2,", cf.NOT_A_NUMBER),
    ("1000000000000000", cf.NUMBER_TOO_LARGE),  # exactly the limit
    (-1e15, cf.NUMBER_TOO_LARGE),
])
def test_numbers_refused(raw, problem):
    with pytest.raises(cf.Problem) as refused:
        cf.parse_value(spec(cf.NUMBER), raw)
    assert refused.value.code == problem


def test_text_length_limit():
    assert cf.parse_value(spec(cf.TEXT), "a" * 500) == "a" * 500
    with pytest.raises(cf.Problem) as refused:
        cf.parse_value(spec(cf.TEXT), "a" * 501)
    assert (refused.value.code, refused.value.detail) == (cf.TEXT_TOO_LONG, "500")


def test_a_problem_says_its_code():
    assert str(cf.Problem(cf.REQUIRED)) == "required"
    assert cf.Problem(cf.REQUIRED).detail == ""
    with pytest.raises(cf.Problem) as refused:
        cf.check_required(cf.FieldSpec(key="k", type=cf.TEXT, required=True), 1, None)
    assert refused.value.code == cf.REQUIRED


@pytest.mark.parametrize(("value", "shown"), [(True, "True"), (False, "False"),
                                              (None, None)])
def test_yes_no_in_the_history(value, shown):
    assert cf.display_value(spec(cf.YES_NO), value) == shown


def test_choices_typed_one_per_line():
    text = "\n  \nbox | Boîte\n\nphone\nmail | Courriel | Email\nfax ||"
    assert cf.parse_choices(text) == (
        cf.Choice("box", "Boîte", "Boîte"),  # no EN label: the FR one stands in
        cf.Choice("phone", "phone", "phone"),  # no label at all: the code
        cf.Choice("mail", "Courriel", "Email"),
        cf.Choice("fax", "fax", "fax"),
    )
    long = cf.parse_choices("x | " + "é" * 200 + " | " + "e" * 200)
    assert (long[0].label_fr, long[0].label_en) == ("é" * 150, "e" * 150)
    assert cf.parse_choices(None) == ()


@pytest.mark.parametrize(("text", "code", "detail"), [
    ("ok\n\nbad code!", cf.BAD_CHOICE_LINE, "3"),  # lines are counted from 1, blanks too
    ("bad code!", cf.BAD_CHOICE_LINE, "1"),
    ("a | b | c | d", cf.BAD_CHOICE_LINE, "1"),
    ("a\nb\na", cf.DUPLICATE_CHOICE, "a"),
    ("\n".join(f"c{i}" for i in range(101)), cf.TOO_MANY_CHOICES, "100"),
])
def test_bad_choices(text, code, detail):
    with pytest.raises(cf.Problem) as refused:
        cf.parse_choices(text)
    assert (refused.value.code, refused.value.detail) == (code, detail)


def test_exactly_the_maximum_number_of_choices():
    assert len(cf.parse_choices("\n".join(f"c{i}" for i in range(100)))) == 100
