"""FAB's search form, its options rendered once per process and language, not per page.

FAB renders every field of a list's search form on every page, and each select asks the
database for all of its options (two statements per reference list: twenty-four on the
complaint list). Those options are the same for every reader, so they are kept per
process, with the reference-list version they were rendered at
(app/services/reference_version.py): one statement a page tells whether they still are.
"""

from flask import current_app
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.widgets import FormWidget, SearchWidget

from app.extensions import db
from app.i18n import current_language
from app.services import reference_version

CACHE_KEY = "rendered_search_forms"


class CachedSearchWidget(SearchWidget):
    def __call__(self, **kwargs):
        form = self.template_args["form"]
        columns = tuple(self.template_args["include_cols"])
        kwargs.update(_rendered(type(form), columns, lambda: self._render_fields(form, columns)))
        kwargs["active_filters"] = self.filters.get_filters_values_tojson()
        return FormWidget.__call__(self, **kwargs)

    def _render_fields(self, form, columns) -> dict:
        """What FAB's SearchWidget computes, but the active filters (per request)."""
        search_filters = self.filters.get_search_filters()
        return {
            "label_columns": {c: as_unicode(form[c].label.text) for c in columns},
            "form_fields": {c: str(form[c]()) for c in columns},
            "search_filters": {c: [as_unicode(f.name) for f in search_filters[c]]
                               for c in columns},
        }


def _rendered(form_class, columns, render) -> dict:
    """The rendered fields of this form, from the process's cache while still current."""
    cache = current_app.extensions.setdefault(CACHE_KEY, {})
    key = (form_class, columns, current_language())
    version = reference_version.current(db.session)
    kept = cache.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    fields = render()
    cache[key] = (version, fields)
    return fields
