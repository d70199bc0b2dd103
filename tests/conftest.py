"""Fixtures: an app per test on a migrated database (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), a client, a CLI runner and a sign-in helper."""

import os

import pytest
from flask import g
from flask_migrate import upgrade
from flask_sqlalchemy import SQLAlchemy
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, make_url, text
from werkzeug.routing import Rule

from app import create_app
from app.extensions import db
from tests.factories import PASSWORD, make_units

pytest_plugins = ["tests.outbox_servers"]  # smtp_server, sms_gateway, zalo_gateway

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


# --- one test process makes a thousand apps: let them share what does not depend on the app -----------


class _SharedTemplateCode(BytecodeCache):
    """Compiled templates kept in memory for every app this process makes (each app has its own Jinja
    environment, which would otherwise parse and compile every template again)."""

    def __init__(self):
        self._code = {}

    def load_bytecode(self, bucket):
        found = self._code.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = (bucket.checksum, bucket.code)


TEMPLATE_CODE = _SharedTemplateCode()


def _share_url_builders():
    """Werkzeug compiles two Python functions for every URL rule of every new app; the function depends
    only on the rule's text, its parsed parts and defaults (it is bound to each rule), so apps share it."""
    compile_builder = Rule._compile_builder
    built = {}

    def shared(self, append_unknown=True):
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())), append_unknown)
        if key not in built:
            built[key] = compile_builder(self, append_unknown)
        return built[key]

    Rule._compile_builder = shared


_share_url_builders()


def _share_engines():
    """One engine per database and options for every app of the process. SQLAlchemy caches compiled
    statements per engine (its dialect is part of the key); a new engine per test compiled every query
    again, a quarter of a typical test's time. Our engine listeners are registered on the Engine class,
    so a shared engine behaves as a new one. Its pooled connections serve the next test too (each is rolled
    back when returned to the pool, and pre-pinged when taken); a test that needs fresh ones disposes."""
    make_engine = SQLAlchemy._make_engine
    engines = {}

    def shared(self, bind_key, options, app):
        key = (bind_key, repr(sorted(options.items(), key=lambda item: item[0])))
        if key not in engines:
            engines[key] = make_engine(self, bind_key, options, app)
        return engines[key]

    SQLAlchemy._make_engine = shared


_share_engines()


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
    """Delete every row, children first. On PostgreSQL only the tables that hold rows (found in one query;
    TRUNCATE of every table costs more than most tests), and every sequence starts again at 1."""
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        probes = " UNION ALL ".join(
            f"SELECT '{table.name}' WHERE EXISTS (SELECT 1 FROM {table.name})" for table in tables
        )
        filled = set(db.session.scalars(text(probes)))
        tables = [table for table in tables if table.name in filled]
        db.session.execute(
            text(
                "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
                "WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"
            )
        )
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
        OUTBOX_DIR=str(tmp_path / "outbox"),
        WTF_CSRF_ENABLED=False,
    )
    # The fixture's app context stays pushed for factories, and Flask reuses it for the
    # test client's requests; give each request a fresh `g` as in production, so nothing
    # cached per request (the locale, the signed-in user) leaks into the next one.
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    app.jinja_env.bytecode_cache = TEMPLATE_CODE
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_tables()
        db.session.remove()  # the shared engine keeps its connections for the next test


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


@pytest.fixture
def units(app):
    """(province "24", commune "07627", commune "07615"), made by tests.factories.make_units."""
    return make_units()


@pytest.fixture
def login(client):
    """Sign a user in through the real form, whoever was signed in signed out first; check it worked."""

    def sign_in(user):
        client.post("/logout")
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in
