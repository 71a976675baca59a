"""The index page: signed-in staff land on their work, others on the login page."""

from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose


class HomeView(IndexView):
    @expose("/")
    def index(self):
        if g.user is not None and g.user.is_authenticated:
            return redirect(url_for("DashboardView.index"))
        return redirect(url_for(self.appbuilder.sm.auth_view.endpoint + ".login"))
