"""Fixtures for backups: an empty database and files directory to restore into, and a second app on them."""

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, make_url, select, table, text

from app import create_app
from app.extensions import db


def table_counts():
    """Every table of the current app's database → its row count."""
    names = inspect(db.session.connection()).get_table_names()
    return {name: db.session.scalar(select(func.count()).select_from(table(name))) for name in names}


def file_hashes(folder):
    """Every file under `folder` (relative POSIX path) → its sha256."""
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def empty_database_url(app, tmp_path):
    """A new, empty database of the same kind as the test's: a file for SQLite, a created one for PostgreSQL."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        (tmp_path / "restored").mkdir()
        yield f"sqlite:///{tmp_path / 'restored' / 'congkhai.db'}"
        return
    name = f"{url.database}_restore"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture
def restored_app(empty_database_url, tmp_path):
    """A second application on the empty database, an empty files directory and its own index."""
    restored = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=empty_database_url,
        NOTICES_DIR=str(tmp_path / "restored" / "notices"),
        SEARCH_INDEX_DIR=str(tmp_path / "restored" / "search_index"),
        OUTBOX_DIR=str(tmp_path / "restored" / "outbox"),
    )
    yield restored
    with restored.app_context():
        db.session.remove()
        db.engine.dispose()
