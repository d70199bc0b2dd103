"""flask seed-demo: the whole demo (units, accounts, notices, queue, search index, inspectors' figures).

It seeds every domain, so it sits at the top beside the app factory.
"""

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from app.accounts.models import AdministrativeUnit
from app.consultations.demo import seed_demo_consultations
from app.database import refresh_statistics
from app.extensions import db
from app.feedback import demo as queue_demo
from app.feedback.unit_keys import ensure_demo_keys, keys_directory
from app.inspection.rollup_refresh import refresh_all
from app.notices import demo
from app.outbox.queue import paused
from app.search.services import rebuild


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
    """Load Bắc Ninh's units, demo accounts, N demo notices and a demo queue (idempotent; tops up to N).

    Refused in production: the demo accounts' password is in the README and the demo keys sit on disk."""
    if not current_app.config.get("ALLOWS_DEMO", True):
        raise click.ClickException(
            "seed-demo is refused in production (FLASK_CONFIG=production): it creates accounts whose password "
            "is published in the README and keeps private keys on the server's disk."
        )

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

    _seed_demo_keys(seed)
    with paused():  # the made-up history sends nobody anything; new submissions on the demo site do
        queue = queue_demo.seed_demo_feedback(feedback_count, seed=seed, progress=queue_progress)
    click.echo(queue_demo.summary(queue, feedback_count))
    click.echo(seed_demo_consultations(seed=seed).summary())
    if result.notices_created or queue.created:
        refresh_statistics(db.session)
        # Demo data is bulk-inserted, past the ORM hooks that keep the audit figures' rollups.
        started = time.perf_counter()
        count = refresh_all(rebuild=True)
        click.echo(f"Audit figures: {count:,} unit-months computed in {time.perf_counter() - started:.1f} s")
    _print_demo_logins()


def _seed_demo_keys(seed):
    """Key pairs sealing denouncers' identities for the province and the demo communes (demo only)."""
    communes, _ = demo.demo_communes(seed)
    codes = [demo.DEMO_PROVINCE, *(commune.code for commune in communes)]
    made = ensure_demo_keys([AdministrativeUnit.by_code(code) for code in codes])
    db.session.commit()
    directory = keys_directory()
    if made and directory is not None:
        click.echo(
            f"Identity keys: {made} demo key pairs; private keys in {directory} (demo only, never in production)"
        )
    elif made:
        click.echo(f"Identity keys: {made} demo key pairs (private keys not kept: set IDENTITY_KEYS_DIR to keep them)")


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


def register_seed_command(app):
    """Attach `flask seed-demo` to the app's CLI."""
    app.cli.add_command(seed_demo_command)
