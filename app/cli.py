"""``flask --app run …`` commands: the release step and demo data."""

import functools
import logging
import os
import time

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from app.import_cli import import_command
from config import ROOT


def register_cli(app):
    for command in (setup_command, backup_command, restore_command, demo_cli, outbox_cli,
                    scheduler_cli, intake_cli, import_command):
        _log_warnings_only(command)
        app.cli.add_command(command)


def _log_warnings_only(command):
    """A command prints what it did itself: the product's INFO lines (the same news, in
    log form) stay out of its output unless LOG_LEVEL asks for them."""
    for sub in getattr(command, "commands", {}).values():
        _log_warnings_only(sub)
    callback = command.callback
    if callback is None or getattr(callback, "logs_warnings_only", False):
        return

    @functools.wraps(callback)
    def quiet(*args, **kwargs):
        if not os.environ.get("LOG_LEVEL"):
            logging.getLogger("app").setLevel(logging.WARNING)
        return callback(*args, **kwargs)

    quiet.logs_warnings_only = True
    command.callback = quiet


@click.command("setup")
@click.option("--no-admin", is_flag=True, help="Do not create the admin account.")
@with_appcontext
def setup_command(no_admin):
    """Release step: migrate, create roles and permissions, seed data, create the admin."""
    release_step(no_admin)


def release_step(no_admin: bool) -> None:
    """The release step, printing what it migrated, added and recounted."""
    from app.extensions import db

    appbuilder = current_app.appbuilder
    from app.services import month_stats, setup

    before = setup.current_revision(db.engine)
    upgrade(directory=str(ROOT / "migrations"))
    applied = setup.revisions_between(ROOT / "migrations", before,
                                      setup.current_revision(db.engine))
    click.echo(f"Migrated: {', '.join(applied)}." if applied
               else "Schema up to date: nothing to migrate.")
    setup.sync_roles_and_permissions(appbuilder)
    labels = setup.Labels(ROOT / "translations")
    added = setup.seed_reference_data(db.session, labels)
    states = setup.seed_workflow(db.session, labels)
    setup.seed_deadline_rules(db.session)
    setup.seed_document_templates(db.session)
    setup.seed_notification_rules(db.session, labels)
    # counted in local months of the time zone
    if month_stats.ensure_time_zone(db.session):
        click.echo("Recounted: monthly and daily complaint counts.")
    else:
        click.echo("Counts up to date: nothing to recount.")
    setup.refresh_planner_statistics(db.session)
    click.echo(f"Database ready ({added} reference items and {states} states added).")
    if no_admin:
        return
    cfg = current_app.config
    generated = setup.ensure_admin(appbuilder, cfg["ADMIN_USERNAME"], cfg["ADMIN_PASSWORD"],
                                   cfg["ADMIN_EMAIL"])
    if generated:
        click.echo("")
        click.echo("=" * 64)
        click.echo(f"  Admin account created: {cfg['ADMIN_USERNAME']}")
        click.echo(f"  Generated password (shown once): {generated}")
        click.echo("=" * 64)
        click.echo("")


@click.command("backup")
@click.option("--to", "destination", type=click.Path(), default=None,
              help="A folder (a dated archive inside it) or a .tar path; default BACKUP_DIR.")
@click.option("--keep", type=int, default=None,
              help="Keep only the N newest archives of the folder.")
@with_appcontext
def backup_command(destination, keep):
    """Write one archive: the database, every stored file and a manifest."""
    from app.services import backup
    from app.services.clock import utcnow
    from app.services.exceptions import ServiceError

    cfg = current_app.config
    try:
        path = backup.write_backup(
            _engine(), _tables(), cfg["FILE_STORAGE_PATH"], destination or cfg["BACKUP_DIR"],
            version=backup.product_version(), file_storage=cfg["FILE_STORAGE"], now=utcnow())
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written: {path}")
    if keep is not None:
        for name in backup.rotate(path.parent, keep):
            click.echo(f"Removed old backup: {name}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True,
              help="Replace the data of an instance that is not empty.")
@with_appcontext
def restore_command(archive, force):
    """Restore an archive of `backup` (same database kind), then run the release step."""
    from app.extensions import db
    from app.services import backup
    from app.services.exceptions import ServiceError

    db.session.remove()
    try:
        manifest = backup.restore_backup(_engine(), _tables(),
                                         current_app.config["FILE_STORAGE_PATH"], archive,
                                         force=force)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored the backup of {manifest['created_at']} (version "
               f"{manifest['product_version']}, schema {manifest['revision']}): "
               f"{len(manifest['files']) - 1} files, counts checked.")
    release_step(no_admin=True)


def _engine():
    from app.extensions import db

    return db.engine


def _tables() -> list[str]:
    from app.extensions import db

    return sorted(db.metadata.tables)


demo_cli = AppGroup("demo", help="Realistic French demo data.")


@demo_cli.command("load")
@click.option("--clients", default=200, show_default=True, help="Number of clients.")
@click.option("--complaints", default=2000, show_default=True, help="Number of complaints.")
@click.option("--seed", default=42, show_default=True, help="Random seed.")
@click.option("--if-empty", is_flag=True, help="Do nothing if complaints already exist.")
@click.option("--password", envvar="DEMO_PASSWORD", show_envvar=True,
              help="Password of the demo agents created by this load (default: random).")
@with_appcontext
def demo_load(clients, complaints, seed, if_empty, password):
    """Load demo clients, contracts, complaints, notes, reminders and events in bulk."""
    from app.extensions import db
    from app.services import demo

    if if_empty and demo.has_complaints(db.session):
        click.echo("Complaints already exist: demo data not loaded.")
        return
    started = time.perf_counter()
    counts = demo.load_demo(db.session, clients=clients, complaints=complaints, seed=seed,
                            password=password or None)
    elapsed = time.perf_counter() - started
    summary = ", ".join(f"{n} {name}" for name, n in counts.items())
    click.echo(f"Demo data loaded in {elapsed:.1f} s: {summary}.")


outbox_cli = AppGroup("outbox", help="Outgoing emails.")


@outbox_cli.command("deliver")
@click.option("--batch", default=50, show_default=True, help="Emails claimed in this pass.")
@with_appcontext
def outbox_deliver(batch):
    """One delivery pass: send the due emails of the outbox (the scheduler runs the same)."""
    from app.extensions import db
    from app.mailer import mailer_from_config
    from app.services import outbox

    cfg = current_app.config
    mailer = mailer_from_config(cfg)
    counts = outbox.deliver_pending(db.session, mailer, batch=batch,
                                    max_attempts=cfg["OUTBOX_MAX_ATTEMPTS"])
    if mailer is None:
        click.echo(f"MAIL_SERVER is not set: nothing sent, {counts['pending']} email(s) "
                   "wait in the outbox.")
        return
    click.echo(f"{counts['sent']} sent, {counts['retry']} to retry, {counts['failed']} "
               f"failed, {counts['pending']} pending.")


@outbox_cli.command("deliver-sms")
@click.option("--batch", default=50, show_default=True, help="SMS claimed in this pass.")
@with_appcontext
def outbox_deliver_sms(batch):
    """One delivery pass of the SMS outbox (the scheduler runs the same)."""
    from app.extensions import db
    from app.services import sms_outbox, sms_settings

    cfg = current_app.config
    provider = sms_settings.provider_from(sms_settings.load(db.session), cfg["SMS_TIMEOUT"])
    counts = sms_outbox.deliver_pending(db.session, provider, batch=batch,
                                        max_attempts=cfg["OUTBOX_MAX_ATTEMPTS"])
    if provider is None:
        click.echo(f"No SMS provider configured: nothing sent, {counts['pending']} SMS "
                   "wait in the outbox.")
        return
    click.echo(f"{counts['sent']} sent, {counts['retry']} to retry, {counts['failed']} "
               f"failed, {counts['pending']} pending.")


scheduler_cli = AppGroup("scheduler", help="Background jobs (outbox delivery).")


@scheduler_cli.command("run")
@with_appcontext
def scheduler_run():
    """Run the scheduler in this process until stopped (Ctrl-C)."""
    from app.scheduler import build

    click.echo("Scheduler running; Ctrl-C stops it.")
    try:
        build(current_app._get_current_object(), blocking=True).start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("Scheduler stopped.")


@scheduler_cli.command("run-once")
@with_appcontext
def scheduler_run_once():
    """Run every job once and print what each did."""
    from app.jobs import run_all_once

    for name, result in run_all_once(current_app._get_current_object()).items():
        click.echo(f"{name}: {result}")


intake_cli = AppGroup("intake", help="Mail taken in (complaints and replies by email).")

# sysexits.h EX_TEMPFAIL: a mail server keeps the message and tries again later.
EX_TEMPFAIL = 75


@intake_cli.command("email")
@click.option("--dir", "folder", type=click.Path(exists=True, file_okay=False),
              help="Take in every .eml file of this folder instead of one mail on stdin.")
@with_appcontext
def intake_email(folder):
    """Take in one RFC 822 mail from stdin (a mail-server pipe) or a folder of .eml files."""
    from pathlib import Path

    from app.extensions import db
    from app.services import intake

    cfg = current_app.config
    if folder is None:
        raw = click.get_binary_stream("stdin").read(cfg["MAX_CONTENT_LENGTH"] * 2)
        try:
            outcome, number = intake.take_in(db.session, raw, cfg)
        except Exception as exc:  # noqa: BLE001 - the mail server retries on EX_TEMPFAIL
            click.echo(f"not taken in: {exc}", err=True)
            raise SystemExit(EX_TEMPFAIL) from None
        click.echo(f"{outcome} {number or ''}".strip())
        return
    counts = {}
    for path in sorted(Path(folder).glob("*.eml")):
        outcome, number = intake.take_in(db.session, path.read_bytes(), cfg)
        counts[outcome] = counts.get(outcome, 0) + 1
        click.echo(f"{path.name}: {outcome} {number or ''}".strip())
    summary = ", ".join(f"{n} {name}" for name, n in sorted(counts.items())) or "no .eml file"
    click.echo(f"Done: {summary}.")
