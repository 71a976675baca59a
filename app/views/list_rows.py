"""The rows of FAB's list widget, rendered in Python once a page's invariants are known.

FAB's list template spends most of a list page: for each of 25 rows a macro asks
``url_for`` for the show, edit and delete addresses, appends the related-view filters,
translates five labels, and every cell goes through Jinja's call and escape machinery
(templates/appbuilder/general/widgets/list.html calls ``list_rows`` instead). The HTML is
FAB's, to the character but whitespace (tests/integration/test_list_rows.py): the address
of a row differs from another's only by its primary key, so each action's address is
built once around a placeholder, and the labels are translated once a page.
"""

from datetime import date, datetime

from flask import url_for
from flask_babel import gettext
from markupsafe import Markup, escape

from app.views.formatting import local_date, local_datetime

_PLACEHOLDER = 987_654_321  # an integer, as FAB's routes take ``<pk>`` (int or string)


class RowLink:
    """``link(pk)``: the address of ``endpoint`` for that row, filters of a related view
    appended as FAB's ``set_link_filters`` does."""

    def __init__(self, endpoint: str, filters=None):
        self.endpoint, self.filters = endpoint, filters
        self.prefix, _, self.suffix = self._url(_PLACEHOLDER).partition(str(_PLACEHOLDER))

    def __call__(self, pk) -> str:
        if isinstance(pk, int):
            return f"{self.prefix}{pk}{self.suffix}"
        return self._url(pk)  # a composite key, serialised as JSON: url_for quotes it

    def _url(self, pk) -> str:
        url = url_for(self.endpoint, pk=pk)
        if self.filters is not None:
            for flt, value in self.filters.get_filters_values():
                if flt.is_related_view:
                    url += ("&" if "?" in url else "?") + f"_flt_0_{flt.column_name}={value}"
        return url


def row_link(endpoint: str, filters=None) -> RowLink | None:
    """None when the endpoint has no route (FAB's ``safe_url_for`` hides the button)."""
    try:
        return RowLink(endpoint, filters)
    except Exception:  # werkzeug's BuildError, or a route that refuses the placeholder
        return None


class RowButtons:
    """The cell of FAB's ``lib.btn_crud`` macro: show, edit and delete, as allowed."""

    def __init__(self, modelview_name, filters, can_show, can_edit, can_delete, nonce=""):
        self.show = row_link(f"{modelview_name}.show", filters) if can_show else None
        self.edit = row_link(f"{modelview_name}.edit", filters) if can_edit else None
        self.delete = row_link(f"{modelview_name}.delete") if can_delete else None
        self.nonce = escape(nonce)
        self.labels = {key: escape(gettext(text)) for key, text in (
            ("show_title", "Show record"), ("show", "Show"), ("edit_title", "Edit record"),
            ("edit", "Edit"), ("delete_title", "Delete record"), ("delete", "Delete"),
            ("question", "Are you sure you want to delete this item?"))}

    def __call__(self, pk) -> str:
        t = self.labels
        html = ['<td><center><div class="btn-group btn-group-xs" style="display: flex;">']
        if self.show:
            html.append(f'<a href="{escape(self.show(pk))}" class="btn btn-sm btn-default" '
                        f'data-toggle="tooltip" rel="tooltip" title="{t["show_title"]}">'
                        f'<span class="sr-only">{t["show"]}</span>'
                        '<i class="fa fa-search"></i></a>')
        if self.edit:
            html.append(f'<a href="{escape(self.edit(pk))}" class="btn btn-sm btn-default" '
                        f'data-toggle="tooltip" rel="tooltip" title="{t["edit_title"]}">'
                        f'<span class="sr-only">{t["edit"]}</span>'
                        '<i class="fa fa-edit"></i></a>')
        if self.delete:
            href = escape(self.delete(pk))
            html.append(f'<a id="btn-delete-{href}" href="#" class="btn btn-sm btn-default '
                        f'confirm" rel="tooltip" title="{t["delete_title"]}">'
                        f'<span class="sr-only">{t["delete"]}</span>'
                        '<i class="fa fa-trash"></i></a>'
                        f'<script nonce="{self.nonce}">'
                        f'document.getElementById("btn-delete-{href}")'
                        '.addEventListener("click", function () {'
                        ' const adminAction = new AdminActions();'
                        f" return adminAction.execute_single_delete('{href}','{t['question']}');"
                        ' })</script>')
        html.append("</div></center></td>")
        return "".join(html)


def shown(value) -> str:
    """A value without a formatter as a reader reads it: nothing for None, yes or no for
    a boolean, a date and time in their language and time zone (not Python's "None",
    "True" or "2026-12-05 17:18:12.764537")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return local_datetime(value)
    if isinstance(value, date):
        return local_date(value)
    return value


def list_rows(value_columns, pks, columns, formatters, actions=None, buttons=None) -> Markup:
    """The ``<tr>`` of every row: the action checkbox, the buttons, then each column through
    its formatter, or as :func:`shown`, escaped as Jinja's autoescape does."""
    rows = []
    select = escape(gettext("Select this row")) if actions else ""
    for pk, item in zip(pks, value_columns, strict=False):
        cells = []
        if actions:
            cells.append(f'<td><input id="{escape(pk)}" class="action_check" name="rowid" '
                         f'value="{escape(pk)}" type="checkbox" aria-label="{select}"></td>')
        if buttons is not None:
            cells.append(buttons(pk))
        for column in columns:
            value, formatter = item[column], formatters.get(column)
            if getattr(formatter, "with_pk", False):  # a link to the row's page
                cells.append(f"<td>{escape(formatter(value, pk))}</td>")
            elif formatter is not None:
                cells.append(f"<td>{escape(formatter(value))}</td>")
            else:
                cells.append(f"<td>{escape(shown(value))}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return Markup("\n".join(rows))
