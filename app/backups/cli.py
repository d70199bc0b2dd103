"""flask backup create|verify|restore (see the README's runbook)."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from app.backups.databases import BackupError
from app.backups.manifest import verify_snapshot
from app.backups.restore import restore_snapshot
from app.backups.snapshot import create_snapshot, describe, find_snapshot

backup_cli = AppGroup("backup", help="Consistent backups: create, verify, restore.")


@backup_cli.command("create")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option(
    "--keep",
    type=click.IntRange(min=0),
    default=None,
    help="Keep the newest N snapshots in DIRECTORY, delete older ones (default BACKUP_KEEP; 0 keeps all).",
)
def create_command(directory, keep):
    """Write a snapshot (database, files, manifest.json) into a new folder under DIRECTORY."""
    keep = current_app.config["BACKUP_KEEP"] if keep is None else keep
    try:
        snapshot = create_snapshot(directory, keep)
    except (BackupError, OSError) as error:
        raise click.ClickException(f"backup failed, nothing was written: {error}") from error
    click.echo(f"Snapshot written: {snapshot.folder}")
    for line in describe(snapshot.manifest):
        click.echo(f"  {line}")
    for path in snapshot.pruned:
        click.echo(f"Pruned: {path}")
    if snapshot.chain_problem:
        click.echo(
            f"WARNING: the audit chain is broken ({snapshot.chain_problem}); the snapshot is kept and "
            "no older snapshot was pruned. Run flask audit verify and investigate.",
            err=True,
        )
        sys.exit(1)


def _snapshot_folder(directory):
    """The snapshot DIRECTORY names (itself, or the newest in the folder given to create), said if chosen."""
    try:
        folder, is_newest = find_snapshot(directory)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if is_newest:
        click.echo(f"Dùng bản sao lưu mới nhất trong {directory}: {folder}")
    return folder


@backup_cli.command("verify")
@click.argument("directory", type=click.Path(file_okay=False))
def verify_command(directory):
    """Re-hash every file of a snapshot against its manifest (exit 1 naming each mismatch).

    DIRECTORY is a snapshot folder, or the folder given to `backup create` (its newest snapshot).
    """
    folder = _snapshot_folder(directory)
    manifest, problems = verify_snapshot(folder)
    if problems:
        for problem in problems:
            click.echo(f"BAD: {problem}", err=True)
        click.echo(f"{folder}: {len(problems)} problem(s); do not restore from this snapshot.", err=True)
        sys.exit(1)
    click.echo(f"OK: {len(manifest['files'])} files match the manifest of {folder}.")
    for line in describe(manifest):
        click.echo(f"  {line}")


@backup_cli.command("restore")
@click.argument("directory", type=click.Path(file_okay=False, exists=True))
def restore_command(directory):
    """Restore a snapshot into an EMPTY database and files directory; check it; rebuild the search index.

    DIRECTORY is a snapshot folder, or the folder given to `backup create` (its newest snapshot).
    """
    folder = _snapshot_folder(directory)
    try:
        restore_snapshot(folder, echo=click.echo)
    except (BackupError, OSError) as error:
        raise click.ClickException(f"restore refused or failed: {error}") from error
    click.echo("Restore complete.")


def register_backup_commands(app):
    app.cli.add_command(backup_cli)
