"""The restore drill: seed, back up, wipe, restore, and find everything as it was (SQLite and PostgreSQL).

Every table's row count and every file's sha256 must come back; the audit chain must verify against the
anchor the manifest recorded; the search index must be rebuilt. A snapshot with one byte flipped, a file
missing or one added fails `backup verify`, and `backup restore` refuses it without touching anything.
"""

import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.accounts.services import find_user
from app.backups.manifest import hash_file
from app.extensions import db
from app.feedback import actions
from app.feedback.models import Feedback, FeedbackPhoto
from app.ledger.models import AuditEntry
from app.notices.models import Attachment, Notice
from app.outbox.models import Notification
from app.search import services as search
from tests.backups.conftest import file_hashes, table_counts
from tests.factories import make_notice, make_units, make_user
from tests.feedback.intake.conftest import photo_bytes, upload
from tests.public.conftest import attach_pdf


def _seed(app, client, runner):
    """The demo (units, accounts, notices with PDFs, a queue), a citizen's photo and mail, officials' actions."""
    result = runner.invoke(args=["seed-demo", "--notices", "30", "--feedback", "40"])
    assert result.exit_code == 0, result.output
    response = client.post(
        "/feedback/new",
        data={
            "kind": "petition",
            "unit": "07627",
            "text": "Cống thoát nước ở thôn Đồng Đình bị tắc, nước tràn vào nhà dân khi mưa.",
            "name": "Trần Thị Hoa",
            "email": "hoa.tran@example.vn",
            "notify_by": "email",
            "consent": "y",
            "photos": [upload(photo_bytes(), "cong.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    official = find_user("canbo.daison")
    item = db.session.scalars(select(Feedback).order_by(Feedback.id.desc())).first()
    actions.acknowledge(item, official)
    make_notice(official.unit, official, title="Thông báo lịch tiếp công dân tháng này của xã Đại Sơn")
    db.session.commit()
    for model, least in ((Attachment, 1), (Feedback, 41), (FeedbackPhoto, 1), (Notification, 1), (AuditEntry, 3)):
        assert db.session.scalar(select(func.count()).select_from(model)) >= least, model
    assert any(name.startswith("feedback/") for name in file_hashes(app.config["NOTICES_DIR"]))


def _create(runner, directory, *extra):
    result = runner.invoke(args=["backup", "create", str(directory), *extra])
    assert result.exit_code == 0, result.output
    folder = Path(re.search(r"Snapshot written: (\S+)", result.output).group(1))
    return folder, json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_a_snapshot_restored_into_an_empty_database_holds_everything(app, client, runner, restored_app, tmp_path):
    _seed(app, client, runner)
    counts_before = table_counts()
    files_before = file_hashes(app.config["NOTICES_DIR"])
    indexable_before = search.status()["indexable"]

    folder, manifest = _create(runner, tmp_path / "backups")

    backend = db.engine.dialect.name
    assert folder.parent == tmp_path / "backups" and folder.name.startswith("congkhai-")
    assert manifest["database"]["backend"] == backend
    assert manifest["tables"] == counts_before
    assert manifest["schema_revision"] == db.session.scalar(text("SELECT version_num FROM alembic_version"))
    assert {f"files/{name}" for name in files_before} | {manifest["database"]["file"]} == set(manifest["files"])
    for name, entry in manifest["files"].items():
        assert (entry["sha256"], entry["size"]) == hash_file(folder / name)
    last = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert manifest["audit"]["anchor"] == f"{counts_before['audit_entries']}:{last.entry_hash}"
    assert runner.invoke(args=["backup", "verify", str(folder)]).exit_code == 0

    with restored_app.app_context():
        restored_runner = restored_app.test_cli_runner()
        result = restored_runner.invoke(args=["backup", "restore", str(folder)])
        assert result.exit_code == 0, result.output
        assert "Restore complete." in result.output
        assert table_counts() == counts_before
        assert file_hashes(restored_app.config["NOTICES_DIR"]) == files_before
        verified = restored_runner.invoke(args=["audit", "verify", "--anchor", manifest["audit"]["anchor"]])
        assert verified.exit_code == 0 and "chain intact" in verified.output, verified.output
        status = search.status()
        assert status["healthy"] and status["indexed"] == status["indexable"] == indexable_before > 0
        found = restored_app.test_client().get("/search", query_string={"q": "lịch tiếp công dân"})
        notice = db.session.scalar(select(Notice).where(Notice.title.startswith("Thông báo lịch tiếp công dân tháng")))
        assert f'href="/notices/{notice.id}"' in found.get_data(as_text=True)

    # The snapshot folder is exactly as written: restoring read it, never wrote into it.
    assert runner.invoke(args=["backup", "verify", str(folder)]).exit_code == 0


def _flip_one_byte(path, offset=None):
    data = bytearray(path.read_bytes())
    offset = len(data) // 2 if offset is None else offset
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.fixture
def snapshot(app, client, runner, tmp_path):
    """A small snapshot: a notice with a PDF (and their audit entries), a question with a photo."""
    _, commune, _ = make_units()
    official = make_user("official", commune)
    attach_pdf(make_notice(commune, official), official)
    response = client.post(
        "/feedback/new",
        data={"kind": "question", "unit": "07627", "text": "Xin hỏi giờ tiếp dân?", "photos": [upload(photo_bytes())]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    folder, _ = _create(runner, tmp_path / "backups")
    return folder


@pytest.mark.parametrize("victim", ["database", "attachment", "photo", "manifest"])
def test_one_flipped_byte_fails_verify_and_restore_refuses(snapshot, runner, restored_app, victim):
    manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    names = sorted(manifest["files"])
    path = {
        "database": snapshot / manifest["database"]["file"],
        "attachment": snapshot / next(name for name in names if re.match(r"files/[0-9a-f]+\.pdf$", name)),
        "photo": snapshot / next(name for name in names if name.startswith("files/feedback/")),
        "manifest": snapshot / "manifest.json",
    }[victim]
    if victim == "manifest":
        # One hex digit of a recorded hash: still valid JSON, no longer the truth.
        text = path.read_text(encoding="utf-8")
        digest = manifest["files"][names[0]]["sha256"]
        path.write_text(text.replace(digest, ("1" if digest[0] != "1" else "2") + digest[1:]), encoding="utf-8")
        flipped = names[0]
    else:
        _flip_one_byte(path)
        flipped = path.relative_to(snapshot).as_posix()

    result = runner.invoke(args=["backup", "verify", str(snapshot)])

    assert result.exit_code == 1
    assert f"changed: {flipped}" in result.output
    with restored_app.app_context():
        refused = restored_app.test_cli_runner().invoke(args=["backup", "restore", str(snapshot)])
        assert refused.exit_code == 1 and "nothing was restored" in refused.output
        assert f"changed: {flipped}" in refused.output
        assert not Path(restored_app.config["NOTICES_DIR"]).exists()
        assert table_counts() == {}


def test_a_missing_or_extra_file_fails_verify(snapshot, runner):
    photo = next((snapshot / "files" / "feedback").iterdir())
    photo.unlink()
    (snapshot / "files" / "khong-co-trong-danh-sach.txt").write_text("x")

    result = runner.invoke(args=["backup", "verify", str(snapshot)])

    assert result.exit_code == 1
    assert f"missing: files/feedback/{photo.name}" in result.output
    assert "extra: files/khong-co-trong-danh-sach.txt" in result.output


@pytest.mark.parametrize("command", ["verify", "restore"])
def test_a_folder_with_neither_a_manifest_nor_a_snapshot_is_refused_saying_what_was_expected(runner, tmp_path, command):
    half = tmp_path / "half"
    (half / ".congkhai-20200101T000000Z.partial").mkdir(parents=True)  # an unfinished snapshot does not count
    result = runner.invoke(args=["backup", command, str(half)])
    assert result.exit_code == 1
    assert f"{half} không phải một bản sao lưu" in result.output
    assert "không có manifest.json" in result.output and "congkhai-" in result.output


def test_verify_and_restore_take_the_folder_given_to_create_and_use_its_newest_snapshot(
    app, runner, restored_app, tmp_path
):
    _, commune, _ = make_units()
    make_notice(commune)
    directory = tmp_path / "backups"
    older, _ = _create(runner, directory)
    make_notice(commune, title="Thông báo đăng sau bản sao lưu thứ nhất của xã Đại Sơn")
    counts = table_counts()
    newest, manifest = _create(runner, directory)
    assert older.name < newest.name and manifest["tables"] == counts
    used = f"Dùng bản sao lưu mới nhất trong {directory}: {newest}"

    verified = runner.invoke(args=["backup", "verify", str(directory)])
    assert verified.exit_code == 0, verified.output
    assert used in verified.output and str(newest) in verified.output.splitlines()[1]
    _flip_one_byte(newest / manifest["database"]["file"])
    damaged = runner.invoke(args=["backup", "verify", str(directory)])
    assert damaged.exit_code == 1 and used in damaged.output
    assert f"changed: {manifest['database']['file']}" in damaged.output
    _flip_one_byte(newest / manifest["database"]["file"])

    with restored_app.app_context():
        result = restored_app.test_cli_runner().invoke(args=["backup", "restore", str(directory)])
        assert result.exit_code == 0, result.output
        assert used in result.output and "Restore complete." in result.output
        assert table_counts() == counts  # the newest snapshot's rows, not the older one's


def test_restore_refuses_a_database_or_files_directory_that_is_not_empty(app, snapshot, runner, restored_app):
    result = runner.invoke(args=["backup", "restore", str(snapshot)])  # into the live, seeded database
    assert result.exit_code == 1
    assert "is not empty" in result.output and "a restore only goes into an empty database" in result.output

    with restored_app.app_context():
        files = Path(restored_app.config["NOTICES_DIR"])
        files.mkdir(parents=True)
        (files / "old.pdf").write_bytes(b"%PDF-1.4 old")
        refused = restored_app.test_cli_runner().invoke(args=["backup", "restore", str(snapshot)])
        assert refused.exit_code == 1 and "files directory" in refused.output and "not empty" in refused.output
        assert table_counts() == {}


def test_restore_checks_the_audit_chain_against_the_manifest_anchor(app, snapshot, runner, restored_app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the snapshot's database is edited in place, which only a SQLite file allows")
    manifest_path = snapshot / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    database = snapshot / manifest["database"]["file"]
    # Someone with the backup rewrites an audit entry and fixes up the manifest's hash: still caught.
    connection = sqlite3.connect(database)
    connection.execute("UPDATE audit_entries SET summary = 'sửa lén' WHERE id = (SELECT min(id) FROM audit_entries)")
    connection.commit()
    connection.close()
    sha256, size = hash_file(database)
    manifest["files"][database.name] = {"sha256": sha256, "size": size}
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    assert runner.invoke(args=["backup", "verify", str(snapshot)]).exit_code == 0

    with restored_app.app_context():
        result = restored_app.test_cli_runner().invoke(args=["backup", "restore", str(snapshot)])

    assert result.exit_code == 1
    assert "audit verify --anchor" in result.output and "content altered" in result.output


def test_create_keeps_the_newest_snapshots(app, runner, tmp_path):
    _, commune, _ = make_units()
    make_notice(commune)
    directory = tmp_path / "backups"
    stale = directory / ".congkhai-20200101T000000Z.partial"
    stale.mkdir(parents=True)
    shutil.os.utime(stale, (0, 0))
    folders = [_create(runner, directory, "--keep", "2")[0] for _ in range(3)]

    assert sorted(path.name for path in directory.iterdir()) == sorted(folder.name for folder in folders[1:])
    app.config["BACKUP_KEEP"] = 1
    newest, _ = _create(runner, directory)
    assert [path.name for path in directory.iterdir()] == [newest.name]
    assert folders[2].name < newest.name
