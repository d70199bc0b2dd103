"""Fixtures: an app per test on a migrated database (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), a client, a CLI runner and a sign-in helper."""

import os

import pytest
from flask import g
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from app import create_app
from app.extensions import db

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _postgres_url(worker):
    """TEST_DATABASE_URL for the first worker; a sibling database for each other xdist worker."""
    url = make_url(os.environ["TEST_DATABASE_URL"]).set(drivername="postgresql+psycopg")
    if worker in ("master", "gw0"):
        return url.render_as_string(hide_password=False)
    worker_url = url.set(database=f"{url.database}_{worker}")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": worker_url.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{worker_url.database}"'))
    engine.dispose()
    return worker_url.render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory, worker_id):
    """A database migrated to head once per session and backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    else:
        url = _postgres_url(worker_id)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def _empty_tables():
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


def _fresh_request_globals():
    g.__dict__.clear()


@pytest.fixture
def app(database_url, tmp_path):
    """An application on an empty, migrated database, with its own files and index."""
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        NOTICES_DIR=str(tmp_path / "notices"),
        SEARCH_INDEX_DIR=str(tmp_path / "search_index"),
        WTF_CSRF_ENABLED=False,
    )
    # The fixture's app context stays pushed for factories, and Flask reuses it for the
    # test client's requests; give each request a fresh `g` as in production, so nothing
    # cached per request (the locale, the signed-in user) leaks into the next one.
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def csrf_app(app):
    """The same application with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Sign in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, username, password="correct horse battery"):
        return self._client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
