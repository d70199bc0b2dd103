"""The index follows the database: after each request, across processes, through crashes and lost directories."""

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.notices import services as notice_services
from app.notices.models import Notice
from app.search import services
from app.search.models import SearchChange
from app.search.searchers import forget_searchers
from tests.factories import PASSWORD, make_notice, make_units, make_user, notice_fields
from tests.search.conftest import indexed_ids

ROOT = Path(__file__).resolve().parents[2]
WORKER_TIMEOUT = 60


def _worker_command(*args):
    return [sys.executable, "-m", "tests.search.worker", *map(str, args)]


def run_worker(*args):
    """Run a worker process to its end (or its death) after releasing this process's database locks."""
    db.session.commit()
    return subprocess.run(_worker_command(*args), cwd=ROOT, capture_output=True, text=True, timeout=WORKER_TIMEOUT)


def _locations(app):
    return app.config["SQLALCHEMY_DATABASE_URI"], app.config["SEARCH_INDEX_DIR"]


def _ids(result):
    return [int(line) for line in result.stdout.split()]


def _search_ids(query, **args):
    filters = services.NoticeFilters.from_args(args)
    return [notice.id for notice in services.search(query, filters).notices]


@pytest.fixture
def commune(app):
    _, commune, _ = make_units()
    return commune


@pytest.fixture
def signed_in_official(client, commune):
    official = make_user("official", commune)
    response = client.post("/login", data={"username": official.username, "password": PASSWORD})
    assert response.status_code == 302
    return official


def test_published_notice_is_in_the_index_right_after_the_request_that_published_it(
    client, commune, signed_in_official
):
    services.sync()
    notice = make_notice(commune, signed_in_official, publish=False, title="Thông báo nạo vét kênh tiêu Ngòi Con")
    assert notice.id not in indexed_ids()

    response = client.post(f"/manage/notices/{notice.id}/publish")

    assert response.status_code == 302
    # Read from the index itself: nothing is left for a later search to apply.
    assert notice.id in indexed_ids()
    assert services.status()["pending"] == 0
    page = client.get("/search?q=nao+vet+kenh+tieu")
    assert "Ngòi Con" in page.get_data(as_text=True)


def test_a_correction_replaces_the_indexed_text(client, commune, signed_in_official):
    notice = make_notice(commune, signed_in_official, title="Lịch cắt điện thôn Khe Rỗ tháng 12")
    services.sync()
    form = {
        key: (value.isoformat() if hasattr(value, "isoformat") else value or "")
        for key, value in notice_fields(title="Lịch cắt điện thôn Trại Mới tháng 12").items()
    }
    form.update(contact_phone="0912 345 678", reason="Ghi nhầm tên thôn")

    response = client.post(f"/manage/notices/{notice.id}/correct", data=form)

    assert response.status_code == 302
    assert services.status()["pending"] == 0
    assert _search_ids("cat dien trai moi") == [notice.id]
    old_title = services.search("khe ro")
    assert old_title.total == 0 or old_title.relaxed  # only "did you mean" guesses, no notice with those words


def test_a_withdrawn_notice_disappears_from_search(client, commune, signed_in_official):
    notice = make_notice(commune, signed_in_official, title="Thông báo thu hồi đất làm bãi đỗ xe thôn Hạ")
    services.sync()
    assert _search_ids("bai do xe") == [notice.id]

    response = client.post(f"/manage/notices/{notice.id}/withdraw", data={"reason": "Ban hành nhầm"})

    assert response.status_code == 302
    assert services.status()["pending"] == 0
    assert _search_ids("bai do xe") == []
    assert _search_ids("bai do xe", status="current") == []
    assert _search_ids("bai do xe", status="withdrawn") == [notice.id]
    api = client.get("/api/v1/search?q=bai+do+xe").get_json()
    assert api["total"] == 0


def test_publishing_without_an_index_still_succeeds_and_sync_builds_it(client, commune, signed_in_official):
    notice = make_notice(commune, signed_in_official, publish=False, title="Thông báo tổ chức lễ hội đền Thượng")

    response = client.post(f"/manage/notices/{notice.id}/publish")

    assert response.status_code == 302
    assert services.status()["healthy"] is False
    assert services.sync()[0] == "rebuilt"
    assert notice.id in indexed_ids()


def test_two_processes_publishing_at_once_both_end_up_indexed(app, commune, tmp_path):
    services.sync()
    database_url, index_dir = _locations(app)
    code = commune.code
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    db.session.commit()  # and read nothing more until the workers end: SQLite has one writer
    workers = [
        subprocess.Popen(
            _worker_command("publish", database_url, index_dir, code, 4, barrier, name),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("A", "B")
    ]
    outputs = [worker.communicate(timeout=WORKER_TIMEOUT) for worker in workers]

    for worker, (_, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr
        assert "LockError" not in stderr and "Traceback" not in stderr, stderr
    published = [int(line) for stdout, _ in outputs for line in stdout.split()]
    assert len(published) == 8
    # Straight from the index, without the catch-up a search would do.
    assert indexed_ids() == set(published)
    assert services.status()["pending"] == 0
    assert sorted(_search_ids("kenh muong noi dong")) == sorted(published)


def test_a_notice_committed_by_a_process_killed_before_indexing_is_not_lost(app, commune):
    services.sync()
    database_url, index_dir = _locations(app)

    result = run_worker("publish-then-die", database_url, index_dir, commune.code)

    assert result.returncode == -signal.SIGKILL
    (notice_id,) = _ids(result)
    assert notice_id not in indexed_ids()
    assert services.status()["pending"] == 1
    # The next search on this node applies what is pending.
    assert _search_ids("tiem phong cum gia cam") == [notice_id]
    assert services.status()["pending"] == 0


def test_an_indexer_killed_in_the_middle_of_a_batch_loses_nothing(app, commune):
    services.sync()
    for number in range(12):
        notice = notice_services.create_notice(
            commune, notice_fields(title=f"Danh sách hộ nhận gạo cứu đói đợt {number}"), None
        )
        notice_services.publish_notice(notice, None)
    db.session.commit()
    database_url, index_dir = _locations(app)

    result = run_worker("apply-then-die", database_url, index_dir, 5)

    assert result.returncode == -signal.SIGKILL
    assert indexed_ids() == set()  # the batch never committed: nothing half-written
    assert services.status()["pending"] == 12
    assert len(_search_ids("gao cuu doi")) == 12
    assert services.status()["pending"] == 0


def test_a_rebuild_killed_midway_leaves_the_live_index_serving(app, commune):
    first = make_notice(commune, None, title="Kế hoạch tiêm vắc xin sởi cho trẻ em")
    services.sync()
    for number in range(6):
        make_notice(commune, None, title=f"Thông báo tuyển sinh lớp một năm học mới, khu {number}")
    database_url, index_dir = _locations(app)

    result = run_worker("rebuild-then-die", database_url, index_dir, 3)

    assert result.returncode == -signal.SIGKILL
    assert services.status()["healthy"]
    assert _search_ids("vac xin soi") == [first.id]
    assert len(_search_ids("tuyen sinh lop mot")) == 6
    assert services.rebuild() == 7
    assert not [entry for entry in Path(index_dir).iterdir() if entry.name.startswith("building-")]


def test_a_deleted_index_directory_is_rebuilt_and_search_answers_meanwhile(app, client, runner, commune):
    notice = make_notice(commune, None, title="Công khai dự toán ngân sách xã năm 2027")
    services.sync()
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])

    page = client.get("/search", query_string={"q": "dự toán ngân sách"})
    api = client.get("/api/v1/search", query_string={"q": "dự toán"}).get_json()

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Chức năng tìm kiếm đầy đủ đang được khôi phục" in text
    assert f'href="/notices/{notice.id}"' in text
    assert api["degraded"] is True and [item["id"] for item in api["items"]] == [notice.id]

    result = runner.invoke(args=["search", "rebuild"])

    assert result.exit_code == 0, result.output
    assert "Indexed 1 notices" in result.output
    restored = client.get("/search?q=du+toan+ngan+sach").get_data(as_text=True)
    assert "đang được khôi phục" not in restored
    assert "<mark>dự toán ngân sách</mark>" in restored


def test_a_corrupted_index_answers_from_the_database_and_sync_repairs_it(app, client, runner, commune):
    make_notice(commune, None, title="Thông báo phun thuốc khử trùng chuồng trại")
    services.sync()
    generation = Path(services.get_index().current_path())
    for path in generation.iterdir():
        if path.suffix == ".toc":
            path.write_bytes(b"not an index")
    # A searcher already open keeps serving from its readers; a worker starting now must open the files.
    forget_searchers()

    page = client.get("/search", query_string={"q": "khử trùng"})

    assert page.status_code == 200
    assert "đang được khôi phục" in page.get_data(as_text=True)
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "rebuilt" in result.output
    assert "đang được khôi phục" not in client.get("/search?q=khu+trung").get_data(as_text=True)


def test_changes_committed_during_a_rebuild_are_replayed(app, commune):
    make_notice(commune, None, title="Thông báo nạo vét ao làng thôn Đông")
    late = {}

    def publish_during_rebuild(done, total):
        if not late:
            late["notice"] = make_notice(commune, None, title="Thông báo sửa chữa cầu treo bản Nà Ó")

    services.rebuild(progress=publish_during_rebuild)

    assert late["notice"].id in indexed_ids()
    assert services.status()["pending"] == 0


def test_status_and_sync_commands_report_the_index(app, runner, commune):
    make_notice(commune, None)
    assert "no index" in runner.invoke(args=["search", "status"]).output
    assert "rebuilt with 1 notices" in runner.invoke(args=["search", "sync"]).output
    make_notice(commune, None, title="Thông báo thứ hai")
    output = runner.invoke(args=["search", "status"]).output
    assert "indexed notices:      1" in output
    assert "pending changes:      1" in output
    assert "Applied 1 pending changes" in runner.invoke(args=["search", "sync"]).output
    assert "pending changes:      0" in runner.invoke(args=["search", "status"]).output


def test_pruning_the_change_log_keeps_the_newest_row(app, runner, commune):
    make_notice(commune, None)
    make_notice(commune, None)
    rows = db.session.scalars(select(SearchChange).order_by(SearchChange.id)).all()
    for row in rows:
        row.created_at = row.created_at.replace(year=row.created_at.year - 1)
    db.session.commit()

    result = runner.invoke(args=["search", "prune", "--days", "30"])

    assert result.exit_code == 0, result.output
    remaining = db.session.scalars(select(SearchChange.id)).all()
    assert remaining == [rows[-1].id]


def test_drafts_are_never_logged_nor_indexed(app, commune):
    notice = make_notice(commune, None, publish=False)
    services.sync()
    assert db.session.scalar(select(SearchChange.id)) is None
    assert indexed_ids() == set()
    assert db.session.get(Notice, notice.id).status == "draft"
