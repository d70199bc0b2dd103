"""flask opendata export DIR: CSV and JSON Lines of the public notices and of the queue figures per unit and month,
described by a datapackage.json whose every resource matches its file."""

import csv
import hashlib
import json
from datetime import date, datetime
from pathlib import Path

import pytest

from app.clock import local_today
from tests.factories import make_notice
from tests.opendata.conftest import answer, correct, submit, withdraw

TYPES = {
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "date": lambda value: isinstance(value, str) and date.fromisoformat(value) is not None,
    "datetime": lambda value: isinstance(value, str) and datetime.fromisoformat(value).utcoffset() is not None,
}


def export(runner, directory):
    result = runner.invoke(args=["opendata", "export", str(directory)])
    assert result.exit_code == 0, result.output
    return json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))


def read_resource(directory, resource):
    """The rows of a resource's file as dicts (CSV cells as text, JSON values as they are)."""
    path = directory / resource["path"]
    with path.open(encoding="utf-8", newline="") as stream:
        if resource["format"] == "csv":
            reader = csv.reader(stream)
            header = next(reader)
            return header, [dict(zip(header, row, strict=True)) for row in reader]
        rows = [json.loads(line) for line in stream]
        return (list(rows[0]) if rows else None), rows


@pytest.fixture
def exported(runner, tmp_path, client, units, official):
    """A commune with current, corrected, withdrawn and draft notices and two answered questions, exported."""
    current = make_notice(units[1], official, title="Kế hoạch sử dụng đất năm 2026", category="zoning")
    corrected = make_notice(units[2], official, title="Dự toán ngân sách xã năm 2026", category="budget")
    correct(corrected, official, "Sửa số liệu chi thường xuyên", summary="Dự toán chi thường xuyên 12,5 tỷ đồng.")
    withdrawn = withdraw(make_notice(units[1], official, title="Thông báo đã thu hồi"), official)
    draft = make_notice(units[1], official, publish=False, title="Bản nháp")
    for text in ("Bao giờ xã công bố bản đồ quy hoạch?", "Kế hoạch có ảnh hưởng đến đất nông nghiệp không?"):
        item = submit(client, kind="question", unit=units[1].code, notice=str(current.id), text=text)
    answer(client, official, item, "<p>Có, theo bản đồ kèm theo.</p>")
    directory = tmp_path / "open-data"
    package = export(runner, directory)
    return directory, package, {"current": current, "corrected": corrected, "withdrawn": withdrawn, "draft": draft}


def test_every_resource_file_exists_and_matches_its_description(exported):
    directory, package, _notices = exported

    assert package["profile"] == "data-package" and package["name"] == "congkhai-open-data"
    # Data Package v1: only CSV (or inline JSON) makes a tabular data resource.
    assert {resource["path"]: resource["profile"] for resource in package["resources"]} == {
        "notices.csv": "tabular-data-resource",
        "notices.jsonl": "data-resource",
        "queue_figures.csv": "tabular-data-resource",
        "queue_figures.jsonl": "data-resource",
    }
    assert sorted(resource["path"] for resource in package["resources"]) == [
        "notices.csv",
        "notices.jsonl",
        "queue_figures.csv",
        "queue_figures.jsonl",
    ]
    for resource in package["resources"]:
        path = directory / resource["path"]
        data = path.read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        fields = resource["schema"]["fields"]
        names = [field["name"] for field in fields]
        header, rows = read_resource(directory, resource)
        assert header == names, resource["path"]
        assert len(rows) == resource["rows"] > 0
        for field in fields:
            assert field["type"] in TYPES
            # +07:00 times are not Table Schema's default datetime format (UTC, "Z").
            assert field.get("format") == ("any" if field["type"] == "datetime" else None), field["name"]
            assert field["description_vi"] and field["description_en"] and " / " in field["description"]
        if resource["format"] == "jsonl":
            for row in rows:
                assert list(row) == names
                for field in fields:
                    value = row[field["name"]]
                    assert value is None or TYPES[field["type"]](value), (field["name"], value)


def test_the_notices_are_the_public_ones_with_what_their_page_shows(exported, client):
    directory, package, notices = exported
    resource = next(item for item in package["resources"] if item["path"] == "notices.jsonl")

    _header, rows = read_resource(directory, resource)

    by_id = {row["id"]: row for row in rows}
    assert sorted(by_id) == sorted(notices[name].id for name in ("current", "corrected", "withdrawn"))
    for name in ("current", "corrected", "withdrawn"):
        api = client.get(f"/api/v1/notices/{notices[name].id}").get_json()
        row = by_id[notices[name].id]
        for field in ("title", "summary", "body_html", "category", "status", "legal_reference", "place", "url"):
            assert row[field] == api[field], field
        assert row["code"] == api["code"] and row["short_url"] == api["short_url"]
        assert (row["unit_code"], row["unit_name"]) == (api["unit"]["code"], api["unit"]["name"])
        assert row["contact_name"] == api["contact"]["name"] == "Nguyễn Văn An"
        assert row["contact_phone"] == api["contact"]["phone"] == "+84912345678"
        assert row["posting_start"] == api["posting_start"] and row["issued_on"] == api["issued_on"]
        published = datetime.fromisoformat(api["published_at"]).replace(microsecond=0)
        assert datetime.fromisoformat(row["published_at"]) == published
    corrected = by_id[notices["corrected"].id]
    assert corrected["corrections"] == 1 and corrected["last_correction_reason"] == "Sửa số liệu chi thường xuyên"
    assert corrected["summary"] == "Dự toán chi thường xuyên 12,5 tỷ đồng." and corrected["last_corrected_at"]
    assert corrected["updated_at"] == corrected["last_corrected_at"]
    withdrawn = by_id[notices["withdrawn"].id]
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawal_reason"] == "Văn bản đã được thay thế"
    assert withdrawn["updated_at"] == withdrawn["withdrawn_at"]
    assert by_id[notices["current"].id]["corrections"] == 0 and by_id[notices["current"].id]["category_label"] == (
        "Quy hoạch, kế hoạch sử dụng đất"
    )
    csv_resource = next(item for item in package["resources"] if item["path"] == "notices.csv")
    _header, csv_rows = read_resource(directory, csv_resource)
    assert [int(row["id"]) for row in csv_rows] == [row["id"] for row in rows]
    assert {row["title"] for row in csv_rows} == {row["title"] for row in rows}


def test_the_queue_figures_are_the_numbers_inspectors_see(exported, client):
    directory, package, _notices = exported
    resource = next(item for item in package["resources"] if item["path"] == "queue_figures.jsonl")
    _header, rows = read_resource(directory, resource)
    today = local_today()
    month = today.strftime("%Y-%m")
    period = f"from={today.replace(day=1).isoformat()}&to={today.isoformat()}"

    stats = client.get(f"/api/v1/stats?unit=24&{period}").get_json()

    by_key = {(row["month"], row["unit_code"], row["scope"]): row for row in rows}
    assert {row["month"] for row in rows} == {month}
    province = by_key[(month, "24", "subtree")]
    commune = by_key[(month, "07627", "unit")]
    assert province["received"] == commune["received"] == 2
    assert commune["answered"] == 1
    assert (month, "07615", "unit") in by_key  # a commune with nothing received still has its row, of zeros
    for name in stats["period_fields"]:
        assert province[name] == stats["totals"][name], name
        assert commune[name] == next(unit for unit in stats["by_unit"] if unit["code"] == "07627")[name], name
    for name in stats["today_fields"]:
        assert name not in province
    assert all(row["as_of"] == today.isoformat() for row in rows)


def test_an_empty_site_exports_empty_tables_with_their_headers(runner, tmp_path, units):
    package = export(runner, tmp_path / "out")

    for resource in package["resources"]:
        assert resource["rows"] == 0
    header = (tmp_path / "out" / "notices.csv").read_text(encoding="utf-8").splitlines()
    assert header == [",".join(field["name"] for field in package["resources"][0]["schema"]["fields"])]
    assert Path(tmp_path / "out" / "queue_figures.jsonl").read_text(encoding="utf-8") == ""
