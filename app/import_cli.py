"""``flask --app run import clients|contracts|complaints FILE --mapping mapping.json``."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from app.domain.imports import KINDS


@click.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mapping", "mapping_path", required=True, type=click.Path(path_type=Path),
              help="JSON mapping (columns → fields, values). Written, guessed from the "
                   "headers, when the file does not exist yet: check it, then run again.")
@click.option("--dry-run", is_flag=True, help="Say what would be done; write nothing.")
@click.option("--sheet", help="Sheet of an .xlsx workbook (default: the first).")
@click.option("--resume", type=int, help="Id of an import to resume (its rows already "
                                         "written are skipped).")
@click.option("--refused", "refused_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the refused rows to this .xlsx, with a column giving the reason.")
@click.option("--batch", default=500, show_default=True, help="Rows per transaction.")
@with_appcontext
def import_command(kind, file, mapping_path, dry_run, sheet, resume, refused_path, batch):
    """Import clients, contracts or complaints from an .xlsx or .csv FILE."""
    from app.extensions import db
    from app.models import ImportRun
    from app.services import imports
    from app.services.exceptions import ServiceError
    from app.services.import_messages import reason

    session = db.session
    try:
        table = imports.read_table(file.read_bytes(), file.name, sheet)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    if not mapping_path.exists():
        mapping_path.write_text(imports.guess(session, kind, table.headers).to_json(),
                                encoding="utf-8")
        click.echo(f"Mapping guessed from the headers written to {mapping_path}: check it, "
                   "then run the command again.")
        return
    try:
        mapping = imports.Mapping.from_json(mapping_path.read_text(encoding="utf-8"))
    except ValueError:
        raise click.ClickException(f"{mapping_path}: not a valid mapping (JSON).") from None
    if dry_run:
        report = imports.check_import(session, kind, table, mapping)
        session.rollback()
    else:
        run = session.get(ImportRun, resume) if resume else imports.start_import(
            session, kind, file.name, mapping)
        if run is None or run.kind != kind:
            raise click.ClickException(f"No {kind} import #{resume}.")
        report = imports.run_import(session, run, table, batch_size=batch,
                                    progress=lambda done, _total: click.echo(
                                        f"… {done} rows", err=True))
        click.echo(f"Import #{run.id}: {run.status}{' – ' + run.error if run.error else ''}")
    for line, refusal, _values in report.refused:
        click.echo(f"line {line}: {reason(refusal)}")
    if refused_path and report.refused:
        refused_path.write_bytes(imports.refused_workbook(table.headers, report.refused,
                                                          reason, "Motif"))
    verb = "would be" if dry_run else "were"
    click.echo(f"{report.rows} rows: {report.created} {verb} created, {report.updated} "
               f"{verb} updated, {len(report.refused)} refused.")
    if report.unknown:
        for name, values in report.unknown.items():
            click.echo(f"unknown {name}: " + ", ".join(sorted(map(str, values))))
