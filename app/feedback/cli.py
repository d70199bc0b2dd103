"""flask deadlines … commands (deadline rules and holiday overrides); `flask identity …` is in identity_cli."""

from datetime import date

import click
from flask.cli import AppGroup

from app.extensions import db
from app.feedback.admin import DeadlineAdminError, list_overrides, remove_override, set_override, set_rule
from app.feedback.calendar import load_rules, seed_default_rules
from app.feedback.deadlines import CALENDAR_DAYS, DEFAULT_RULES, WORKING_DAYS
from app.feedback.identity_cli import identity_cli
from app.i18n import in_vietnamese

deadlines_cli = AppGroup("deadlines", help="Deadline rules and holiday overrides of the citizens' queue.")


def _parse_day(value):
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from error


@deadlines_cli.command("seed")
@in_vietnamese
def seed_command():
    """Store the statutory default rules that are not in the database yet."""
    added = seed_default_rules()
    db.session.commit()
    click.echo(f"Added {added} default rule(s); {len(DEFAULT_RULES)} rules in all.")


@deadlines_cli.command("rules")
@in_vietnamese
def rules_command():
    """List the rules in force (database over statutory defaults) and the overrides."""
    rules = load_rules()
    for (kind, step), rule in sorted(rules.items()):
        click.echo(f"{kind:<20} {step:<12} {rule.amount:>4} {rule.unit}")
    overrides = list_overrides()
    if overrides:
        click.echo("\nHoliday overrides:")
        for row in overrides:
            state = "working" if row.is_working_day else "non-working"
            click.echo(f"{row.day.isoformat()}  {state:<12} {row.reason}")


@deadlines_cli.command("set-rule")
@click.argument("kind")
@click.argument("step", type=click.Choice(["acknowledge", "resolve"]))
@click.argument("amount", type=click.IntRange(min=1, max=365))
@click.argument("unit", type=click.Choice([WORKING_DAYS, CALENDAR_DAYS]))
@in_vietnamese
def set_rule_command(kind, step, amount, unit):
    """Set the period of KIND's STEP to AMOUNT UNIT (working_days or days)."""
    try:
        set_rule(kind, step, amount, unit)
    except DeadlineAdminError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"{kind} {step}: {amount} {unit} (applies to steps taken from now on)")


@deadlines_cli.command("override")
@click.argument("day", metavar="DATE")
@click.option("--working/--non-working", "is_working_day", required=True, help="Offices work, or are closed.")
@click.option("--reason", required=True, help="Why (shown on the public /deadlines page).")
@in_vietnamese
def override_command(day, is_working_day, reason):
    """Declare DATE (YYYY-MM-DD) a working or non-working day; recompute stored due dates."""
    parsed = _parse_day(day)
    try:
        _, changed = set_override(parsed, is_working_day, reason)
    except DeadlineAdminError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    state = "working" if is_working_day else "non-working"
    click.echo(f"{parsed.isoformat()} is now a {state} day. Due dates changed on {changed} open item(s).")


@deadlines_cli.command("remove-override")
@click.argument("day", metavar="DATE")
@in_vietnamese
def remove_override_command(day):
    """Remove the override of DATE; recompute stored due dates."""
    parsed = _parse_day(day)
    changed = remove_override(parsed)
    if changed is None:
        raise click.ClickException(f"No override for {parsed.isoformat()}.")
    db.session.commit()
    click.echo(f"Override of {parsed.isoformat()} removed. Due dates changed on {changed} open item(s).")


def register_feedback_commands(app):
    """Attach the queue's commands to the app's CLI."""
    app.cli.add_command(deadlines_cli)
    app.cli.add_command(identity_cli)
