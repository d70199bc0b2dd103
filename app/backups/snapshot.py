"""flask backup create: one consistent snapshot folder, then the older ones pruned.

The folder is written as `.congkhai-<UTC time>.partial` and renamed when complete, so a crash or a
full disk never leaves something that looks like a backup. The database comes first (one consistent
moment), the files after it: every file the database names was stored before its row was committed
(attachments) or soon after (photos), so the copy holds all of them; a few newer ones cost nothing.
"""

import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from app.backups.databases import DATABASE_FILES, BackupError, backend_of, dump_postgres, dump_sqlite
from app.backups.manifest import FILES_FOLDER, FORMAT, MANIFEST, copy_tree, hash_file, write_manifest
from app.extensions import db
from app.ledger.verification import verify_chain

PREFIX = "congkhai-"
SNAPSHOT_NAME = re.compile(r"^congkhai-\d{8}T\d{6}Z$")
PARTIAL_SUFFIX = ".partial"
STALE_PARTIAL_SECONDS = 24 * 3600


@dataclass
class Snapshot:
    """What `create_snapshot` wrote."""

    folder: Path
    manifest: dict
    chain_problem: str | None  # the live audit chain is broken: the snapshot is kept, nothing pruned
    pruned: list


def _new_name(directory):
    """(name, time) of a new snapshot: its UTC second, waiting for the next one if that name is taken."""
    while True:
        now = datetime.now(UTC).replace(microsecond=0)
        name = PREFIX + now.strftime("%Y%m%dT%H%M%SZ")
        if not (directory / name).exists() and not (directory / f".{name}{PARTIAL_SUFFIX}").exists():
            return name, now
        time.sleep(0.2)


def _dump_database(folder):
    engine = db.engine
    backend = backend_of(engine)
    target = folder / DATABASE_FILES[backend]
    info = {"backend": backend, "file": target.name}
    if backend == "sqlite":
        facts = dump_sqlite(engine, target)
    else:
        facts, major = dump_postgres(engine, target)
        info["pg_dump_major"] = major
    return info, facts


def create_snapshot(directory, keep=None):
    """Write a snapshot into a new folder under `directory`; prune to the newest `keep` (0: keep all)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    name, now = _new_name(directory)
    partial = directory / f".{name}{PARTIAL_SUFFIX}"
    partial.mkdir()
    try:
        db.session.commit()  # nothing of this process's own may be half-written into the snapshot
        database, facts = _dump_database(partial)
        files = {}
        sha256, size = hash_file(partial / database["file"])
        files[database["file"]] = {"sha256": sha256, "size": size}
        copied = copy_tree(current_app.config["NOTICES_DIR"], partial / FILES_FOLDER)
        files.update({f"{FILES_FOLDER}/{relative}": entry for relative, entry in copied.items()})
        (partial / FILES_FOLDER).mkdir(exist_ok=True)
        # The live chain must be intact and still hold the snapshot's head where the snapshot has it.
        report = verify_chain(anchor=facts.audit_anchor)
        db.session.rollback()
        chain_problem = None if report.is_intact else report.broken.describe()
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat().replace("+00:00", "Z"),
            "database": database,
            "schema_revision": facts.revision,
            "tables": facts.tables,
            "audit": {
                "anchor": facts.audit_anchor,
                "entries": facts.audit_entries,
                "chain_intact_at_backup": chain_problem is None,
            },
            "files": files,
        }
        write_manifest(partial, manifest)
        folder = directory / name
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    pruned = [] if chain_problem else prune(directory, keep, folder)
    return Snapshot(folder, manifest, chain_problem, pruned)


def snapshots_in(directory):
    """The complete snapshot folders under `directory`, oldest first."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.iterdir() if path.is_dir() and SNAPSHOT_NAME.match(path.name))


def find_snapshot(path):
    """The snapshot `path` names: (folder, whether it is the newest snapshot in the folder given to create).

    A folder holding manifest.json is a snapshot; a folder holding `congkhai-<UTC time>/` snapshots gives
    the newest; a path that is no folder is returned as it is, for the caller to report. BackupError otherwise.
    """
    path = Path(path)
    if (path / MANIFEST).is_file() or not path.is_dir():
        return path, False
    found = snapshots_in(path)
    if found:
        return found[-1], True
    raise BackupError(
        f"{path} không phải một bản sao lưu: không có {MANIFEST}, cũng không có thư mục bản sao lưu "
        f"{PREFIX}<thời điểm UTC> nào. Hãy đưa thư mục của một bản sao lưu, hoặc thư mục đã đưa cho backup create."
    )


def prune(directory, keep, current=None):
    """Delete all but the newest `keep` snapshots (0 or None: keep all) and day-old partial folders.

    `current`, the snapshot just written, always stays (whatever its name, should the clock go back).
    """
    directory = Path(directory)
    removed = []
    for path in directory.iterdir():
        stale = time.time() - path.stat().st_mtime > STALE_PARTIAL_SECONDS
        if path.name.startswith(f".{PREFIX}") and path.name.endswith(PARTIAL_SUFFIX) and stale:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    if keep:
        others = [path for path in snapshots_in(directory) if path != current]
        for path in others[: max(0, len(others) - (keep - 1 if current else keep))]:
            shutil.rmtree(path)
            removed.append(path)
    return removed


def describe(manifest):
    """A few lines for the command line: what the snapshot holds."""
    tables = manifest["tables"]
    files = manifest["files"]
    total = sum(entry["size"] for entry in files.values())
    attachments = sum(1 for relative in files if relative.startswith(f"{FILES_FOLDER}/"))
    lines = [
        f"database: {manifest['database']['backend']} ({manifest['database']['file']}), "
        f"schema revision {manifest['schema_revision']}, {len(tables)} tables, {sum(tables.values()):,} rows",
        f"files: {attachments} attachments and photos; {len(files)} files, {total / 1024 / 1024:.1f} MB in all",
        f"audit anchor: {manifest['audit']['anchor'] or 'none (the audit log is empty)'}",
    ]
    return lines


__all__ = ["BackupError", "create_snapshot", "describe", "find_snapshot", "prune", "snapshots_in"]
