"""flask users … and flask units … commands."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.accounts.models import AdministrativeUnit
from app.accounts.services import VALID_ROLES, AccountError, UsernameTaken, create_user
from app.accounts.units import DEFAULT_PROVINCE, load_province
from app.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")
units_cli = AppGroup("units", help="Manage administrative units.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(VALID_ROLES), required=True)
@click.option("--unit", "unit_code", required=True, help="GSO code of the user's unit.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--display-name", default=None)
def create_user_command(username, role, unit_code, password, display_name):
    """Create a user bound to an administrative unit; the password must pass the password policy."""
    unit = AdministrativeUnit.by_code(unit_code)
    if unit is None:
        raise click.ClickException(f"no administrative unit with code {unit_code!r}")
    # The policy speaks Vietnamese through Flask-Babel, which needs a request to choose its language.
    with current_app.test_request_context():
        try:
            user = create_user(username, password, role, unit, display_name=display_name)
        except UsernameTaken as error:
            raise click.ClickException(f"user {username.strip()!r} already exists") from error
        except AccountError as error:
            raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Created {user.username} ({role}) for {unit.name} [{unit.code}]")


@units_cli.command("load")
@click.option("--province", default=DEFAULT_PROVINCE, show_default=True, help="GSO code of the province.")
def load_units_command(province):
    """Load a province's communes and wards from the official list (idempotent)."""
    try:
        count = load_province(province)
    except LookupError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Loaded {count} units of province {province}")


def register_account_commands(app):
    app.cli.add_command(users_cli)
    app.cli.add_command(units_cli)
