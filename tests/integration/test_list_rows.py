"""The list rows rendered in Python are FAB's: the same HTML as its list widget's macro
(whitespace aside) for the buttons, the same cells, and addresses with the related view's
filters."""

import re

from flask import render_template_string
from flask_babel import force_locale

from app.views.list_rows import RowButtons, RowLink, list_rows
from tests import factories as f

FAB_BUTTONS = """{% import 'appbuilder/general/lib.html' as lib %}
<td><center>
{{ lib.btn_crud(can_show, can_edit, can_delete, pk, modelview_name, filters) }}
</center></td>"""


NONCE = "{% import 'appbuilder/baselib.html' as baselib %}{{ baselib.get_nonce() }}"


def squeeze(html: str) -> str:
    return re.sub(r"\s+", "", str(html))


class NoFilters:
    def get_filters_values(self):
        return []


class RelatedFilter:
    is_related_view = True
    column_name = "client"


class OneRelatedFilter:
    def get_filters_values(self):
        return [(RelatedFilter(), 42)]


def test_the_buttons_are_fabs_macro(app):
    with app.test_request_context("/complaints/list/"):
        app.preprocess_request()
        for language in ("fr", "en"):
            with force_locale(language):
                for rights in [(True, True, True), (True, False, False), (False, True, True)]:
                    for filters in (NoFilters(), OneRelatedFilter()):
                        fab = render_template_string(
                            FAB_BUTTONS, can_show=rights[0], can_edit=rights[1],
                            can_delete=rights[2], pk=1234, modelview_name="ComplaintView",
                            filters=filters)
                        nonce = render_template_string(NONCE)
                        ours = RowButtons("ComplaintView", filters, *rights, nonce)(1234)
                        assert squeeze(ours) == squeeze(fab)


def test_a_link_keeps_the_related_views_filter(app):
    with app.test_request_context("/"):
        link = RowLink("ContractView.show", OneRelatedFilter())
        assert link(7) == "/contracts/show/7?_flt_0_client=42"
        assert link('{"a": 1}') == "/contracts/show/%7B%22a%22:%201%7D?_flt_0_client=42"


def test_cells_are_escaped_and_blank_for_none(app):
    rows = list_rows([{"subject": "<script>", "client": None, "due_at": "x"}], [5],
                     ["subject", "client", "due_at"], {"due_at": lambda v: v.upper()})
    assert str(rows) == "<tr><td>&lt;script&gt;</td><td></td><td>X</td></tr>"


def test_the_complaint_list_shows_its_rows_with_their_buttons(admin_client, dbs):
    with dbs() as s:
        complaint = f.make_complaint(s, subject=f.unique("Sujet <b>gras</b>"))
        s.commit()
        pk, subject = complaint.id, complaint.subject
    html = admin_client.get(f"/complaints/list/?_flt_0_tracking_number="
                            f"{complaint.tracking_number}").get_data(as_text=True)
    assert f'href="/complaints/show/{pk}"' in html and f'href="/complaints/edit/{pk}"' in html
    assert f'id="btn-delete-/complaints/delete/{pk}"' in html
    assert subject.replace("<", "&lt;").replace(">", "&gt;") in html
