"""flask backup restore: a verified snapshot into an empty database and files directory, then checked.

Nothing is overwritten: the database must have no tables and NOTICES_DIR no files, or the restore
refuses before touching anything. After the copy every table's row count must equal the manifest's,
the audit chain must be intact and hold the manifest's anchor, and the search index is rebuilt.
"""

from pathlib import Path

from flask import current_app

from app.backups.databases import (
    BackupError,
    backend_of,
    postgres_facts,
    postgres_user_tables,
    read_facts,
    restore_postgres,
    restore_sqlite,
    sqlite_path,
    sqlite_tables_at,
)
from app.backups.manifest import FILES_FOLDER, copy_hashed, verify_snapshot, walk_all
from app.extensions import db
from app.ledger.verification import verify_chain
from app.search.services import rebuild


def _refuse(message):
    raise BackupError(message)


def _check_targets(engine, backend, manifest):
    """Refuse unless the snapshot fits this database and both targets are empty."""
    source = manifest["database"]["backend"]
    if source != backend:
        _refuse(f"this snapshot holds a {source} database; DATABASE_URL points at {backend}")
    if backend == "sqlite":
        tables = sqlite_tables_at(sqlite_path(engine))
        where = str(sqlite_path(engine))
    else:
        tables = postgres_user_tables(engine)
        where = engine.url.render_as_string(hide_password=True)
    if tables:
        shown = ", ".join(tables[:5]) + (" …" if len(tables) > 5 else "")
        _refuse(
            f"the database {where} is not empty ({len(tables)} tables: {shown}); "
            "a restore only goes into an empty database: create a new one and point DATABASE_URL at it"
        )
    files_dir = Path(current_app.config["NOTICES_DIR"])
    present = walk_all(files_dir) if files_dir.is_dir() else []
    if present:
        _refuse(
            f"the files directory {files_dir} is not empty ({len(present)} files, e.g. {present[0][0]}); "
            "a restore only goes into an empty one: point NOTICES_DIR at a new folder"
        )


def _restore_files(folder, manifest, files_dir):
    """Copy files/ into NOTICES_DIR, checking each copy's hash against the manifest; return the count."""
    prefix = f"{FILES_FOLDER}/"
    count = 0
    for relative, expected in sorted(manifest["files"].items()):
        if not relative.startswith(prefix):
            continue
        written = copy_hashed(folder / relative, files_dir / relative[len(prefix) :])
        if written != {"sha256": expected["sha256"], "size": expected["size"]}:
            _refuse(f"{relative} changed while it was copied: the restored file does not match the manifest")
        count += 1
    return count


def _facts_now(engine, backend):
    with engine.connect() as connection:
        if backend == "postgresql":
            return postgres_facts(connection)
        names = [
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return read_facts(lambda sql: connection.exec_driver_sql(sql).all(), names)


def restore_snapshot(folder, echo=print):
    """Restore the snapshot in `folder`; `echo` each step. Raises BackupError on any refusal or mismatch."""
    folder = Path(folder)
    manifest, problems = verify_snapshot(folder)
    if problems:
        _refuse("the snapshot does not match its manifest, nothing was restored:\n  " + "\n  ".join(problems))
    echo(f"Snapshot {folder}: {len(manifest['files'])} files match the manifest.")
    db.session.remove()
    engine = db.engine
    backend = backend_of(engine)
    _check_targets(engine, backend, manifest)
    engine.dispose()  # no connection of ours may sit on the database while it is written underneath

    dump = folder / manifest["database"]["file"]
    if backend == "sqlite":
        restore_sqlite(engine, dump)
    else:
        restore_postgres(engine, dump, manifest["database"].get("pg_dump_major"))
    engine.dispose()
    echo(f"Database restored ({backend}), schema revision {manifest['schema_revision']}.")

    files_dir = Path(current_app.config["NOTICES_DIR"])
    files_dir.mkdir(parents=True, exist_ok=True)
    count = _restore_files(folder, manifest, files_dir)
    echo(f"Files restored into {files_dir}: {count}, each matching its sha256.")

    facts = _facts_now(engine, backend)
    differences = [
        f"{name}: {facts.tables.get(name)} rows, the manifest says {expected}"
        for name, expected in sorted(manifest["tables"].items())
        if facts.tables.get(name) != expected
    ]
    differences += [f"{name}: not in the manifest" for name in sorted(set(facts.tables) - set(manifest["tables"]))]
    if differences:
        _refuse("the restored database differs from the manifest:\n  " + "\n  ".join(differences))
    echo(f"Row counts match the manifest: {len(facts.tables)} tables, {sum(facts.tables.values()):,} rows.")

    anchor = manifest["audit"]["anchor"]
    report = verify_chain(anchor=anchor)
    db.session.rollback()
    if not report.is_intact:
        _refuse(f"audit verify --anchor {anchor}: BROKEN after {report.count} entries: {report.broken.describe()}")
    echo(f"Audit chain intact: {report.count} entries, anchor {anchor or '(none: empty log)'} found.")

    indexed = rebuild()
    echo(f"Search index rebuilt: {indexed} notices.")
    return facts
