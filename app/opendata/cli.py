"""flask opendata export DIR: the open-data files for data portals (CSV, JSON Lines, datapackage.json)."""

import click
from flask.cli import AppGroup

opendata_cli = AppGroup("opendata", help="Open data: files for data portals and civic-tech tools.")


@opendata_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, writable=True))
def export_command(directory):
    """Write the public notices and the queue figures per unit and month as CSV, JSON Lines and datapackage.json."""
    from app.opendata.export import export_open_data

    summary = export_open_data(directory)
    counts = ", ".join(f"{rows:,} {table}" for table, rows in summary.rows.items())
    click.echo(f"Wrote {len(summary.files)} files to {summary.directory} ({counts}) in {summary.seconds:.1f} s")


def register_opendata_commands(app):
    app.cli.add_command(opendata_cli)
