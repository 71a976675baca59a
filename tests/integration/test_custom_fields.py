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
