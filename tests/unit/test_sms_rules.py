"""Phone numbers in E.164, SMS typography and the HTTP gateway's templates: no app."""

import pytest

from app.domain import phones, sms
from app.domain.delivery import backoff
from app.services import sms_providers as providers


@pytest.mark.parametrize("typed, region, e164", [
    ("06 12 34 56 78", "FR", "+33612345678"),
    ("06.12.34.56.78", "FR", "+33612345678"),
    ("+33 (0)6 12 34 56 78", "FR", "+33612345678"),
    ("0033 6 12 34 56 78", "FR", "+33612345678"),
    ("0470 12 34 56", "BE", "+32470123456"),
    ("77 123 45 67", "SN", "+221771234567"),
    ("+1 415 555 2671", "FR", "+14155552671"),
    ("06 12 34 56 78", "zz", "+33612345678"),  # an unknown region reads as FR
    ("", "FR", None),
    (None, "FR", None),
])
def test_numbers_come_out_in_e164(typed, region, e164):
    assert phones.to_e164(typed, region) == e164


@pytest.mark.parametrize("typed", ["12", "call me", "+33 6", "06 12 34 56 78 90 12",
                                   "+999 123456789", "1" * 51])
def test_impossible_numbers_are_refused(typed):
    with pytest.raises(phones.InvalidPhone):
        phones.to_e164(typed, "FR")


def test_landlines_cannot_receive_sms():
    assert phones.is_mobile_capable("+33612345678")
    assert not phones.is_mobile_capable("+33123456789")
    assert phones.is_mobile_capable("+14155552671")  # fixed or mobile: kept


def test_sms_text_is_plain():
    assert sms.plain("REC-1\u00a0: «\u00a0reçue\u00a0» l’équipe — merci") == \
        'REC-1 : " reçue " l\'équipe - merci'


def test_json_template_keeps_quotes_valid_and_only_known_placeholders():
    body = providers.render_body('{"to": "{to}", "msg": "{text}", "x": ["{from}", 2], '
                                 '"keep": "{other}"}', providers.JSON,
                                 {"to": "+336", "from": "Me", "text": 'a "b" \\ {to}'})
    assert body == {"to": "+336", "msg": 'a "b" \\ {to}', "x": ["Me", 2], "keep": "{other}"}


def test_form_template_and_url_quoting():
    assert providers.render_body("to={to}&text={text}", providers.FORM,
                                 {"to": "+336", "text": "a&b=c"}) == [("to", "+336"),
                                                                     ("text", "a&b=c")]
    assert providers.fill("/s?to={to}&t={text}", {"to": "+33 6", "text": "é"},
                          quote_values=True) == "/s?to=%2B33%206&t=%C3%A9"


@pytest.mark.parametrize("template, fmt, ok", [
    ('{"a": "{to}"}', providers.JSON, True),
    ("{not json", providers.JSON, False),
    ("a={to}", providers.FORM, True),
])
def test_template_check(template, fmt, ok):
    assert providers.check_template(template, fmt) is ok


def test_headers_are_name_value_lines():
    assert providers.parse_headers("Authorization: Bearer x:y\n\nX-Key:  k ") == {
        "Authorization": "Bearer x:y", "X-Key": "k"}
    with pytest.raises(ValueError):
        providers.parse_headers("no colon here")


def test_backoff_is_shared():
    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4, 9)] == [1, 5, 15, 60, 60]
