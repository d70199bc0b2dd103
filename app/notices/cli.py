"""flask notices … commands."""

import click
from flask.cli import AppGroup

from app.database import refresh_statistics
from app.extensions import db
from app.notices.importer import DEFAULT_BATCH_SIZE, import_notices

notices_cli = AppGroup("notices", help="Manage public notices.")


@notices_cli.command("import")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--batch-size", type=click.IntRange(min=1), default=DEFAULT_BATCH_SIZE, show_default=True)
@click.option("--dry-run", is_flag=True, help="Validate every line; save nothing.")
def import_command(path, batch_size, dry_run):
    """Import notices from a JSON Lines FILE ("-" for standard input).

    Each line is checked with the same rules as the web form. Exit status: 0 when every
    line was imported, 1 when some lines were skipped, 2 when the file cannot be read.
    """
    context = click.get_current_context()
    try:
        # "-" is standard input (as bytes, left open); anything else a file we close below.
        stream = click.open_file(path, "rb")
    except OSError as error:
        click.echo(f"Error: cannot read {path}: {error.strerror or error}", err=True)
        context.exit(2)
    try:
        report = import_notices(
            stream, batch_size=batch_size, dry_run=dry_run, on_problem=lambda text: click.echo(text, err=True)
        )
    except OSError as error:
        click.echo(f"Error: cannot read {path}: {error.strerror or error}", err=True)
        context.exit(2)
    finally:
        if path != "-":
            stream.close()
    click.echo(report.summary())
    if report.published + report.drafts and not dry_run:
        refresh_statistics(db.session)
    context.exit(0 if report.is_complete else 1)


def register_notice_commands(app):
    """Attach the notice commands to the app's CLI."""
    app.cli.add_command(notices_cli)
