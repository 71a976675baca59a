"""The navbar's quick search."""

from flask import redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.read_only import read_only
from app.reader import scope_facets, visible_condition
from app.services.search import quick_search
from app.views.formatting import local_datetime
from app.views.labels import CLIENT_LABELS, COMPLAINT_LABELS


class SearchView(BaseView):
    route_base = "/search"
    default_view = "search"
    base_permissions = ["can_search"]

    @read_only
    @expose("/")
    @has_access
    def search(self):
        text = request.args.get("q", "")[:200]
        result = quick_search(db.session, text, scope=visible_condition(),
                              scope_facets=scope_facets(db.session))
        if result.exact is not None:
            return redirect(url_for("ComplaintView.show", pk=result.exact.id))
        self.update_redirect()  # switching language keeps the results on screen
        return self.render_template(
            "search.html", q=text, result=result, labels=COMPLAINT_LABELS,
            client_labels=CLIENT_LABELS, local_datetime=local_datetime,
            title=_l("Search"))
