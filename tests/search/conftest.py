"""Fixtures for search: the realistic corpus (built once per module), helpers to publish and to read the index."""

from datetime import timedelta

import pytest

from app import create_app
from app.accounts.models import AdministrativeUnit
from app.clock import local_today
from app.extensions import db
from app.notices import services as notice_services
from app.search import services
from app.search.services import get_index
from tests.conftest import _empty_tables
from tests.factories import make_notice, make_unit
from tests.search.corpus import NOTICES, UNITS


def load_units():
    """Create the corpus's units; return {code: unit}."""
    units = {}
    for code, name, kind, parent in UNITS:
        units[code] = make_unit(code, name, kind, units.get(parent))
    db.session.commit()
    return units


def load_corpus():
    """Create the corpus's units and notices through the services; return {notice id: key}."""
    units = load_units()
    today = local_today()
    keys = {}
    for entry in NOTICES:
        start = today + timedelta(days=entry.get("start", -3))
        notice = make_notice(
            units[entry["unit"]],
            None,
            category=entry["category"],
            title=entry["title"],
            summary=entry["summary"],
            body_html=entry["body"],
            legal_reference=entry["legal_reference"],
            place=entry["place"],
            issued_on=start - timedelta(days=1),
            posting_start=start,
            posting_end=start + timedelta(days=30),
        )
        if entry.get("status") == "withdrawn":
            notice_services.withdraw_notice(notice, "Thông báo ban hành nhầm đợt, sẽ niêm yết lại.", None)
            db.session.commit()
        keys[notice.id] = entry["key"]
    return keys


@pytest.fixture(scope="module")
def corpus(database_url, tmp_path_factory):
    """An app with the corpus loaded and indexed once for the module: yields {notice id: key}."""
    directory = tmp_path_factory.mktemp("corpus")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        NOTICES_DIR=str(directory / "notices"),
        SEARCH_INDEX_DIR=str(directory / "search_index"),
        WTF_CSRF_ENABLED=False,
    )
    with app.app_context():
        keys = load_corpus()
        services.sync()
        yield keys
        db.session.rollback()
        _empty_tables()
        db.session.remove()
        db.engine.dispose()


def indexed_ids():
    """Return the ids of the notices in this node's index, read from the index itself (no pending changes applied)."""
    return get_index().notice_ids()


def unit(code):
    return AdministrativeUnit.by_code(code)
