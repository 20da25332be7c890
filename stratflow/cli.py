"""`flask --app wsgi stratflow …` commands."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .calendar.cli import calendar_command
from .calendar.cycle_cli import cycle_command
from .extensions import db

group = AppGroup("stratflow", help="stratflow administration commands.")
definitions = AppGroup("definitions", help="BPMN process definitions.")
group.add_command(definitions)
group.add_command(calendar_command)
group.add_command(cycle_command)


def init_app(app) -> None:
    app.cli.add_command(group)


@group.command("setup")
@click.option("--demo/--no-demo", default=True, help="Load the demo municipality when the database is empty.")
@with_appcontext
def setup(demo: bool) -> None:
    """Migrate the database, import the shipped definitions and (once) the demo data."""
    from flask_migrate import upgrade

    from .services import definitions as defs
    from .services import demo as demo_data

    _ensure_sqlite_folder()
    upgrade()
    defs.import_directory(current_app.config["WORKFLOWS_DIR"], current_app.config["MAX_BPMN_BYTES"])
    db.session.commit()
    if demo and demo_data.is_empty():
        demo_data.load()
        demo_data.load_followed()
        db.session.commit()
        click.echo("Demo data loaded (see README for the accounts).")
    click.echo("Database ready.")


@group.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo municipality (refuses when it is already there)."""
    from .services import demo as demo_data
    if not demo_data.is_empty():
        raise click.ClickException("the database already holds municipalities; demo not loaded")
    demo_data.load()
    demo_data.load_followed()
    db.session.commit()
    click.echo("Demo data loaded.")


_lang_option = click.option("--lang", type=click.Choice(["tr", "en"]), default="tr", show_default=True,
                            help="Language of the report.")


@contextmanager
def _report_language(lang: str):
    """Render in `lang`; a database that is not set up is a clear error, not a traceback."""
    from flask_babel import force_locale
    from sqlalchemy.exc import OperationalError, ProgrammingError

    with force_locale(lang):
        try:
            yield
        except (OperationalError, ProgrammingError) as exc:
            db.session.rollback()
            raise click.ClickException(
                f"the database is not ready ({type(exc.orig).__name__}); run `flask --app wsgi stratflow setup`"
            ) from exc


@definitions.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_lang_option
@with_appcontext
def definitions_check(file: Path, lang: str) -> None:
    """Print a validation report for FILE (forms: the *.json beside it); exit 1 when it has errors."""
    from .services import definitions as defs
    with _report_language(lang):
        report = defs.check(file.read_bytes(), file.name, defs.read_forms(file.parent),
                            current_app.config["MAX_BPMN_BYTES"], warn_unused_forms=False)
        click.echo(report.as_text())
    sys.exit(0 if report.ok else 1)


@definitions.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_lang_option
@with_appcontext
def definitions_import(file: Path, lang: str) -> None:
    """Import FILE (with the JSON forms beside it) as a new definition version; exit 1 when rejected."""
    from flask_babel import gettext as _

    from .services import definitions as defs
    with _report_language(lang):
        try:
            result = defs.import_upload(file.read_bytes(), file.name, defs.read_forms(file.parent),
                                        current_app.config["MAX_BPMN_BYTES"], source="cli",
                                        warn_unused_forms=False)
        except defs.DefinitionRejected as exc:
            db.session.rollback()
            click.echo(exc.report.as_text(), err=True)
            sys.exit(1)
        db.session.commit()
        version = result.version
        for finding in result.report.warnings:
            click.echo(finding.as_text())
        if result.created:
            click.echo(_("%(key)s: %(version)d. sürüm yüklendi (%(hash)s).", key=version.definition.key,
                         version=version.version, hash=version.content_hash[:12]))
        else:
            click.echo(_("%(key)s: değişiklik yok, güncel sürüm %(version)d (%(hash)s).",
                         key=version.definition.key, version=version.version, hash=version.content_hash[:12]))


@group.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler process (waits while another one holds the lock)."""
    from .jobs.scheduler import run_forever
    run_forever(current_app._get_current_object())


@group.command("tick")
@click.option("--now", "now_text", default=None, help="ISO time to run the jobs as of (default: now).")
@with_appcontext
def tick(now_text: str | None) -> None:
    """Run every scheduler job once as of --now: BPMN timers due by then fire, reminders due by then
    are planned, due mail is delivered."""
    from .jobs.scheduler import run_due_jobs
    try:
        now = datetime.fromisoformat(now_text) if now_text else None
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO date-time: {now_text}") from exc
    if now is not None and now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    result = run_due_jobs(current_app._get_current_object(), now)
    click.echo(" ".join(f"{name}={count}" for name, count in result.items()))


@group.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@with_appcontext
def serve(host: str, port: int) -> None:
    """Development server with the scheduler running inside it."""
    import logging

    from werkzeug.serving import run_simple

    from .jobs.scheduler import start_embedded
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line every poll is noise
    app = current_app._get_current_object()
    start_embedded(app)
    click.echo(f"stratflow on http://{host}:{port}/ — scheduler running in this process")
    run_simple(host, port, app, threaded=True, use_reloader=False)


def _ensure_sqlite_folder() -> None:
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
