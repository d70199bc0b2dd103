"""flask notices import: JSON Lines checked with the web form's rules, good lines saved per batch."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from app.clock import local_today
from app.extensions import db
from app.ledger.models import AuditEntry
from app.notices.models import Notice, NoticeVersion
from tests.cli.conftest import jsonl, notice_line
from tests.factories import make_units


@pytest.fixture
def units(app):
    return make_units()


def run_import(runner, *args, input=None):
    return runner.invoke(args=["notices", "import", *args], input=input)


def notices():
    return db.session.scalars(select(Notice).order_by(Notice.id)).all()


def test_import_good_file_saves_every_notice_through_the_services(runner, units, write_jsonl):
    path = write_jsonl(
        notice_line(title="Công khai dự toán ngân sách xã năm 2026", category="budget"),
        notice_line(title="Danh sách hộ nghèo, hộ cận nghèo năm 2026 thôn Hạ", category="social_support"),
        notice_line(title="Dự thảo hương ước thôn Chùa", status="draft", unit="07615", opinion_end=None),
    )
    result = run_import(runner, path)
    assert result.exit_code == 0, result.output
    assert "Imported 3 notices (2 published, 1 drafts); skipped 0 invalid lines" in result.stdout
    assert result.stderr == ""
    saved = notices()
    assert [notice.title[:20] for notice in saved] == [
        "Công khai dự toán ng",
        "Danh sách hộ nghèo, ",
        "Dự thảo hương ước th",
    ]
    assert [notice.status for notice in saved] == ["published", "published", "draft"]
    assert saved[2].unit.code == "07615"
    assert all(notice.contact_phone == "+84912345678" for notice in saved)
    assert all(notice.created_by_id is None for notice in saved)
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert sorted(actions) == sorted(["notice.created"] * 3 + ["notice.published"] * 2)
    assert all(entry.actor_id is None for entry in db.session.scalars(select(AuditEntry)))


def test_import_published_lines_get_a_short_code_and_version_1(runner, units, write_jsonl):
    path = write_jsonl(notice_line(status="published"), notice_line(status="draft"))
    assert run_import(runner, path).exit_code == 0
    published, draft = notices()
    assert published.short_code and len(published.short_code) == 6 and published.published_at
    assert [version.number for version in published.versions] == [1]
    assert published.versions[0].snapshot["title"] == published.title
    assert published.versions[0].snapshot["unit"] == "07627"
    assert draft.short_code is None and draft.versions == []


def test_import_without_a_status_makes_a_draft(runner, units, write_jsonl):
    line = notice_line()
    del line["status"]
    assert run_import(runner, write_jsonl(line)).exit_code == 0
    assert [notice.status for notice in notices()] == ["draft"]


def test_import_cleans_html_and_normalises_like_the_form(runner, units, write_jsonl):
    decomposed = "Thông báo thu hồi đất".replace("ô", "o\u0302")  # typed with combining marks
    path = write_jsonl(
        notice_line(
            title=f"  {decomposed}  ",
            body_html='<p onclick="x()">Nội dung</p><script>alert(1)</script>',
            contact={"name": "Trần Thị Bình", "phone": "+84 912 345 678"},
        )
    )
    assert run_import(runner, path).exit_code == 0
    (notice,) = notices()
    assert notice.title == "Thông báo thu hồi đất"
    assert notice.body_html == "<p>Nội dung</p>"
    assert notice.contact_position == ""


def test_import_reports_bad_lines_in_vietnamese_and_imports_the_good_ones(runner, units, write_jsonl):
    today = local_today()
    path = write_jsonl(
        notice_line(title="Dòng tốt số một"),
        notice_line(posting_start="2026-13-45"),
        notice_line(contact={"name": "Nguyễn Văn An", "phone": "12345"}),
        notice_line(unit="99999"),
        notice_line(category="thu_hoi_dat"),
        '{"unit": "07627", "title": "thiếu dấu ngoặc"',
        "",
        notice_line(title="   "),
        notice_line(posting_end=(today - timedelta(days=3)).isoformat()),
        notice_line(title="Dòng tốt số hai", status="draft"),
    )
    result = run_import(runner, path)
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert "line 2: posting_start: Ngày không hợp lệ; hãy ghi theo dạng YYYY-MM-DD, ví dụ 2026-03-15." in errors
    assert any(line.startswith("line 3: contact.phone: Số điện thoại không hợp lệ") for line in errors)
    assert "line 4: unit: Không có đơn vị hành chính mã 99999." in errors
    assert any(line.startswith("line 5: category: Lĩnh vực không hợp lệ") for line in errors)
    assert any(line.startswith("line 6: json: Dòng không phải JSON hợp lệ") for line in errors)
    assert "line 8: title: Vui lòng nhập tiêu đề." in errors
    assert "line 9: posting_end: Ngày kết thúc niêm yết phải sau ngày bắt đầu." in errors
    assert not any(line.startswith(("line 1:", "line 7:", "line 10:")) for line in errors)
    assert len(errors) == 7
    assert "Imported 2 notices (1 published, 1 drafts); skipped 7 invalid lines" in result.stdout
    assert [notice.title for notice in notices()] == ["Dòng tốt số một", "Dòng tốt số hai"]


def test_import_reports_every_problem_of_a_line(runner, units, write_jsonl):
    line = notice_line(summary="", issued_on="02/03/2026", status="archived", contact="Nguyễn Văn An")
    del line["posting_end"]
    result = run_import(runner, write_jsonl(line))
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert "line 1: status: Trạng thái phải là draft hoặc published." in errors
    assert "line 1: summary: Vui lòng nhập tóm tắt nội dung." in errors
    assert "line 1: issued_on: Ngày không hợp lệ; hãy ghi theo dạng YYYY-MM-DD, ví dụ 2026-03-15." in errors
    assert "line 1: posting_end: Vui lòng nhập ngày kết thúc niêm yết." in errors
    assert "line 1: contact: Thông tin liên hệ phải là đối tượng có name, position, phone." in errors
    assert sum(line.startswith("line 1: contact") for line in errors) == 1
    assert notices() == []


def test_import_applies_the_form_rules_on_dates_lengths_and_characters(runner, units, write_jsonl):
    today = local_today()
    path = write_jsonl(
        notice_line(issued_on=(today + timedelta(days=2)).isoformat()),
        notice_line(title="x" * 301),
        notice_line(summary="Tóm tắt có ký tự điều khiển \u0007"),
        notice_line(opinion_end=(today - timedelta(days=5)).isoformat()),
        notice_line(contact={"phone": "0912345678"}),
    )
    result = run_import(runner, path)
    errors = result.stderr.splitlines()
    assert "line 1: issued_on: Ngày ban hành không thể ở tương lai." in errors
    assert "line 2: title: Tiêu đề tối đa 300 ký tự." in errors
    assert any(line.startswith("line 3: summary: Có ký tự điều khiển không hợp lệ") for line in errors)
    assert "line 4: opinion_end: Hạn góp ý phải sau ngày bắt đầu niêm yết." in errors
    assert "line 5: contact.name: Vui lòng nhập họ tên cán bộ được phân công trả lời." in errors
    assert "Imported 0 notices (0 published, 0 drafts); skipped 5 invalid lines" in result.stdout
    assert notices() == []


def test_import_suggests_the_code_when_the_leading_zero_is_missing(runner, units, write_jsonl):
    result = run_import(runner, write_jsonl(notice_line(unit=7627)))
    assert "line 1: unit: Không có đơn vị hành chính mã 7627; có phải mã 07627?" in result.stderr
    assert notices() == []


def test_import_rejects_lines_that_are_not_objects_or_text(runner, units, write_jsonl):
    path = write_jsonl('["a", "b"]', notice_line(title=["không", "phải chuỗi"]), notice_line(unit=None))
    result = run_import(runner, path)
    errors = result.stderr.splitlines()
    assert "line 1: json: Mỗi dòng phải là một đối tượng JSON {…}." in errors
    assert "line 2: title: Giá trị phải là chuỗi ký tự." in errors
    assert any(line.startswith("line 3: unit: Vui lòng ghi mã đơn vị hành chính") for line in errors)
    assert result.exit_code == 1


def test_import_warns_about_unknown_fields_and_still_imports(runner, units, write_jsonl):
    path = write_jsonl(notice_line(author="Nguyễn Văn B", contact={"phone": "0912345678", "name": "A", "fax": "1"}))
    result = run_import(runner, path)
    assert result.exit_code == 0
    assert "line 1: author: Cảnh báo: trường không được hỗ trợ, đã bỏ qua." in result.stderr
    assert "line 1: contact.fax: Cảnh báo: trường không được hỗ trợ, đã bỏ qua." in result.stderr
    assert len(notices()) == 1


def test_import_warns_about_late_or_short_postings_and_still_imports(runner, units, write_jsonl):
    today = local_today()
    path = write_jsonl(
        notice_line(
            issued_on=(today - timedelta(days=40)).isoformat(),
            posting_end=(today + timedelta(days=10)).isoformat(),
        )
    )
    result = run_import(runner, path)
    assert result.exit_code == 0
    assert "line 1: posting_start: Cảnh báo: Niêm yết sau" in result.stderr
    assert "ngắn hơn 30 ngày" in result.stderr
    assert len(notices()) == 1


def test_import_dry_run_validates_and_saves_nothing(runner, units, write_jsonl):
    path = write_jsonl(notice_line(), notice_line(status="draft"), notice_line(category="nope"))
    result = run_import(runner, path, "--dry-run")
    assert result.exit_code == 1
    assert "Dry run: 2 valid notices (1 published, 1 drafts); skipped 1 invalid lines; nothing saved" in result.stdout
    assert "line 3: category:" in result.stderr
    assert notices() == []
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0

    clean = write_jsonl(notice_line(), name="clean.jsonl")
    assert run_import(runner, clean, "--dry-run").exit_code == 0
    assert notices() == []


def test_import_reads_standard_input(runner, units):
    result = run_import(runner, "-", input=jsonl(notice_line(), "", notice_line(status="draft")).encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert "Imported 2 notices (1 published, 1 drafts)" in result.stdout
    assert len(notices()) == 2


def test_import_accepts_a_byte_order_mark(runner, units, tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + jsonl(notice_line()).encode("utf-8"))
    assert run_import(runner, str(path)).exit_code == 0
    assert len(notices()) == 1


def test_import_reports_a_line_that_is_not_utf8(runner, units, tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(jsonl(notice_line()).encode("utf-8") + '{"title": "Thông báo"}\n'.encode("cp1258"))
    result = run_import(runner, str(path))
    assert result.exit_code == 1
    assert "line 2: line: Dòng không phải văn bản UTF-8" in result.stderr
    assert len(notices()) == 1


def test_import_of_an_unreadable_file_exits_2(runner, units, tmp_path):
    result = run_import(runner, str(tmp_path / "khong-co.jsonl"))
    assert result.exit_code == 2
    assert notices() == []
    result = run_import(runner, str(tmp_path))
    assert result.exit_code == 2


@pytest.fixture
def failing_title(app):
    """Make the database itself refuse one title (a real failure inside a batch, no mocks)."""
    title = "Dòng làm hỏng cả lô"
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        setup = [
            "CREATE TRIGGER cli_test_refuse BEFORE INSERT ON notices "
            f"WHEN NEW.title = '{title}' BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
        ]
        teardown = ["DROP TRIGGER IF EXISTS cli_test_refuse"]
    else:
        setup = [
            "CREATE FUNCTION cli_test_refuse() RETURNS trigger AS $$ BEGIN "
            f"IF NEW.title = '{title}' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER cli_test_refuse BEFORE INSERT ON notices FOR EACH ROW EXECUTE FUNCTION cli_test_refuse()",
        ]
        teardown = ["DROP TRIGGER IF EXISTS cli_test_refuse ON notices", "DROP FUNCTION IF EXISTS cli_test_refuse()"]
    for statement in setup:
        db.session.execute(text(statement))
    db.session.commit()
    yield title
    db.session.rollback()
    for statement in teardown:
        db.session.execute(text(statement))
    db.session.commit()


def test_import_failure_rolls_back_only_its_batch(runner, units, write_jsonl, failing_title):
    path = write_jsonl(
        notice_line(title="Lô 1, dòng 1"),
        notice_line(title="Lô 1, dòng 2"),
        notice_line(title="Lô 2, dòng 3"),
        notice_line(title=failing_title),
        notice_line(title="Lô 3, dòng 5"),
    )
    result = run_import(runner, path, "--batch-size", "2")
    assert result.exit_code == 1
    assert "lines 3-4: batch: Không lưu được lô này" in result.stderr
    assert "Imported 3 notices (3 published, 0 drafts); skipped 0 invalid lines" in result.stdout
    assert "2 valid lines not saved because their batch failed" in result.stdout
    assert [notice.title for notice in notices()] == ["Lô 1, dòng 1", "Lô 1, dòng 2", "Lô 3, dòng 5"]
    assert db.session.scalar(select(func.count()).select_from(NoticeVersion)) == 3
