"""flask audit … and flask report … commands."""

import sys
import time

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from app.ledger.verification import DEFAULT_BATCH_SIZE, anchor_of, verify_chain

audit_cli = AppGroup("audit", help="Check the tamper-evident audit log; refresh the queue figures.")
report_cli = AppGroup("report", help="Inspectors' reports.")


@audit_cli.command("verify")
@click.option(
    "--anchor",
    default=None,
    help="COUNT:HASH printed by an earlier run (or a bare HASH): that entry must still be in the chain there.",
)
@click.option("--batch-size", default=DEFAULT_BATCH_SIZE, show_default=True, help="Entries read per round trip.")
def verify_command(anchor, batch_size):
    """Walk the hash chain in id order; print OK with the count, or the first broken link and exit 1."""
    report = verify_chain(anchor=anchor, batch_size=batch_size)
    if report.is_intact:
        if report.count:
            click.echo(f"OK: {report.count} entries, chain intact. Head: entry {report.head_id} {report.head_hash}")
            click.echo(f"Note this anchor and check it later with --anchor: {anchor_of(report)}")
        else:
            click.echo("OK: 0 entries, the audit log is empty.")
        _verify_consultation_results()
        return
    click.echo(f"BROKEN after {report.count} intact entries: {report.broken.describe()}", err=True)
    sys.exit(1)


def _verify_consultation_results():
    """The frozen tallies of every published consultation result still hash to what the chain sealed."""
    from app.consultations.results import verify_results

    check = verify_results()
    if check.is_intact:
        click.echo(f"Consultation results: {check.checked} published version(s), tallies match the audit chain.")
        return
    for problem in check.problems:
        click.echo(f"BROKEN: {problem}", err=True)
    sys.exit(1)


@audit_cli.command("refresh")
@click.option("--rebuild", is_flag=True, help="Recompute every month, not only those out of date.")
def refresh_command(rebuild):
    """Bring the precomputed queue figures up to date (run it nightly: deadlines pass at midnight)."""
    from app.inspection.rollup_refresh import refresh_all

    started = time.perf_counter()
    count = refresh_all(rebuild=rebuild)
    click.echo(f"Queue figures: {count:,} unit-months recomputed in {time.perf_counter() - started:.1f} s.")


@report_cli.command("annual")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Calendar year of the report.")
@click.option("--unit", "unit_code", required=True, help="GSO code of the province (or any unit) reported on.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="XLSX file to write (default: bao-cao-nam-<year>-<unit>.xlsx in the current folder).",
)
def annual_report_command(year, unit_code, output):
    """Write the annual report (one XLSX: figures per commune, overdue items, ranking)."""
    from app.accounts.models import AdministrativeUnit
    from app.inspection.annual import annual_report_filename, write_annual_report

    unit = AdministrativeUnit.by_code(unit_code)
    if unit is None:
        raise click.ClickException(f"no administrative unit with code {unit_code!r}")
    path = output or annual_report_filename(unit, year)
    with force_locale("vi"), open(path, "wb") as stream:
        summary = write_annual_report(stream, unit, year)
    click.echo(f"Wrote {path}: {summary}")


def register_audit_commands(app):
    app.cli.add_command(audit_cli)
    app.cli.add_command(report_cli)
