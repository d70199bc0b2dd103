"""Today's figures and the period's (issue 12, part 2).

"Open now", "overdue now" and the oldest overdue age count every item open today, whenever it was received,
in every period; received, answered and on-time figures stay tied to the period. Every commune and ward of
the scope is listed, with zeros when nothing was posted or received.

The scene, on the real clock (the pages and the API count on it): commune A (07627) holds an item received
about twenty months ago and still open, overdue since its answer was due, and one received three days ago
(open, not yet due); commune B (07615) one answered this week; commune C (07264) nothing at all.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from app.clock import local_today
from app.extensions import db
from app.inspection.queue_figures import QueueFigures
from app.inspection.report import build_report, compute_figures
from app.inspection.scope import AuditScope, default_period, month_end, month_start
from tests.factories import make_unit, make_user
from tests.inspection.conftest import key_figures, local, make_item, section, text_of

OLD_DAYS = 610  # about twenty months
OVERDUE_DAYS = OLD_DAYS - 15  # its answer was due fifteen days after it arrived
PERIODS = ["twelve months", "last 30 days", "a past month", "days in the past", "since the old item", "its year"]


def moment(days_before, hour=9):
    """An aware Vietnam-time moment `days_before` today (never later today: that could be in the future)."""
    day = local_today() - timedelta(days=days_before)
    return local(day.year, day.month, day.day, hour)


def day(offset):
    return local_today() + timedelta(days=offset)


def period(name):
    """(first day, last day, items of the scene received in it) of a named period."""
    today = local_today()
    received_old = today - timedelta(days=OLD_DAYS)
    past_month = month_start(today - timedelta(days=90))
    return {
        "twelve months": (*default_period(today), 2),
        "last 30 days": (today - timedelta(days=29), today, 2),
        "a past month": (past_month, month_end(past_month), 0),  # ends in the past: still the rollups
        "days in the past": (past_month + timedelta(days=2), past_month + timedelta(days=9), 0),  # read live
        "since the old item": (received_old - timedelta(days=10), today, 3),
        "its year": (date(received_old.year, 1, 1), date(received_old.year, 12, 31), 1),
    }[name]


def dates(name):
    start, end, _received = period(name)
    return f"from={start.isoformat()}&to={end.isoformat()}"


def query(name, unit="24"):
    return f"unit={unit}&{dates(name)}"


@dataclass
class Scene:
    province: object
    a: object
    b: object
    silent: object
    inspector: object
    old: object
    recent: object


@pytest.fixture
def scene(units):
    province, a, b = units
    silent = make_unit("07264", "Xã Tam Tiến", "commune", province)
    db.session.commit()
    official = make_user("official", a, username="canbo.homnay")
    inspector = make_user("inspector", province, username="thanhtra.homnay")
    old = make_item(
        a,
        "petition",
        moment(OLD_DAYS),
        acknowledge_due=day(-OLD_DAYS + 3),
        acknowledged_at=moment(OLD_DAYS - 1),
        first_response_at=moment(OLD_DAYS - 1),
        resolve_due=day(-OVERDUE_DAYS),
        status="accepted",
        assigned_to=official,
    )
    recent = make_item(a, "question", moment(3), resolve_due=day(10), status="received")
    make_item(
        b,
        "question",
        moment(6),
        resolve_due=day(4),
        first_response_at=moment(2),
        answered_at=moment(2),
        status="answered",
    )
    db.session.commit()
    return Scene(province, a, b, silent, inspector, old, recent)


def today_figures(figures):
    return (figures.open_now, figures.overdue_now, figures.overdue_age_max if figures.overdue_now else None)


# --- the figures themselves ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PERIODS)
@pytest.mark.parametrize("use_rollups", [True, False])
def test_every_item_open_today_counts_in_every_period(scene, name, use_rollups):
    start, end, received = period(name)
    report = compute_figures(AuditScope(scene.province, start, end), True, True, local_today(), use_rollups)
    assert today_figures(report.total) == (2, 1, OVERDUE_DAYS)
    assert report.total.overdue_age_total == OVERDUE_DAYS
    assert today_figures(report.by_unit[scene.a.id]) == (2, 1, OVERDUE_DAYS)
    assert today_figures(report.by_kind["petition"]) == (1, 1, OVERDUE_DAYS)
    assert today_figures(report.by_kind["question"]) == (1, 0, None)
    assert report.total.received == received  # the period's own figures stay the period's


@pytest.mark.parametrize("name", PERIODS)
def test_the_rollups_give_the_same_today_figures_as_the_items(scene, name):
    start, end, _received = period(name)
    for scope in (
        AuditScope(scene.province, start, end),
        AuditScope(scene.a, start, end, kind="petition"),
        AuditScope(scene.a, start, end, official_id=scene.old.assigned_to_id),
    ):
        rolled = compute_figures(scope, True, True, local_today())
        read = compute_figures(scope, True, True, local_today(), use_rollups=False)
        for group in ("by_unit", "by_kind", "by_official"):
            assert getattr(rolled, group) == getattr(read, group), (scope, group)
        assert rolled.total == read.total


# --- where people read them ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", PERIODS)
def test_stats_api_counts_it_and_says_which_figures_are_today(client, scene, name):
    payload = client.get("/api/v1/stats?" + query(name)).get_json()
    totals = payload["totals"]
    assert (totals["open_now"], totals["overdue_now"], totals["overdue_age_days_max"]) == (2, 1, OVERDUE_DAYS)
    assert totals["received"] == period(name)[2]
    units = {entry["code"]: entry for entry in payload["by_unit"]}
    assert (units["07627"]["open_now"], units["07627"]["overdue_now"]) == (2, 1)
    assert payload["as_of"] == local_today().isoformat()
    assert {"open_now", "overdue_now", "overdue_age_days_max", "overdue_age_days_mean"} == set(payload["today_fields"])
    assert {"received", "answered", "answered_on_time_pct", "acknowledged_on_time_pct"} <= set(payload["period_fields"])
    assert not set(payload["today_fields"]) & set(payload["period_fields"])
    commune = client.get("/api/v1/stats?" + query(name, unit="07627") + "&kind=petition").get_json()["totals"]
    assert (commune["open_now"], commune["overdue_now"], commune["overdue_age_days_max"]) == (1, 1, OVERDUE_DAYS)


def login_inspector(client, scene):
    client.post("/logout")
    response = client.post("/login", data={"username": scene.inspector.username, "password": "correct horse battery"})
    assert response.status_code == 302


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["twelve months", "last 30 days", "days in the past"])
def test_pages_count_it_and_say_which_figures_are_today(client, scene, name):
    login_inspector(client, scene)
    start, end, received = period(name)
    for path in ("/audit/?" + query(name), "/audit/units/07627?" + dates(name)):
        html = page(client, path)
        figures = key_figures(html)
        assert figures["Đang xử lý"] == "2", path
        assert figures["Quá hạn hiện nay"] == f"1 lâu nhất {OVERDUE_DAYS} ngày", path
        shown = text_of(html)
        assert f"Hôm nay, {local_today():%d/%m/%Y}: mọi hồ sơ chưa xong, dù tiếp nhận lúc nào" in shown, path
        assert f"Trong kỳ: hồ sơ tiếp nhận từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}" in shown, path
    overdue = section(html, "overdue-heading")  # the commune page lists it among the overdue items
    assert scene.old.tracking_code in overdue
    listed = page(client, f"/audit/items?overdue=y&{query(name)}")
    assert scene.old.tracking_code in listed
    assert "1 hồ sơ quá hạn hôm nay, tiếp nhận vào bất kỳ lúc nào" in text_of(listed)


def test_public_unit_page_counts_it_as_today(client, scene):
    for code in ("07627", "24"):
        shown = text_of(section(page(client, f"/units/{code}"), "unit-summary-heading"))
        assert f"Đang xử lý / quá hạn hôm nay ({local_today():%d/%m/%Y}) 2 / 1" in shown, code


def csv_records(response):
    body = response.get_data(as_text=True)
    header, *rows = list(csv.reader(io.StringIO(body[1:])))
    return {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in rows}


@pytest.mark.parametrize("name", ["twelve months", "a past month", "days in the past"])
def test_exports_count_it(client, scene, name):
    login_inspector(client, scene)
    records = csv_records(client.get("/audit/export/figures.csv?" + query(name)))
    for key in (("Toàn bộ", "24"), ("Đơn vị", "07627")):
        record = records[key]
        shown = (record["Đang xử lý hiện nay"], record["Quá hạn hiện nay"], record["Quá hạn lâu nhất hiện nay (ngày)"])
        assert shown == ("2", "1", str(OVERDUE_DAYS)), key
    book = load_workbook(io.BytesIO(client.get("/audit/export/figures.xlsx?" + query(name)).data))
    header, total, *_rest = book["Giải quyết hồ sơ"].iter_rows(values_only=True)
    total = dict(zip(header, total, strict=True))
    assert (total["Đang xử lý hiện nay"], total["Quá hạn hiện nay"]) == (2, 1)
    items = client.get("/audit/export/items.csv?overdue=y&" + query(name)).get_data(as_text=True)
    assert scene.old.tracking_code in items


@pytest.mark.parametrize("years_back", [0, 1, None])
def test_annual_report_counts_it(client, scene, years_back):
    login_inspector(client, scene)
    year = (local_today() - timedelta(days=OLD_DAYS)).year if years_back is None else local_today().year - years_back
    response = client.get(f"/audit/reports/annual.xlsx?unit=24&year={year}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    general = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True) if row and row[0]}
    assert (general["Đang xử lý hiện nay"], general["Quá hạn hiện nay"]) == (2, 1)
    assert general["Quá hạn lâu nhất hiện nay (ngày)"] == OVERDUE_DAYS
    assert f"Hôm nay, {local_today():%d/%m/%Y}: mọi hồ sơ chưa xong, dù tiếp nhận lúc nào" in general
    header, *rows = book["Theo xã, phường"].iter_rows(values_only=True)
    communes = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert (communes["07627"]["Đang xử lý hiện nay"], communes["07627"]["Quá hạn hiện nay"]) == (2, 1)
    late = [row[0] for row in book["Hồ sơ quá hạn"].iter_rows(values_only=True)]
    assert scene.old.tracking_code in late


# --- silent communes ------------------------------------------------------------------------------------


def test_a_silent_commune_is_listed_with_zeros(app, client, scene):
    app.config["AUDIT_RANKING_MIN_ITEMS"] = 1
    report = build_report(AuditScope(scene.province, *period("twelve months")[:2]))
    assert report.by_unit[scene.silent.id] == QueueFigures()
    assert [entry.unit.code for entry in report.unranked] == ["07264"]  # the others have items: ranked

    payload = client.get("/api/v1/stats?unit=24").get_json()
    units = {entry["code"]: entry for entry in payload["by_unit"]}
    assert set(units) == {"07627", "07615", "07264"}
    silent = units["07264"]
    assert (silent["name"], silent["received"], silent["open_now"], silent["overdue_now"]) == ("Xã Tam Tiến", 0, 0, 0)
    assert silent["disclosure"]["notices_posted"] == 0
    assert [entry["code"] for entry in payload["ranking"]["unranked"]] == ["07264"]

    login_inspector(client, scene)
    html = page(client, "/audit/")
    ranked, unranked = text_of(section(html, "league-heading")).split("Không xếp hạng (dưới 1 hồ sơ)")
    assert "Xã Đại Sơn 1 " in ranked and "Xã Sơn Động 1 " in ranked
    assert "Xã Tam Tiến 0 " in unranked
    assert "Xã Tam Tiến 0 " in text_of(section(html, "disclosure-heading"))
    records = csv_records(client.get("/audit/export/figures.csv?unit=24"))
    assert (records[("Đơn vị", "07264")]["Hồ sơ tiếp nhận"], records[("Đơn vị", "07264")]["Đang xử lý hiện nay"]) == (
        "0",
        "0",
    )
    book = load_workbook(io.BytesIO(client.get(f"/audit/reports/annual.xlsx?unit=24&year={local_today().year}").data))
    codes = [row[0] for row in book["Theo xã, phường"].iter_rows(values_only=True)]
    assert "07264" in codes
