"""Custom fields end to end: an admin defines a field in Configuration, and at once (same
application, no restart) it is on the complaint forms, checked per request type, saved
with its history line, shown on the page, filterable, exported and reported on."""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, select

from app.models import CustomField, CustomFieldValue, Event, RequestType
from tests import factories as f
from tests.integration.test_complaint_views import add_form, by_subject
from tests.integration.test_complaint_views import ids  # noqa: F401 - a fixture


def field_form(key, **changes):
    data = {"key": key, "label_fr": f"Libellé {key}", "label_en": f"Label {key}",
            "type": "text", "choices": "", "position": "0", "active": "y", "in_list": "y",
            "in_export": "y"}
    data.update(changes)
    return data


@pytest.fixture
def cleanup(dbs):
    """Keys to remove at the end: the database (and so the forms) are shared."""
    keys = []
    yield keys
    with dbs() as s:
        fields = s.scalars(select(CustomField).where(CustomField.key.in_(keys))).all()
        for field in fields:
            s.execute(delete(CustomFieldValue).where(CustomFieldValue.field_id == field.id))
            s.delete(field)
        s.commit()


def request_types(dbs):
    with dbs() as s:
        rows = s.scalars(select(RequestType).order_by(RequestType.position)).all()
        return SimpleNamespace(**{r.code: r.id for r in rows})


def add_field(admin_client, cleanup, key, **changes):
    cleanup.append(key)
    response = admin_client.post("/config/custom-fields/add?_l_=en",
                                 data=field_form(key, **changes))
    assert response.status_code == 302, f.messages(response)


def test_a_field_added_by_an_admin_is_on_the_add_form_at_once(admin_client, cleanup):
    key = f.unique("amount_").lower().replace(" ", "")
    before = admin_client.get("/complaints/add").get_data(as_text=True)
    assert f'name="cf_{key}"' not in before

    add_field(admin_client, cleanup, key, type="number", label_en="Disputed amount")

    html = admin_client.get("/complaints/add?_l_=en").get_data(as_text=True)
    assert f'name="cf_{key}"' in html and "Disputed amount" in html
    assert 'type="number"' in html


def test_a_value_is_saved_with_its_event_and_shown(admin_client, dbs, ids, cleanup):
    key = f.unique("product_").lower()
    add_field(admin_client, cleanup, key, type="choice", label_en="Product",
              choices="box | Box FR | Box EN\nphone | Téléphone | Phone")
    data = add_form(ids, **{f"cf_{key}": "phone"})
    response = admin_client.post("/complaints/add", data=data)
    assert response.status_code == 302, f.messages(response)
    with dbs() as s:
        [complaint] = by_subject(s, data["subject"])
        field = s.scalars(select(CustomField).where(CustomField.key == key)).one()
        value = s.get(CustomFieldValue, (complaint.id, field.id))
        assert value.value_text == "phone"
        pk = complaint.id
    html = admin_client.get(f"/complaints/show/{pk}?_l_=en").get_data(as_text=True)
    assert "Custom fields" in html and "Phone" in html
    edit = admin_client.get(f"/complaints/edit/{pk}").get_data(as_text=True)
    assert re.search(r"<option selected value=\"phone\"|value=\"phone\" selected", edit), edit[edit.find("cf_"):][:600]
    response = admin_client.post(f"/complaints/edit/{pk}",
                                 data=add_form(ids, subject=data["subject"],
                                               **{f"cf_{key}": "box"}))
    assert response.status_code == 302, f.messages(response)
    with dbs() as s:
        events = s.execute(select(Event.field, Event.old_value, Event.new_value)
                           .where(Event.complaint_id == pk, Event.field == f"cf:{key}")
                           .order_by(Event.id)).all()
        assert [tuple(e) for e in events] == [(f"cf:{key}", None, "phone"),
                                              (f"cf:{key}", "phone", "box")]
    history = admin_client.get(f"/complaints/show/{pk}?_l_=en").get_data(as_text=True)
    assert "Product changed: Phone → Box EN" in history


def test_the_list_filters_on_a_field_added_after_start(admin_client, dbs, ids, cleanup):
    key = f.unique("amount_").lower()
    add_field(admin_client, cleanup, key, type="number", label_en="Amount")
    made = {}
    for amount in ("10", "250.5", ""):
        data = add_form(ids, **{f"cf_{key}": amount})
        assert admin_client.post("/complaints/add", data=data).status_code == 302
        with dbs() as s:
            made[amount] = by_subject(s, data["subject"])[0].id
    page = admin_client.get(f"/complaints/list/?cfmin_{key}=100&psize_ComplaintView=100")
    assert f'name="cfmin_{key}"' in page.get_data(as_text=True)
    shown = f.shown_ids(page)
    assert made["250.5"] in shown and made["10"] not in shown and made[""] not in shown
    shown = f.shown_ids(admin_client.get(f"/complaints/list/?cfmax_{key}=10,0"))
    assert made["10"] in shown and made["250.5"] not in shown
    bad = admin_client.get(f"/complaints/list/?cf_{key}=abc&_l_=en", follow_redirects=True)
    assert "Some filters of this address were invalid" in " ".join(f.messages(bad))


def test_text_and_yes_no_filters(admin_client, dbs, ids, cleanup):
    text_key, flag_key = f.unique("ref_").lower(), f.unique("vip_").lower()
    add_field(admin_client, cleanup, text_key)
    add_field(admin_client, cleanup, flag_key, type="yes_no")
    data = add_form(ids, **{f"cf_{text_key}": "Dossier 50%_B", f"cf_{flag_key}": "yes"})
    assert admin_client.post("/complaints/add", data=data).status_code == 302
    other = add_form(ids, **{f"cf_{text_key}": "Dossier 50xB", f"cf_{flag_key}": "no"})
    assert admin_client.post("/complaints/add", data=other).status_code == 302
    with dbs() as s:
        pk, other_pk = by_subject(s, data["subject"])[0].id, by_subject(s, other["subject"])[0].id
    shown = f.shown_ids(admin_client.get(f"/complaints/list/?cf_{text_key}=50%25_"))
    assert pk in shown and other_pk not in shown
    shown = f.shown_ids(admin_client.get(f"/complaints/list/?cf_{flag_key}=no"))
    assert other_pk in shown and pk not in shown


def test_the_export_has_one_typed_column_per_field(admin_client, dbs, ids, cleanup):
    from datetime import date, datetime

    from tests.integration.test_exports import rows_of, workbook

    keys = [f.unique(p).lower() for p in ("amt_", "day_", "kind_", "note_", "vip_", "hid_")]
    add_field(admin_client, cleanup, keys[0], type="number", label_en="Amount")
    add_field(admin_client, cleanup, keys[1], type="date", label_en="Incident day")
    add_field(admin_client, cleanup, keys[2], type="choice", label_en="Kind",
              choices="a | Alpha | Alpha EN\nb | Bêta | Beta EN")
    add_field(admin_client, cleanup, keys[3], label_en="Note")
    add_field(admin_client, cleanup, keys[4], type="yes_no", label_en="VIP")
    add_field(admin_client, cleanup, keys[5], label_en="Hidden", in_export="")
    data = add_form(ids, **{f"cf_{keys[0]}": "1250.5", f"cf_{keys[1]}": "2026-06-30",
                            f"cf_{keys[2]}": "b", f"cf_{keys[3]}": "=1+1",
                            f"cf_{keys[4]}": "yes", f"cf_{keys[5]}": "secret"})
    assert admin_client.post("/complaints/add", data=data).status_code == 302
    admin_client.get("/lang/en")
    response = admin_client.post(f"/complaints/export?_flt_2_subject={data['subject']}"
                                 f"&cfmin_{keys[0]}=1000")
    sheet = workbook(response).active
    header, rows = rows_of(sheet)
    assert sheet.cell(row=2, column=header.index("Note") + 1).data_type == "s"  # not a formula
    assert header[-5:] == ["Amount", "Incident day", "Kind", "Note", "VIP"]
    [row] = rows
    assert row["Amount"] == 1250.5
    assert row["Incident day"] in (datetime(2026, 6, 30), date(2026, 6, 30))
    assert (row["Kind"], row["Note"], row["VIP"]) == ("Beta EN", "=1+1", "Yes")
    assert "Hidden" not in header
    admin_client.get("/lang/fr")


def test_reports_group_by_a_choice_and_a_yes_no_field(admin_client, dbs, cleanup):
    from datetime import datetime

    from app.services import custom_fields as service

    kind, flag = f.unique("cause_").lower(), f.unique("repeat_").lower()
    add_field(admin_client, cleanup, kind, type="choice", label_en="Cause",
              choices="wear | Usure | Wear\nmisuse | Mauvais usage | Misuse")
    add_field(admin_client, cleanup, flag, type="yes_no", label_en="Repeat")
    with dbs() as s:
        for code, repeat in (("wear", True), ("wear", False), ("misuse", True), (None, None)):
            complaint = f.make_complaint(s, received_at=datetime(2031, 3, 10, 9, 0))
            service.stage_values(s, complaint, {kind: code, flag: repeat})
            s.commit()
    period = "period=custom&from=2031-03-01&to=2031-03-31"
    page = admin_client.get(f"/reports/?{period}&group=cf_{kind}&_l_=en")
    html = page.get_data(as_text=True)
    assert f'value="cf_{kind}"' in html and f'value="cf_{flag}"' in html
    rows = dict(re.findall(r'<td class="rec-group">([^<]+)</td>\s*<td[^>]*>(\d+)</td>', html))
    assert (rows.get("Wear"), rows.get("Misuse")) == ("2", "1"), rows
    html = admin_client.get(f"/reports/?{period}&group=cf_{flag}").get_data(as_text=True)
    rows = dict(re.findall(r'<td class="rec-group">([^<]+)</td>\s*<td[^>]*>(\d+)</td>', html))
    assert (rows.get("Yes"), rows.get("No")) == ("2", "1"), rows
    response = admin_client.get(f"/reports/export?{period}&group=cf_{kind}")
    assert response.status_code == 200
