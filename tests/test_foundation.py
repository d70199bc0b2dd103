"""The skeleton: migrations match the models, the services keep versions and audit."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from app.extensions import db
from app.ledger.models import AuditEntry
from app.notices import services
from tests.factories import make_notice, make_units, make_user


def test_migrations_match_models(app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_publish_then_correct_keeps_every_version(app):
    _, commune, _ = make_units()
    official = make_user("official", commune)
    notice = make_notice(commune, official)
    assert notice.short_code and len(notice.short_code) == 6
    services.correct_notice(notice, {"title": "Tiêu đề đã đính chính"}, "Sai tên dự án", official)
    db.session.commit()
    assert [version.number for version in notice.versions] == [1, 2]
    assert notice.versions[0].snapshot["title"] != notice.versions[1].snapshot["title"]
    assert notice.versions[1].reason == "Sai tên dự án"
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["notice.created", "notice.published", "notice.corrected"]


def test_audit_entries_form_a_chain(app):
    _, commune, _ = make_units()
    official = make_user("official", commune)
    make_notice(commune, official)
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert entries[0].previous_hash == "0" * 64
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.previous_hash == before.entry_hash
