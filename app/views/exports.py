"""Excel downloads: the complaint list's export (its exact filters and sort), and "My
exports", where background exports show their progress and their download link."""

import copy
import os
import re
import tempfile

from flask import abort, current_app, g, send_file
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Complaint
from app.services import export_files, export_jobs
from app.views import custom_field_filters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_ARG = re.compile(r"_flt_(\d)_(.*)")
STATUS_LABELS = {"pending": _l("Waiting"), "running": _l("In progress"),
                 "done": _l("Ready"), "failed": _l("Failed")}


def list_statement(view, args):
    """SELECT of the complaints the list ``view`` shows for the URL arguments ``args``:
    its search filters (``_flt_*``, as FAB reads them) and its sort (``_oc_``/``_od_``),
    without pagination. Visibility is applied by the export service. Raises what FAB
    raises on malformed values (see app/views/base.MALFORMED_ARGS)."""
    filters = copy.copy(view._filters)
    filters.clear_filters()
    searchable = filters.get_search_filters()
    for arg in args:
        match = FILTER_ARG.fullmatch(arg)
        if match and match.group(2) in searchable:
            filters.add_filter_index(match.group(2), int(match.group(1)), args.getlist(arg))
    name = type(view).__name__
    order_column, direction = args.get(f"_oc_{name}"), args.get(f"_od_{name}")
    if order_column not in view.order_columns or direction not in ("asc", "desc"):
        order_column, direction = view.base_order
    base = db.session.query(Complaint).filter(*custom_field_filters.conditions(db.session,
                                                                               args))
    query = view.datamodel.apply_all(base, filters, order_column, direction)
    return query.statement


def complaint_list_view():
    """The registered complaint list view of this application."""
    from app.views.complaints import ComplaintView

    for view in current_app.appbuilder.baseviews:
        if isinstance(view, ComplaintView):
            return view
    raise LookupError("ComplaintView is not registered")


def send_workbook(path, filename):
    """Send a workbook written to a temporary file, and remove the file afterwards."""
    handle = open(path, "rb")  # closed by the response once sent
    os.unlink(path)  # the open handle keeps the data until the response is sent
    return send_file(handle, mimetype=XLSX, as_attachment=True, download_name=filename)


def temporary_workbook() -> str:
    directory = os.path.join(current_app.config["FILE_STORAGE_PATH"], "tmp")
    os.makedirs(directory, exist_ok=True)
    handle, path = tempfile.mkstemp(suffix=".xlsx", dir=directory)
    os.close(handle)
    return path


class MyExportView(BaseView):
    """The signed-in user's background exports."""

    route_base = "/exports"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        jobs = export_jobs.jobs_of(db.session, g.user.id)
        return self.render_template(
            "exports.html", title=_l("My exports"), jobs=jobs, status_labels=STATUS_LABELS,
            refresh=any(job.status in ("pending", "running") for job in jobs))

    @expose("/<int:pk>/download")
    @has_access
    def download(self, pk):
        job = export_jobs.owned_file(db.session, pk, g.user.id)
        if job is None:  # someone else's export answers like a missing one
            abort(404)
        return send_file(export_files.file_source(db.engine, job), mimetype=XLSX,
                         as_attachment=True, download_name=job.file_name)
