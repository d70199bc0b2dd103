"""Schemathesis drives /api/v1 over real HTTP, from the API's own OpenAPI document, against demo data.

A served app (werkzeug's server in a thread, on loopback) on each test database, filled by
`flask seed-demo` with small counts plus an open consultation; rate limits off. Every operation of the
document is called with generated input, bodies that create items included, and each answer must be no
5xx and conform to the document: its status, content type, headers and JSON shape. Bounded: a fixed seed,
a few examples per operation, and a deadline on the whole run.

The document is built when the tests are collected, by the code that serves /api/v1/openapi.json (one test
item per operation needs it then; schemathesis's fixture loader does not run under pytest 9), and the first
test checks that the served app answers exactly that document.
"""

import json
import time
import warnings
from datetime import timedelta
from urllib.request import urlopen

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select, text

from app import create_app
from app.api.openapi import openapi_document
from app.clock import local_today
from app.consultations.models import Consultation
from app.consultations.services import save_consultation
from app.extensions import db
from app.notices.models import Notice
from tests.serving import served_on_loopback

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 12  # per operation
# Time budget: each operation sends for at most this long, 10 + 13 × 3 = 49 s per database at worst; on an idle
# machine all take less, together about 20 s. A slow machine sends fewer examples, with a warning.
OPERATION_BUDGET_SECONDS = 3
FEEDBACK_BUDGET_SECONDS = 10  # POST /feedback also runs the coverage phase
SEED = 20260215  # the same cases on every run: a failure can be replayed


def _empty_tables():
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(table.name for table in tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


def _open_a_consultation():
    """An open consultation, so that codes and opinions reach the rules behind the 404 of a missing one."""
    if any(consultation.status() == "open" for consultation in db.session.scalars(select(Consultation))):
        return
    today = local_today()
    notice = db.session.scalars(
        select(Notice)
        .where(Notice.status == "published", Notice.posting_start <= today, Notice.posting_end >= today)
        .where(Notice.id.not_in(select(Consultation.notice_id)))
        .order_by(Notice.id)
    ).first()
    fields = {
        "question": "Ý kiến về phương án mở rộng đường liên thôn?",
        "choice_set": "agree_disagree",
        "options": [],
        "starts_on": max(today, notice.posting_start),
        "ends_on": today + timedelta(days=45),  # longer than any category's minimum
        "villages": ["Thôn Đông", "Thôn Đồng Đình"],
        "is_limited_to_villages": False,
        "households": 300,
    }
    save_consultation(notice, fields, None)
    db.session.commit()


@pytest.fixture(scope="module")
def served_api(database_url, tmp_path_factory):
    """The base URL of an app served on loopback over the demo data; the tables are emptied after."""
    folder = tmp_path_factory.mktemp("served_api")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        NOTICES_DIR=str(folder / "notices"),
        SEARCH_INDEX_DIR=str(folder / "search_index"),
        OUTBOX_DIR=str(folder / "outbox"),
        RATELIMIT_ENABLED=False,
    )
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["seed-demo", "--notices", "30", "--feedback", "30"])
        assert result.exit_code == 0, result.output
        _open_a_consultation()
        db.session.remove()
    with served_on_loopback(app) as base_url:
        yield base_url
    with app.app_context():
        _empty_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def operation_started():
    """When each operation sent its first request, by operation and database."""
    return {}


def _document():
    """The OpenAPI document, as GET /api/v1/openapi.json builds it."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.test_request_context("/api/v1/openapi.json"):
        return json.loads(json.dumps(openapi_document()))


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(
    DOCUMENT,
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": MAX_EXAMPLES},
            # The coverage phase (every boundary and wrong type of every field, systematically) costs several
            # seconds an operation: it runs on the citizen's submission, the richest body, where odd input matters most.
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
            "operations": [
                {"include-method": "POST", "include-path": "/feedback", "phases": {"coverage": {"enabled": True}}}
            ],
            "request-timeout": 20,
        }
    ),
)


def test_the_served_app_answers_the_document_under_test(served_api):
    with urlopen(f"{served_api}/api/v1/openapi.json", timeout=10) as response:  # noqa: S310 (loopback)
        assert response.status == 200
        assert response.headers.get_content_type() == "application/json"
        assert json.load(response) == DOCUMENT


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_answer_conforms_to_the_document(case, served_api, operation_started):
    started = operation_started.setdefault(case.operation.label, time.monotonic())
    budget = FEEDBACK_BUDGET_SECONDS if case.operation.label == "POST /feedback" else OPERATION_BUDGET_SECONDS
    if time.monotonic() - started > budget:
        warnings.warn(f"{case.operation.label}: time budget spent, further examples not sent", stacklevel=1)
        return
    case.call_and_validate(base_url=f"{served_api}/api/v1", checks=CHECKS)
