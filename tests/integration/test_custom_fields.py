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


@pytest.fixture
def ids(dbs):
    """What the complaint form needs (as test_complaint_views' fixture of that name)."""
    with dbs() as s:
        client = f.make_client(s, name=f.unique("Martin "))
        return SimpleNamespace(client=client.id, contract=f.make_contract(s, client).id,
                               category="", complexity=f.complexity(s).id,
                               new=f.state(s, "new").id)


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
    assert re.search(r'<option selected value="phone"|value="phone" selected', edit)
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
    page = admin_client.get(f"/complaints/list/?cfmin_{key}=100&psize_ComplaintView=100"
                            "&_l_=en")
    html = page.get_data(as_text=True)
    assert f'name="cfmin_{key}"' in html
    assert "<th>Amount</th>" in html and "250.5" in html  # a column of the list too
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


def test_a_background_export_has_the_fields_through_the_lean_worker(app, admin_client, dbs,
                                                                     ids, cleanup,
                                                                     monkeypatch):
    """The worker imports no model: the values come out of the SELECT ready to write."""
    from datetime import date, datetime

    from app import jobs
    from tests.integration.test_exports import rows_of, workbook

    monkeypatch.setitem(app.config, "EXPORT_BACKGROUND_ROWS", 0)
    kind, vip, day = (f.unique(p).lower() for p in ("wkind_", "wvip_", "wday_"))
    add_field(admin_client, cleanup, kind, type="choice", label_en="Kind",
              choices="a | Alpha | Alpha EN\nb | Bêta | Beta EN")
    add_field(admin_client, cleanup, vip, type="yes_no", label_en="VIP")
    add_field(admin_client, cleanup, day, type="date", label_en="Incident day")
    data = add_form(ids, **{f"cf_{kind}": "b", f"cf_{vip}": "no", f"cf_{day}": "2026-05-04"})
    assert admin_client.post("/complaints/add", data=data).status_code == 302
    response = admin_client.post(f"/complaints/export?_l_=en&_flt_2_subject={data['subject']}")
    assert response.headers["Location"] == "/exports/"
    assert jobs.run_exports(app)["exports"] == 1
    with dbs() as s:
        from app.models import ExportJob

        job = s.scalars(select(ExportJob).order_by(ExportJob.id.desc())).first()
        assert job.status == "done", job.error
    header, rows = rows_of(workbook(admin_client.get(f"/exports/{job.id}/download")).active)
    assert header[-3:] == ["Kind", "VIP", "Incident day"]
    [row] = rows
    assert (row["Kind"], row["VIP"]) == ("Beta EN", "No")
    assert row["Incident day"] in (datetime(2026, 5, 4), date(2026, 5, 4))


def test_reports_group_by_a_choice_and_a_yes_no_field(admin_client, dbs, cleanup):
    from datetime import datetime

    from app.services import custom_fields as service

    kind, flag = f.unique("cause_").lower(), f.unique("repeat_").lower()
    add_field(admin_client, cleanup, kind, type="choice", label_en="Cause",
              choices="wear | Usure | Wear\nmisuse | Mauvais usage | Misuse")
    add_field(admin_client, cleanup, flag, type="yes_no", label_en="Repeat")
    with dbs() as s:
        for code, repeat in (("wear", True), ("wear", False), ("misuse", True), (None, None)):
            complaint = f.make_complaint(s, received_at=datetime(2022, 3, 10, 9, 0))
            service.stage_values(s, complaint, {kind: code, flag: repeat})
            s.commit()
    period = "period=custom&from=2022-03-01&to=2022-03-31"
    page = admin_client.get(f"/reports/?{period}&group=cf_{kind}&_l_=en")
    html = page.get_data(as_text=True)
    assert f'value="cf_{kind}"' in html and f'value="cf_{flag}"' in html
    rows = dict(re.findall(r'<td class="rec-group">([^<]+)</td>\s*<td[^>]*>(\d+)</td>', html))
    assert (rows.get("Wear"), rows.get("Misuse")) == ("2", "1"), rows
    html = admin_client.get(f"/reports/?{period}&group=cf_{flag}&_l_=en").get_data(as_text=True)
    rows = dict(re.findall(r'<td class="rec-group">([^<]+)</td>\s*<td[^>]*>(\d+)</td>', html))
    assert (rows.get("Yes"), rows.get("No")) == ("2", "1"), rows
    response = admin_client.get(f"/reports/export?{period}&group=cf_{kind}")
    assert response.status_code == 200


def test_the_api_reads_and_writes_values_with_the_same_checks(app, admin_client, dbs,
                                                              cleanup):
    from tests.integration.test_api import Api, jwt

    api = Api(app, jwt(app, "supervisor"))
    types = request_types(dbs)
    amount, day, kind = (f.unique(p).lower() for p in ("amt_", "day_", "kind_"))
    add_field(admin_client, cleanup, amount, type="number", required="y",
              request_types=str(types.complaint))
    add_field(admin_client, cleanup, day, type="date")
    add_field(admin_client, cleanup, kind, type="choice", choices="a | A | A\nb | B | B")
    with dbs() as s:
        complexity = f.complexity(s).id
    body = {"subject": f.unique("API "), "complexity_id": complexity,
            "request_type_id": types.complaint}
    missing = api.post("/complaint/", json=body, headers={"Accept-Language": "en"})
    assert missing.status_code == 400
    assert missing.json["message"] == f"Label {amount}: This field is required."
    bad = api.post("/complaint/", json={**body, "custom_fields": {amount: 5, day: "31/02/2026"}},
                   headers={"Accept-Language": "en"})
    assert bad.status_code == 400 and "Enter a date as YYYY-MM-DD." in bad.json["message"]
    early = api.post("/complaint/", json={**body, "custom_fields": {amount: 5,
                                                                    day: "0001-01-01"}},
                     headers={"Accept-Language": "en"})
    assert early.status_code == 400
    assert "The date must be between 1990 and 2100." in early.json["message"]
    unknown = api.post("/complaint/", json={**body, "custom_fields": {amount: 5, "nope": 1}})
    assert unknown.status_code == 400
    created = api.post("/complaint/", json={**body, "custom_fields": {
        amount: 12.5, day: "2026-06-30", kind: "b"}})
    assert created.status_code == 201, created.json
    pk = created.json["id"]
    got = api.get(f"/complaint/{pk}").json["result"]["custom_fields"]
    assert got == {amount: 12.5, day: "2026-06-30", kind: "b"}
    changed = api.put(f"/complaint/{pk}", json={"custom_fields": {kind: "a", day: None}})
    assert changed.status_code == 200, changed.json
    assert api.get(f"/complaint/{pk}").json["result"]["custom_fields"] == {amount: 12.5,
                                                                          kind: "a"}
    refused = api.put(f"/complaint/{pk}", json={"custom_fields": {kind: "zzz"}})
    assert refused.status_code == 400
    # Another request type: the amount is not required there.
    other = api.post("/complaint/", json={**body, "request_type_id": types.question})
    assert other.status_code == 201, other.json
    listed = api.get(f"/custom_field/?q=(filters:!((col:key,opr:eq,value:{kind})))")
    assert listed.status_code == 200 and listed.json["result"][0]["type"] == "choice"
    with dbs() as s:
        fields = s.execute(select(Event.field).where(Event.complaint_id == pk)).scalars().all()
        assert fields.count(f"cf:{kind}") == 2 and f"cf:{day}" in fields


def test_required_only_for_its_request_types_on_the_form(admin_client, dbs, ids, cleanup):
    types = request_types(dbs)
    key = f.unique("serial_").lower()
    add_field(admin_client, cleanup, key, required="y", label_en="Serial number",
              request_types=str(types.complaint))
    html = admin_client.get("/complaints/add").get_data(as_text=True)
    assert f'data-cf-types="{types.complaint}"' in html
    data = add_form(ids, request_type=types.complaint)
    refused = admin_client.post("/complaints/add?_l_=en", data=data)
    assert refused.status_code == 200 and "This field is required." in f.messages(refused)
    with dbs() as s:
        assert by_subject(s, data["subject"]) == []
    question = add_form(ids, request_type=types.question)
    assert admin_client.post("/complaints/add", data=question).status_code == 302
    typed = add_form(ids, request_type=types.complaint, **{f"cf_{key}": "SN-1"})
    assert admin_client.post("/complaints/add", data=typed).status_code == 302


@pytest.mark.parametrize(("changes", "message"), [
    ({"type": "choice", "choices": ""}, "A “choice” field needs at least one choice."),
    ({"type": "text", "choices": "a | A"}, "Only a “choice” field takes choices"),
    ({"key": "Not A Key"}, "The key must be lower-case letters"),
    ({"type": "choice", "choices": "a | A\na | B"}, "The choice code “a” is used twice."),
])
def test_an_inconsistent_definition_is_refused(admin_client, dbs, cleanup, changes, message):
    changes = dict(changes)
    key = changes.pop("key", None) or f.unique("bad_").lower()
    cleanup.append(key)
    response = admin_client.post("/config/custom-fields/add?_l_=en",
                                 data=field_form(key, **changes), follow_redirects=True)
    assert message in " ".join(f.messages(response))
    with dbs() as s:
        assert s.scalars(select(CustomField).where(CustomField.key == key)).all() == []


def test_key_type_and_used_choices_are_kept_once_values_exist(admin_client, dbs, cleanup):
    from app.services import custom_fields as service

    key = f.unique("level_").lower()
    add_field(admin_client, cleanup, key, type="choice", choices="hi | Haut\nlo | Bas")
    duplicate = admin_client.post("/config/custom-fields/add?_l_=en",
                                  data=field_form(key), follow_redirects=True)
    assert f"“{key}” is already used." in " ".join(f.messages(duplicate))  # the unique rule
    with dbs() as s:
        field_id = s.scalars(select(CustomField.id).where(CustomField.key == key)).one()
        complaint = f.make_complaint(s)
        service.stage_values(s, complaint, {key: "hi"})
        s.commit()
    for changes, message in (({"type": "text", "choices": ""}, "its type cannot change"),
                             ({"key": key + "x"}, "its key cannot change"),
                             ({"choices": "lo | Bas"}, "Complaints use the choice “hi”")):
        form = field_form(key, type="choice", choices="hi | Haut\nlo | Bas")
        form.update(changes)
        response = admin_client.post(f"/config/custom-fields/edit/{field_id}?_l_=en",
                                     data=form, follow_redirects=True)
        assert message in " ".join(f.messages(response)), changes
    renamed = field_form(key, type="choice", choices="hi | Très haut | Very high\nlo | Bas")
    response = admin_client.post(f"/config/custom-fields/edit/{field_id}", data=renamed)
    assert response.status_code == 302
    with dbs() as s:
        assert "Très haut" in s.get(CustomField, field_id).choices


def test_personal_text_is_cleared_and_deletion_keeps_the_values(admin_client, dbs, cleanup):
    import json

    from app.services import custom_fields as service
    from app.services import deletion

    note, amount = f.unique("witness_").lower(), f.unique("sum_").lower()
    add_field(admin_client, cleanup, note)
    add_field(admin_client, cleanup, amount, type="number")
    with dbs() as s:
        complaint = f.make_complaint(s)
        service.stage_values(s, complaint, {note: "Mme Durand, voisine", amount: 40})
        s.commit()
        assert deletion.snapshot(complaint)["custom_fields"] == {note: "Mme Durand, voisine",
                                                                 amount: 40.0}
        assert service.clear_personal_values(s, complaint) == 1  # the text, not the number
        s.commit()
        assert complaint.custom_fields == {amount: 40.0}
        record = deletion.stage_deletion(s, complaint, f.user(s, "admin"))
        s.delete(complaint)
        s.commit()
        assert json.loads(record.snapshot)["custom_fields"] == {amount: 40.0}
        assert s.scalars(select(CustomFieldValue).where(
            CustomFieldValue.complaint_id == complaint.id)).all() == []
