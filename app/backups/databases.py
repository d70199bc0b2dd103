"""The database part of a snapshot: SQLite's online backup API or PostgreSQL's pg_dump, and back.

Each dump also returns the database's facts as the dump holds them (`DatabaseFacts`: the schema
revision, every table's row count, the audit chain's anchor), read from the same consistent state:
for SQLite from the copy itself, for PostgreSQL in the transaction whose snapshot pg_dump is given.
"""

import glob
import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404  (pg_dump and pg_restore, with argument lists, never a shell)
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
_AUDIT_TABLE = "audit_entries"
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


class BackupError(Exception):
    """A backup or restore step failed; the message says what and what to do."""


@dataclass(frozen=True)
class DatabaseFacts:
    """What a database holds, to write in the manifest and compare after a restore."""

    revision: str | None
    tables: dict
    audit_entries: int
    audit_anchor: str | None


def _quoted(name):
    return '"' + name.replace('"', '""') + '"'


def read_facts(query, table_names):
    """The facts of a database, through `query(sql) -> rows` (sqlite3 or SQLAlchemy alike)."""
    tables = {}
    for name in table_names:
        # Names come from the database's own catalogue, quoted as identifiers.
        tables[name] = query(f"SELECT count(*) FROM {_quoted(name)}")[0][0]  # noqa: S608
    revision = None
    if "alembic_version" in tables:
        rows = query("SELECT version_num FROM alembic_version")
        revision = rows[0][0] if rows else None
    count, anchor = tables.get(_AUDIT_TABLE, 0), None
    if count:
        head = query(f"SELECT entry_hash FROM {_AUDIT_TABLE} ORDER BY id DESC LIMIT 1")[0][0]  # noqa: S608
        anchor = f"{count}:{head}"  # as `flask audit verify` prints it and takes it with --anchor
    return DatabaseFacts(revision, tables, count, anchor)


def backend_of(engine):
    """'sqlite' or 'postgresql'; anything else cannot be backed up here."""
    name = engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(f"cannot back up a {name} database: only SQLite and PostgreSQL")
    return name


# SQLite ---------------------------------------------------------------------------------------------


def sqlite_path(engine):
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _sqlite_tables(connection):
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [row[0] for row in rows]


def _sqlite_facts(connection):
    return read_facts(lambda sql: connection.execute(sql).fetchall(), _sqlite_tables(connection))


def dump_sqlite(engine, target):
    """Copy the live database into `target` with the online backup API; return its facts."""
    source_path = sqlite_path(engine)
    if not source_path.is_file():
        raise BackupError(f"no SQLite database at {source_path}")
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): the source's read lock is held throughout, so the copy is one moment.
        source.backup(copy)
        # A rollback journal, not WAL: opening the copy later must not write -wal/-shm files beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        return _sqlite_facts(copy)
    finally:
        copy.close()
        source.close()


def sqlite_tables_at(path):
    """The tables of the SQLite database at `path` ([] if there is no file or it is empty)."""
    if not path.is_file() or path.stat().st_size == 0:
        return []
    connection = sqlite3.connect(path)
    try:
        return _sqlite_tables(connection)
    finally:
        connection.close()


def restore_sqlite(engine, dump):
    """Copy the snapshot's database file into the (empty) database of `engine`."""
    target = sqlite_path(engine)
    target.parent.mkdir(parents=True, exist_ok=True)
    # immutable: read without locks or side files, so the snapshot folder stays exactly as hashed.
    snapshot = sqlite3.connect(f"file:{dump}?mode=ro&immutable=1", uri=True)
    destination = sqlite3.connect(target, timeout=30)
    try:
        snapshot.backup(destination)
    finally:
        destination.close()
        snapshot.close()


# PostgreSQL -----------------------------------------------------------------------------------------


def _tool_major(path):
    try:
        output = subprocess.run([path, "--version"], capture_output=True, text=True, check=True, timeout=30).stdout  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(output)
    return int(match.group(1)) if match else None


def _tool_candidates(name):
    found = shutil.which(name)
    if found:
        yield found
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            bindir = subprocess.run(  # noqa: S603
                [pg_config, "--bindir"], capture_output=True, text=True, check=True, timeout=30
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            bindir = ""
        if bindir:
            yield str(Path(bindir) / name)
    # Debian and Ubuntu keep every installed major version side by side.
    paths = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    yield from sorted(paths, key=lambda path: [int(part) for part in re.findall(r"\d+", path)], reverse=True)


def postgres_tool(name, minimum_major):
    """The path of pg_dump or pg_restore of at least `minimum_major` (PATH, pg_config --bindir, Debian)."""
    seen = []
    for path in _tool_candidates(name):
        if path in seen or not os.access(path, os.X_OK):
            continue
        major = _tool_major(path)
        seen.append(f"{path} ({major or '?'})")
        if major is not None and major >= minimum_major:
            return path, major
    raise BackupError(
        f"no {name} of PostgreSQL {minimum_major} or newer: found {', '.join(seen) or 'none'}; "
        f"install the PostgreSQL {minimum_major} client tools (a {name} older than the server cannot be used)"
    )


def _libpq(engine):
    """A libpq connection URI and environment for the tools: the password in PGPASSWORD, never on argv."""
    url = engine.url
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return conninfo, environment


def server_major(connection):
    return int(connection.exec_driver_sql("SHOW server_version_num").scalar()) // 10000


def postgres_tables(connection):
    rows = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    ).all()
    return [row[0] for row in rows]


def postgres_facts(connection):
    return read_facts(lambda sql: connection.exec_driver_sql(sql).all(), postgres_tables(connection))


def _run(command, environment, what):
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}")


def dump_postgres(engine, target):
    """pg_dump the database in custom format into `target`; return (facts, pg_dump's major version).

    The counts and the anchor are read in a REPEATABLE READ transaction whose snapshot pg_dump is
    handed (--snapshot), so they describe exactly what the dump holds while the site keeps writing.
    """
    conninfo, environment = _libpq(engine)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            pg_dump, major = postgres_tool("pg_dump", server_major(connection))
            snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            facts = postgres_facts(connection)
            command = [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", conninfo]
            _run(command, environment, "pg_dump")
    return facts, major


def postgres_user_tables(engine):
    """Tables of every user schema of the target database: a restore needs none."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT schemaname || '.' || tablename FROM pg_tables "
                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1"
            )
        ).all()
    return [row[0] for row in rows]


def restore_postgres(engine, dump, dump_major):
    """pg_restore the custom-format dump into the (empty) database, in one transaction."""
    conninfo, environment = _libpq(engine)
    with engine.connect() as connection:
        minimum = max(server_major(connection), dump_major or 0)
    pg_restore, _ = postgres_tool("pg_restore", minimum)
    # Objects belong to the account the site connects as; the source's roles need not exist here.
    command = [
        pg_restore,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={conninfo}",
        str(dump),
    ]
    _run(command, environment, "pg_restore")
