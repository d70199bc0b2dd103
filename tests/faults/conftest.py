"""Fixtures of the fault tests: a private PostgreSQL cluster, a fresh database, the app served by gunicorn.

The cluster is started once per session (per xdist worker) in a temporary folder on a free port; the
shared server at 127.0.0.1:5432 is never used here. When the PostgreSQL server binaries are missing,
the tests that need them fail and say so: nothing is skipped.
"""

import json
import secrets

import pytest

from tests.faults.cluster import PrivateCluster, find_bindir, missing_binaries_message
from tests.faults.server import ServedApp, prepare_database

READY_PATH = "/api/v1/units?parent=24"  # answers once the app, its database and province 24 are there


@pytest.fixture(scope="session")
def private_postgres():
    """A PostgreSQL cluster of the test session's own (see tests/faults/cluster.py)."""
    bindir = find_bindir()
    if bindir is None:
        pytest.fail(missing_binaries_message(), pytrace=False)
    cluster = PrivateCluster(bindir)
    try:
        cluster.init().start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def fault_database(request, tmp_path):
    """A fresh, migrated database with province 24 (param: "sqlite" or "postgresql", the private cluster)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'faults.db'}"
    else:
        cluster = request.getfixturevalue("private_postgres")
        url = cluster.create_database(f"faults_{secrets.token_hex(4)}")
    prepare_database(url, tmp_path)
    return url


@pytest.fixture
def served_app(fault_database, tmp_path):
    """gunicorn with 2 sync workers (as `make run`) on the fresh database, ready; `communes` lists unit codes."""
    server = ServedApp(fault_database, tmp_path / "served")
    try:
        units = json.loads(server.wait_ready(READY_PATH))["items"]
        server.communes = [unit["code"] for unit in units if unit["kind"] in ("commune", "ward", "special_zone")]
        server.database_url = fault_database
        server.files = tmp_path
        yield server
    finally:
        server.stop()
