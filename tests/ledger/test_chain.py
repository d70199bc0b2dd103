"""The audit chain: `flask audit verify` finds every kind of tampering an attacker with SQL access could try,
and concurrent writers never fork the chain."""

import threading

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from app.accounts.models import AdministrativeUnit
from app.clock import utcnow
from app.extensions import db
from app.ledger.chain import GENESIS_HASH, entry_digest, record
from app.ledger.models import AuditEntry
from app.ledger.verification import UNEXPECTED_GENESIS, verify_chain
from tests.factories import make_units

ENTRIES = 6


@pytest.fixture
def chain(app):
    """Six audit entries written by the services (ids 1–6); returns their rows."""
    province, _, _ = make_units()
    for number in range(1, ENTRIES + 1):
        record("test.event", province, f"Sự kiện số {number}", {"number": number, "note": "ghi chú"})
        db.session.commit()
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [row.id for row in rows] == list(range(1, ENTRIES + 1))
    db.session.expunge_all()
    return rows


def verify(runner, *args):
    result = runner.invoke(args=["audit", "verify", *args])
    return result.exit_code, result.output


def sealed(previous_hash, created_at, summary, data, entry_id=None):
    """The values of an entry an attacker forges with a correct digest."""
    values = {
        "created_at": created_at,
        "actor_id": None,
        "action": "test.event",
        "object_type": "AdministrativeUnit",
        "object_id": "1",
        "summary": summary,
        "data": data,
        "previous_hash": previous_hash,
    }
    values["entry_hash"] = entry_digest(
        previous_hash, created_at, None, "test.event", "AdministrativeUnit", "1", summary, data
    )
    if entry_id is not None:
        values["id"] = entry_id
    return values


def tamper(*statements):
    for statement in statements:
        db.session.execute(statement)
    db.session.commit()


def test_intact_chain_verifies_with_its_count_and_head(runner, chain):
    code, output = verify(runner)
    assert code == 0
    assert f"OK: {ENTRIES} entries" in output and chain[-1].entry_hash in output


def test_empty_log_verifies(runner, app):
    code, output = verify(runner)
    assert code == 0 and "OK: 0 entries" in output


@pytest.mark.parametrize(
    "change",
    [
        {"summary": "Sự kiện số 3 (đã sửa)"},
        {"data": {"number": 30, "note": "ghi chú"}},
        {"actor_id": None, "action": "x"},
    ],
    ids=["summary", "data", "action"],
)
def test_a_row_updated_in_the_database_is_named(runner, chain, change):
    tamper(update(AuditEntry).where(AuditEntry.id == 3).values(**change))
    code, output = verify(runner)
    assert code == 1
    assert "entry 3: content altered" in output
    assert "after 2 intact entries" in output


def test_a_deleted_row_is_named_by_its_successor(runner, chain):
    tamper(delete(AuditEntry).where(AuditEntry.id == 3))
    code, output = verify(runner)
    assert code == 1
    assert "entry 4: predecessor missing or changed" in output
    assert "no entry has that hash" in output


def test_deleting_the_first_row_is_named(runner, chain):
    tamper(delete(AuditEntry).where(AuditEntry.id == 1))
    code, output = verify(runner)
    assert code == 1 and "entry 2: the first entry does not start the chain" in output


def test_a_row_rehashed_after_editing_is_named_by_its_successor(runner, chain):
    """The attacker edits entry 3 and recomputes its hash: entry 4 still points at the old hash."""
    forged = sealed(chain[2].previous_hash, chain[2].created_at, "Sự kiện đã bị sửa", {"number": 3})
    tamper(update(AuditEntry).where(AuditEntry.id == 3).values(**forged))
    code, output = verify(runner)
    assert code == 1 and "entry 4: predecessor missing or changed" in output


def _make_room_after(entry_id):
    """Shift the ids after `entry_id` up by 100 to insert a row "in the middle" (as SQL access allows)."""
    return update(AuditEntry).where(AuditEntry.id > entry_id).values(id=AuditEntry.id + 100)


def test_a_row_inserted_in_the_middle_is_named(runner, chain):
    """Forged entry 4 claims entry 3 as predecessor; to keep previous_hash unique the attacker re-links
    the old entry 4 (now 104) to the forgery, which breaks that entry's own hash."""
    forged = sealed(chain[2].entry_hash, chain[2].created_at, "Biên bản giả", {"forged": True}, entry_id=4)
    tamper(
        _make_room_after(3),
        update(AuditEntry).where(AuditEntry.id == 104).values(previous_hash=forged["entry_hash"]),
        insert(AuditEntry).values(**forged),
    )
    code, output = verify(runner)
    assert code == 1 and "entry 104: content altered" in output


def test_a_row_inserted_in_the_middle_with_its_successor_rehashed_is_named(runner, chain):
    forged = sealed(chain[2].entry_hash, chain[2].created_at, "Biên bản giả", {"forged": True}, entry_id=4)
    old_fourth = chain[3]
    rehashed = sealed(forged["entry_hash"], old_fourth.created_at, old_fourth.summary, old_fourth.data)
    rehashed.update(action=old_fourth.action, object_type=old_fourth.object_type, object_id=old_fourth.object_id)
    rehashed["entry_hash"] = entry_digest(
        forged["entry_hash"],
        old_fourth.created_at,
        None,
        old_fourth.action,
        old_fourth.object_type,
        old_fourth.object_id,
        old_fourth.summary,
        old_fourth.data,
    )
    tamper(
        _make_room_after(3),
        update(AuditEntry).where(AuditEntry.id == 104).values(**rehashed),
        insert(AuditEntry).values(**forged),
    )
    code, output = verify(runner)
    assert code == 1 and "entry 105: predecessor missing or changed" in output


def test_a_forged_row_appended_with_a_made_up_link_is_named(runner, chain):
    forged = sealed("f" * 64, utcnow(), "Biên bản giả", {})
    tamper(insert(AuditEntry).values(**forged))
    code, output = verify(runner)
    assert code == 1 and f"entry {ENTRIES + 1}: predecessor missing or changed" in output


def test_a_rewritten_tail_passes_the_chain_but_not_the_anchor(runner, chain):
    """The limit of any hash chain: rewriting every entry from 4 on gives a consistent chain.
    The anchor noted earlier (count:hash of the head) exposes it."""
    _, output = verify(runner)
    anchor = f"{ENTRIES}:{chain[-1].entry_hash}"
    assert anchor in output
    previous = chain[2].entry_hash
    statements = []
    for row in chain[3:]:
        values = sealed(previous, row.created_at, row.summary + " (viết lại)", row.data)
        statements.append(update(AuditEntry).where(AuditEntry.id == row.id).values(**values))
        previous = values["entry_hash"]
    # Re-link from the end backwards so previous_hash stays unique at every step.
    tamper(*reversed(statements))
    assert verify(runner)[0] == 0
    code, output = verify(runner, "--anchor", anchor)
    assert code == 1 and "anchor" in output


def test_an_anchor_detects_entries_deleted_from_the_start_and_a_fresh_genesis(runner, chain):
    anchor = f"{ENTRIES}:{chain[-1].entry_hash}"
    fourth = chain[3]
    values = sealed(GENESIS_HASH, fourth.created_at, fourth.summary, fourth.data)
    values.update(action=fourth.action, object_type=fourth.object_type, object_id=fourth.object_id)
    values["entry_hash"] = entry_digest(
        GENESIS_HASH,
        fourth.created_at,
        None,
        fourth.action,
        fourth.object_type,
        fourth.object_id,
        fourth.summary,
        fourth.data,
    )
    tamper(delete(AuditEntry).where(AuditEntry.id <= 3))
    tamper(update(AuditEntry).where(AuditEntry.id == 4).values(**values))
    # Entry 5 still points at the old hash of 4: named; and the anchor's position no longer matches.
    code, output = verify(runner, "--anchor", anchor)
    assert code == 1 and "entry 5: predecessor missing or changed" in output


def test_an_anchor_still_in_place_passes(runner, chain):
    code, _ = verify(runner, "--anchor", f"{ENTRIES}:{chain[-1].entry_hash}")
    assert code == 0
    code, _ = verify(runner, "--anchor", chain[2].entry_hash)
    assert code == 0
    code, output = verify(runner, "--anchor", f"2:{chain[2].entry_hash}")
    assert code == 1 and "anchor" in output


def _drop_previous_hash_uniqueness():
    """What an attacker with DDL rights does first; inside the test's transaction, rolled back after."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("ALTER TABLE audit_entries DROP CONSTRAINT uq_audit_entries_previous_hash"))
    else:
        # SQLite cannot drop a table constraint: swap in a copy of the table without it.
        db.session.execute(text("ALTER TABLE audit_entries RENAME TO audit_entries_original"))
        db.session.execute(text("CREATE TABLE audit_entries AS SELECT * FROM audit_entries_original"))


def test_a_second_genesis_in_the_middle_is_named(chain):
    _drop_previous_hash_uniqueness()
    try:
        forged = sealed(GENESIS_HASH, utcnow(), "Khởi đầu giả", {})
        db.session.execute(insert(AuditEntry).values(id=50, **forged))
        db.session.execute(update(AuditEntry).where(AuditEntry.id == 4).values(id=60))
        db.session.execute(update(AuditEntry).where(AuditEntry.id.in_([5, 6])).values(id=AuditEntry.id + 100))
        report = verify_chain()
        assert not report.is_intact
        assert (report.broken.entry_id, report.broken.problem) == (50, UNEXPECTED_GENESIS)
    finally:
        db.session.rollback()
    assert verify_chain().is_intact


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_writers_do_not_fork_the_chain(app, writers):
    """Writers append at the same moment, each entry in its own transaction; none fails, the chain stays one."""
    province, _, _ = make_units()
    province_id = province.id
    db.session.remove()
    per_writer = 25
    start = threading.Barrier(writers)
    errors = []

    def append(number):
        with app.app_context():
            try:
                unit = db.session.get(AdministrativeUnit, province_id)
                db.session.commit()  # end the read: on SQLite every transaction outside a request holds the write lock
                start.wait(timeout=60)
                for index in range(per_writer):
                    record("test.concurrent", unit, f"writer {number} entry {index}", {"writer": number})
                    db.session.commit()
            except Exception as error:  # noqa: BLE001 (collected and asserted below)
                errors.append(repr(error))
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=append, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    report = verify_chain()
    assert report.is_intact, report.broken and report.broken.describe()
    assert report.count == writers * per_writer == db.session.scalar(select(func.count()).select_from(AuditEntry))
