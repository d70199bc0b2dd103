"""A full rebuild in several processes: every notice indexed, and a failed process never goes live."""

from pathlib import Path

import pytest

from app.search import parallel, services
from app.search.backend import SearchIndex
from app.search.parallel import RebuildFailed
from tests.factories import make_notice, make_units
from tests.search.conftest import indexed_ids

VILLAGES = ["Đông", "Đoài", "Hạ", "Thượng", "Trung", "Nam", "Bắc", "Ngoài", "Trong", "Giữa"]


@pytest.fixture
def commune(app):
    _, commune, _ = make_units()
    return commune


@pytest.fixture
def notices(commune):
    """Thirty notices, one marked by a word of its own."""
    made = [
        make_notice(commune, None, title=f"Thông báo thu hồi đất làm đường giao thông thôn {village}, đợt {round_}")
        for round_ in (1, 2, 3)
        for village in VILLAGES
    ]
    made.append(make_notice(commune, None, title="Kế hoạch nạo vét kênh mương nội đồng"))
    return made


@pytest.fixture
def small_batches(app, monkeypatch):
    """Hand documents to two sub-processes five at a time, so a few dozen notices spread over both."""
    monkeypatch.setattr(parallel, "BATCH_DOCUMENTS", 5)
    app.config["SEARCH_REBUILD_PROCESSES"] = 2


def _search_ids(query):
    return {notice.id for notice in services.search(query, services.NoticeFilters.from_args({})).notices}


def _segment_count():
    return len(SearchIndex(services.get_index().root).open()._segments())


@pytest.mark.skipif(not parallel.can_fork(), reason="sub-processes are forked")
def test_a_rebuild_in_two_processes_indexes_what_one_process_does(app, notices, small_batches):
    assert services.rebuild() == len(notices)
    parallel_ids = indexed_ids()
    segments = _segment_count()
    found = {query: _search_ids(query) for query in ("thu hoi dat thon dong", '"nạo vét kênh"', "dot 2")}

    app.config["SEARCH_REBUILD_PROCESSES"] = 1
    assert services.rebuild() == len(notices)

    assert parallel_ids == indexed_ids() == {notice.id for notice in notices}
    assert segments >= 2  # one per sub-process: the work really was shared
    assert _segment_count() == 1
    assert found == {query: _search_ids(query) for query in found}
    assert found["thu hoi dat thon dong"] >= {notices[0].id, notices[10].id, notices[20].id}
    assert found['"nạo vét kênh"'] == {notices[-1].id}
    assert len(found["dot 2"]) == 10


@pytest.mark.skipif(not parallel.can_fork(), reason="sub-processes are forked")
def test_a_failed_rebuild_process_keeps_the_previous_index_live(app, runner, commune, small_batches, monkeypatch):
    first = make_notice(commune, None, title="Kế hoạch tiêm vắc xin sởi cho trẻ em")
    services.sync()
    later = [make_notice(commune, None, title=f"Thông báo tuyển sinh lớp một, khu {number}") for number in range(12)]
    live = services.get_index().current_path()

    def fail(self, filename, doc_count):
        raise OSError("disk full")

    monkeypatch.setattr(parallel._SubWriter, "_process_file", fail)  # inherited by the forked sub-processes
    with pytest.raises(RebuildFailed):
        services.rebuild()
    result = runner.invoke(args=["search", "rebuild"])

    assert result.exit_code == 1
    assert "the rebuild failed, the previous index keeps serving" in result.output
    assert services.get_index().current_path() == live
    assert _search_ids("vac xin soi") == {first.id}
    assert not [entry for entry in Path(services.get_index().root).iterdir() if entry.name.startswith("building-")]

    monkeypatch.undo()
    app.config["SEARCH_REBUILD_PROCESSES"] = 2
    assert services.rebuild() == 13
    assert indexed_ids() == {first.id, *(notice.id for notice in later)}
