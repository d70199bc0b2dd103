"""flask seed-demo and flask notices … commands."""

import time

import click
from flask.cli import AppGroup, with_appcontext

from app.accounts.models import AdministrativeUnit
from app.audit.rollups import refresh_all
from app.database import refresh_statistics
from app.extensions import db
from app.feedback import demo as queue_demo
from app.notices import demo
from app.notices.importer import DEFAULT_BATCH_SIZE, import_notices
from app.search.services import rebuild

notices_cli = AppGroup("notices", help="Manage public notices.")


@click.command("seed-demo")
@click.option(
    "--notices", "notice_count", type=click.IntRange(min=0), default=demo.DEFAULT_NOTICE_COUNT, show_default=True
)
@click.option(
    "--feedback",
    "feedback_count",
    type=click.IntRange(min=0),
    default=queue_demo.DEFAULT_FEEDBACK_COUNT,
    show_default=True,
    help="Queue items (questions, petitions, complaints…) over the past 18 months.",
)
@click.option("--seed", type=int, default=demo.DEFAULT_SEED, show_default=True, help="Same seed, same demo.")
@with_appcontext
def seed_demo_command(notice_count, feedback_count, seed):
    """Load Bắc Ninh's units, demo accounts, N demo notices and a demo queue (idempotent; tops up to N)."""

    def progress(done, total):
        if total >= 10_000:
            click.echo(f"  … {done:,}/{total:,} notices", err=True)

    result = demo.seed_demo(notice_count, seed=seed, progress=progress)
    click.echo(f"Units: {result.units} of province {demo.DEMO_PROVINCE} loaded")
    if result.users_created:
        click.echo(f"Created demo accounts: {', '.join(result.users_created)}")
    if result.notices_created == 0:
        click.echo(f"Demo data already present: {result.notices_before:,} notices (asked for {notice_count:,}).")
    else:
        statuses = result.statuses
        click.echo(
            f"Created {result.notices_created:,} notices in {result.seconds:.1f} s "
            f"({statuses['published']:,} published, {statuses['withdrawn']:,} withdrawn, "
            f"{statuses['draft']:,} drafts; {result.corrected:,} corrected; {result.attachments} with a PDF); "
            f"{result.notices_before + result.notices_created:,} in total"
        )
        started = time.perf_counter()
        rebuild()
        click.echo(f"Search index rebuilt in {time.perf_counter() - started:.1f} s")

    def queue_progress(done, total):
        if total >= 10_000:
            click.echo(f"  … {done:,}/{total:,} queue items", err=True)

    queue = queue_demo.seed_demo_feedback(feedback_count, seed=seed, progress=queue_progress)
    click.echo(queue_demo.summary(queue, feedback_count))
    if result.notices_created or queue.created:
        refresh_statistics(db.session)
        # Demo data is bulk-inserted, past the ORM hooks that keep the audit figures' rollups.
        started = time.perf_counter()
        count = refresh_all(rebuild=True)
        click.echo(f"Audit figures: {count:,} unit-months computed in {time.perf_counter() - started:.1f} s")
    _print_demo_logins()


def _print_demo_logins():
    rows = [("username", "role", "unit", "password")]
    for username, _, role, unit_code in demo.DEMO_USERS:
        unit = AdministrativeUnit.by_code(unit_code)
        rows.append((username, role, f"{unit.name} ({unit.code})", demo.DEMO_PASSWORD))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    click.echo("\nDemo logins (accounts that already existed keep their password):")
    for number, row in enumerate(rows):
        click.echo("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if number == 0:
            click.echo("  " + "  ".join("-" * width for width in widths))


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
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(notices_cli)
