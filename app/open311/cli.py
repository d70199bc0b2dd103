"""flask apikeys create NAME [--unit CODE] | list | revoke NAME: the keys of Open311 clients."""

import click
from flask.cli import AppGroup

from app.clock import format_datetime
from app.extensions import db

apikeys_cli = AppGroup("apikeys", help="API keys of the systems that post through Open311.")


@apikeys_cli.command("create")
@click.argument("name")
@click.option("--unit", "unit_code", default=None, help="Code of the unit the key may post for (and below).")
def create_command(name, unit_code):
    """Make a key; its text is printed once, alone on the last line."""
    from app.open311.keys import KeyProblem, create_key

    try:
        key, text = create_key(name, unit_code)
    except KeyProblem as problem:
        raise click.ClickException(str(problem)) from problem
    db.session.commit()
    scope = key.unit.name if key.unit is not None else "mọi đơn vị"
    click.echo(f"Created API key {key.name} ({scope}). Keep it now: it is not shown again.")
    click.echo(text)


@apikeys_cli.command("list")
def list_command():
    """List the keys: name, unit, created, last used, revoked."""
    from app.open311.keys import list_keys

    keys = list_keys()
    if not keys:
        click.echo("No API keys.")
    for key in keys:
        state = f"revoked {format_datetime(key.revoked_at)}" if key.revoked_at else "active"
        used = format_datetime(key.last_used_at) if key.last_used_at else "never used"
        unit = key.unit.code if key.unit is not None else "*"
        click.echo(f"{key.name}\t{unit}\tcreated {format_datetime(key.created_at)}\t{used}\t{state}")


@apikeys_cli.command("revoke")
@click.argument("name")
def revoke_command(name):
    """Revoke a key at once: posts with it get 403."""
    from app.open311.keys import KeyProblem, revoke_key

    try:
        key = revoke_key(name)
    except KeyProblem as problem:
        raise click.ClickException(str(problem)) from problem
    db.session.commit()
    click.echo(f"Revoked API key {key.name}.")
