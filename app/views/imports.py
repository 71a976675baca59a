"""Configuration → Import (admins): upload an .xlsx or .csv, map its columns, dry run,
download the refused rows, then import.

The uploaded file waits in the instance folder (``imports/<random>``) between the steps;
the browser's session names it. A file of at most ``IMPORT_WEB_SYNC_ROWS`` rows is
imported while the browser waits; a larger one is queued for the scheduler
(``services.import_jobs``), and this page shows its progress.
"""

import io
import secrets
from pathlib import Path

from flask import current_app, flash, redirect, request, send_file, session, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.domain import imports as rules
from app.extensions import db
from app.i18n import current_language
from app.models import ImportRun
from app.services import import_jobs
from app.services import imports as service
from app.services.exceptions import ServiceError
from app.services.import_messages import field_label, reason
from app.services.import_rows import custom_field_choices, items_for

KEY = "import_upload"
SYNC_ROWS = 1000
MAX_REFUSED_SHOWN = 200


def _status_labels():
    return {"pending": _("Waiting"), "running": _("Running"), "done": _("Done"),
            "failed": _("Failed")}


def _kind_labels():
    return {rules.CLIENTS: _("Clients"), rules.CONTRACTS: _("Contracts"),
            rules.COMPLAINTS: _("Complaints")}


class ImportView(BaseView):
    route_base = "/config/import"
    default_view = "index"
    base_permissions = ["can_index", "can_import"]
    method_permission_name = {"index": "index", "upload": "import", "mapping": "import",
                              "check": "import", "refused": "import", "run": "import"}

    @expose("/")
    @has_access
    def index(self):
        runs = list(db.session.scalars(select(ImportRun).order_by(ImportRun.id.desc())
                                       .limit(20)))
        return self.render_template("imports/index.html", title=_("Import"),
                                    kinds=_kind_labels(), runs=runs,
                                    status_labels=_status_labels(),
                                    refresh=any(r.status in ("pending", "running")
                                                for r in runs))

    @expose("/", methods=["POST"])
    @has_access
    def upload(self):
        upload, kind = request.files.get("file"), request.form.get("kind")
        if upload is None or not upload.filename or kind not in rules.KINDS:
            flash(_("Choose a file and what its rows are."), "danger")
            return redirect(url_for("ImportView.index"))
        name = Path(upload.filename).name
        data = upload.read()
        try:
            table = service.read_table(data, name)
        except ServiceError as error:
            flash(str(error), "danger")
            return redirect(url_for("ImportView.index"))
        token = secrets.token_hex(16)
        _folder().mkdir(parents=True, exist_ok=True)
        (_folder() / token).write_bytes(data)
        session[KEY] = {"token": token, "name": name, "kind": kind,
                        "sheet": (table.sheets or [None])[0]}
        return redirect(url_for("ImportView.mapping"))

    @expose("/mapping")
    @has_access
    def mapping(self):
        upload = session.get(KEY)
        if not upload:
            return redirect(url_for("ImportView.index"))
        if request.args.get("sheet"):
            upload = {**upload, "sheet": request.args["sheet"]}
            session[KEY] = upload
            _mapping_path(upload).unlink(missing_ok=True)
        table = _table(upload)
        if table is None:
            return redirect(url_for("ImportView.index"))
        mapping = _saved_mapping(upload) or service.guess(db.session, upload["kind"],
                                                          table.headers)
        return self._page(upload, table, mapping, None)

    @expose("/check", methods=["POST"])
    @has_access
    def check(self):
        upload = session.get(KEY)
        table = _table(upload) if upload else None
        if table is None:
            return redirect(url_for("ImportView.index"))
        mapping = _mapping_from_form(table.headers)
        _mapping_path(upload).write_text(mapping.to_json(), encoding="utf-8")
        report = service.check_import(db.session, upload["kind"], table, mapping)
        db.session.rollback()
        return self._page(upload, table, mapping, report)

    @expose("/refused")
    @has_access
    def refused(self):
        upload = session.get(KEY)
        table = _table(upload) if upload else None
        mapping = _saved_mapping(upload) if table else None
        if mapping is None:
            return redirect(url_for("ImportView.index"))
        report = service.check_import(db.session, upload["kind"], table, mapping)
        db.session.rollback()
        labels = _custom_labels()
        data = service.refused_workbook(table.headers, report.refused,
                                        lambda r: reason(r, labels), _("Reason"))
        name = _("%(file)s-refused.xlsx", file=Path(upload["name"]).stem)
        return send_file(io.BytesIO(data), as_attachment=True, download_name=name,
                         mimetype="application/vnd.openxmlformats-officedocument."
                                  "spreadsheetml.sheet")

    @expose("/run", methods=["POST"])
    @has_access
    def run(self):
        upload = session.get(KEY)
        table = _table(upload) if upload else None
        mapping = _saved_mapping(upload) if table else None
        if mapping is None:
            flash(_("Check the import (dry run) before running it."), "warning")
            return redirect(url_for("ImportView.index"))
        rows = sum(1 for _row in table.rows())
        user_id = getattr(current_user, "id", None)
        if rows > _sync_rows():
            import_jobs.queue_import(db.session, upload["kind"], upload["name"],
                                     _folder() / upload["token"], upload.get("sheet"),
                                     mapping, user_id=user_id, total=rows)
            _mapping_path(upload).unlink(missing_ok=True)
            session.pop(KEY, None)  # the file now belongs to the queued run
            flash(_("The import runs in the background: follow its progress below."),
                  "info")
            return redirect(url_for("ImportView.index"))
        run = service.start_import(db.session, upload["kind"], upload["name"], mapping,
                                   user_id=user_id, total=rows)
        report = service.run_import(db.session, run, table)
        _discard(upload)
        flash(_("Import done: %(created)s created, %(updated)s updated, %(refused)s "
                "refused.", created=report.created, updated=report.updated,
                refused=len(report.refused)),
              "success" if run.status == "done" else "danger")
        return redirect(url_for("ImportView.index"))

    def _page(self, upload, table, mapping, report):
        kind, language = upload["kind"], current_language()
        custom = _custom_labels() if kind == rules.COMPLAINTS else {}
        fields = [(f.name, field_label(f.name), f.required) for f in rules.fields_of(kind)]
        fields += [(name, label, False) for name, label in custom.items()]
        unknown = {}
        if report is not None:
            unknown = {name: (field_label(name, custom), sorted(map(str, values)),
                              items_for(db.session, name, language))
                       for name, values in report.unknown.items()}
        labels = {name: label for name, label, _required in fields}
        return self.render_template(
            "imports/mapping.html", title=_("Import"), upload=upload, table=table,
            kind_label=_kind_labels()[kind], fields=fields, mapping=mapping.columns,
            chosen=mapping.values, report=report, unknown=unknown, labels=labels,
            refused=[(line, reason(r, custom)) for line, r, _v in
                     (report.refused[:MAX_REFUSED_SHOWN] if report else [])],
            preview=_preview(report, labels))


def _sync_rows() -> int:
    return current_app.config.get("IMPORT_WEB_SYNC_ROWS", SYNC_ROWS)


def _folder() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / "imports"


def _mapping_path(upload) -> Path:
    return _folder() / f"{upload['token']}.json"


def _table(upload):
    path = _folder() / upload["token"]
    if not path.exists():
        flash(_("The uploaded file is no longer available: upload it again."), "warning")
        return None
    try:
        return service.read_table(path.read_bytes(), upload["name"], upload.get("sheet"))
    except ServiceError as error:
        flash(str(error), "danger")
        return None


def _saved_mapping(upload):
    path = _mapping_path(upload)
    return service.Mapping.from_json(path.read_text(encoding="utf-8")) if path.exists() \
        else None


def _discard(upload):
    for path in (_folder() / upload["token"], _mapping_path(upload)):
        path.unlink(missing_ok=True)
    session.pop(KEY, None)


def _mapping_from_form(headers) -> service.Mapping:
    """``col-<i>`` names the field of column i; ``value-<field>-<n>`` and
    ``choice-<field>-<n>`` give the item chosen for an unknown value."""
    form = request.form
    columns = {str(h): form.get(f"col-{i}", "") for i, h in enumerate(headers)}
    values = {}
    for key in form:
        if key.startswith("value-"):
            _prefix, name, n = key.split("-", 2)
            values.setdefault(name, {})[form[key]] = form.get(f"choice-{name}-{n}") or None
    return service.Mapping({h: f for h, f in columns.items() if f}, values)


def _custom_labels() -> dict:
    language = current_language()
    return {rules.CUSTOM_PREFIX + key: (en if language == "en" else fr)
            for key, fr, en in custom_field_choices(db.session)}


def _preview(report, labels):
    if report is None or not report.preview:
        return None
    names = [n for n in labels if any(n in values for _line, values in report.preview)]
    rows = [(line, [_shown(values.get(n)) for n in names]) for line, values in report.preview]
    return [labels[n] for n in names], rows


def _shown(value):
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y %H:%M" if hasattr(value, "hour") else "%d/%m/%Y")
    if isinstance(value, dict):
        return ""
    return str(value)
