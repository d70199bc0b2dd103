"""flask search … commands: rebuild, status, sync, prune."""

import click
from flask.cli import AppGroup

from app.extensions import db
from app.search import services

search_cli = AppGroup("search", help="Maintain this node's search index.")


def _progress_bar(label):
    """Return (bar context, progress callback) for services.rebuild."""
    state = {"bar": None}

    def progress(done, total):
        if state["bar"] is None:
            state["bar"] = click.progressbar(length=total, label=label, show_pos=True)
            state["bar"].__enter__()
        state["bar"].update(1)

    def finish():
        if state["bar"] is not None:
            state["bar"].__exit__(None, None, None)

    return progress, finish


@search_cli.command("rebuild")
def rebuild_command():
    """Rebuild the index from the database into a fresh directory, swapped in atomically."""
    progress, finish = _progress_bar("Đang lập chỉ mục")
    try:
        count = services.rebuild(progress=progress)
    except services.RebuildRunning as error:
        raise click.ClickException(f"a rebuild is already running in {error}") from error
    except services.RebuildFailed as error:
        raise click.ClickException(f"the rebuild failed, the previous index keeps serving: {error}") from error
    finally:
        finish()
    click.echo(f"Indexed {count} notices.")


@search_cli.command("sync")
def sync_command():
    """Apply pending changes to the index; build the index if it is missing or outdated."""
    progress, finish = _progress_bar("Đang lập chỉ mục")
    try:
        action, count = services.sync(progress=progress)
    except services.RebuildRunning as error:
        raise click.ClickException(f"a rebuild is already running in {error}") from error
    except services.RebuildFailed as error:
        raise click.ClickException(f"the rebuild failed, the previous index keeps serving: {error}") from error
    finally:
        finish()
    if action == "rebuilt":
        click.echo(f"Index was missing or outdated: rebuilt with {count} notices.")
    else:
        click.echo(f"Applied {count} pending changes.")


@search_cli.command("status")
def status_command():
    """Show how many notices are indexed and how many changes are pending."""
    info = services.status()
    click.echo(f"index directory:      {info['directory']}")
    click.echo(f"healthy:              {'yes' if info['healthy'] else 'no: ' + info['problem']}")
    if info["healthy"]:
        click.echo(f"generation:           {info['generation']} (built {info['built_at']})")
    click.echo(f"indexed notices:      {info['indexed']} (public notices in the database: {info['indexable']})")
    click.echo(f"last applied change:  {info['last_applied_change']} (latest: {info['latest_change']})")
    pending = info["pending"]
    click.echo(f"pending changes:      {pending if pending is not None else 'unknown: rebuild with flask search sync'}")


@search_cli.command("prune")
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True)
def prune_command(days):
    """Delete change-log rows older than DAYS (every node must have applied them by then)."""
    count = services.prune_changes(days)
    db.session.commit()
    click.echo(f"Deleted {count} change-log rows older than {days} days.")


def register_search_commands(app):
    """Attach the search commands to the app's CLI."""
    app.cli.add_command(search_cli)
