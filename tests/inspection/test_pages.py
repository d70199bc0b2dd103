"""The inspectors' pages under /audit/: who may open which page, the hand-computed figures as they are shown,
charts, an item's history without the submitter's identity, filter errors, the audit log and its check.

The pages compute "now" from the real clock, so every request names the period of the hand-computed data
set (1 April – 31 May 2025) and figures that depend on the day are worked out for any day after 18 June 2025.
"""

import re
from datetime import date
from html import unescape
from urllib.parse import parse_qsl, urlencode

import pytest
from sqlalchemy import func, select, text

from app.accounts.models import AdministrativeUnit
from app.clock import local_today
from app.extensions import db
from app.feedback.models import HolidayOverride
from app.ledger.chain import record
from app.ledger.models import AuditEntry
from tests.factories import make_user
from tests.inspection.conftest import (
    QUERY,
    SUBMITTER,
    SUBMITTER_TRACES,
    key_figures,
    local,
    make_item,
    section,
    text_of,
    with_submitter,
)

# Route patterns filled from the world: {A}/{B} unit codes, {oa}/{ob} officials, {a1}/{b1} items.
OWN_ROUTES = [
    "/audit/?" + QUERY,
    "/audit/units/07627?" + QUERY,
    "/audit/officials/{oa}?" + QUERY,
    "/audit/items?" + QUERY,
    "/audit/items/{a1}",
    "/audit/log",
    "/audit/log/verify",
    "/audit/export/figures.csv?" + QUERY,
    "/audit/export/figures.xlsx?" + QUERY,
    "/audit/export/items.csv?" + QUERY,
    "/audit/export/items.xlsx?" + QUERY,
    "/audit/reports/annual.xlsx?year=2025",
    "/audit/consultations?" + QUERY,
    "/audit/export/consultations.csv?" + QUERY,
]
# Pages of commune B or of the whole province: not for commune A's inspector.
OTHER_ROUTES = [
    "/audit/?unit=07615&" + QUERY,
    "/audit/?unit=24&" + QUERY,
    "/audit/units/07615?" + QUERY,
    "/audit/units/24?" + QUERY,
    "/audit/officials/{ob}?" + QUERY,
    "/audit/items?unit=07615&" + QUERY,
    "/audit/items?unit=24&" + QUERY,
    "/audit/items/{b1}",
    "/audit/export/figures.csv?unit=07615&" + QUERY,
    "/audit/export/figures.xlsx?unit=24&" + QUERY,
    "/audit/export/items.csv?unit=24&" + QUERY,
    "/audit/export/items.xlsx?unit=07615&" + QUERY,
    "/audit/reports/annual.xlsx?year=2025&unit=07615",
    "/audit/reports/annual.xlsx?year=2025&unit=24",
    "/audit/consultations?unit=07615&" + QUERY,
    "/audit/export/consultations.xlsx?unit=24&" + QUERY,
]
ALL_ROUTES = OWN_ROUTES + OTHER_ROUTES


def path_of(route, world):
    return route.format(oa=world.oa.id, ob=world.ob.id, a1=world.items["A1"].id, b1=world.items["B1"].id)


def page(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


# --- who may open what ---------------------------------------------------------------------------------------


def test_every_audit_route_is_covered_by_the_access_tests(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("audit.")}
    covered = {
        app.url_map.bind("localhost").match(route.split("?")[0].format(oa=1, ob=1, a1=1, b1=1))[0]
        for route in ALL_ROUTES
    }
    assert endpoints - {"audit.static"} <= covered


def statuses(client, world, routes):
    """{route: status code} of a GET of every route, as the signed-in user (if any)."""
    return {route: client.get(path_of(route, world)).status_code for route in routes}


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for route in ALL_ROUTES:
        response = client.get(path_of(route, world))
        assert (route, response.status_code) == (route, 302)
        assert response.headers["Location"].startswith("/login?next="), route


@pytest.mark.parametrize("role", ["official", "leader"])
def test_officials_and_leaders_are_refused_every_audit_page(client, world, login, role):
    login(make_user(role, world.a))
    assert statuses(client, world, ALL_ROUTES) == dict.fromkeys(ALL_ROUTES, 403)


def test_a_province_official_is_refused_too(client, world, login):
    login(make_user("official", world.province))
    assert statuses(client, world, ALL_ROUTES) == dict.fromkeys(ALL_ROUTES, 403)


def test_commune_inspector_reads_their_own_commune_only(client, world, login):
    login(world.commune_inspector)
    assert statuses(client, world, OWN_ROUTES) == dict.fromkeys(OWN_ROUTES, 200)
    assert statuses(client, world, OTHER_ROUTES) == dict.fromkeys(OTHER_ROUTES, 403)


def test_province_inspector_reads_everything_in_the_province(client, world, login):
    login(world.inspector)
    assert statuses(client, world, ALL_ROUTES) == dict.fromkeys(ALL_ROUTES, 200)


def test_province_inspector_is_refused_another_province(client, world, login):
    login(world.inspector)
    assert client.get("/audit/units/01").status_code == 403
    assert client.get("/audit/?unit=00004").status_code == 403
    assert client.get("/audit/export/items.csv?unit=01").status_code == 403
    assert client.get("/audit/reports/annual.xlsx?year=2025&unit=01").status_code == 403
    assert client.get(f"/audit/items/{world.items['X1'].id}").status_code == 403


@pytest.mark.parametrize("path", ["/audit/units/99999", "/audit/items/999999", "/audit/officials/999999"])
def test_unknown_unit_item_or_official_is_404(client, world, login, path):
    login(world.inspector)
    assert client.get(path).status_code == 404


# --- the figures as the pages show them ------------------------------------------------------------------


def overdue_days_since(day):
    """Calendar days from a missed deadline to today, written as the pages write numbers ("1.024")."""
    return f"{(local_today() - day).days:,}".replace(",", ".")


def test_overview_shows_the_hand_computed_key_figures(client, world, login):
    login(world.inspector)
    html = page(client, "/audit/?" + QUERY)
    figures = key_figures(html)
    assert figures["Hồ sơ tiếp nhận"] == "10"
    assert figures["Tiếp nhận đúng hạn"] == "71,4% 5 trên 7 hồ sơ đến hạn"
    # On 10 June 4 of 6; B3's answer was due 18 June and is still missing, so now 4 of 7.
    assert figures["Trả lời đúng hạn"] == "57,1% 4 trên 7 hồ sơ đến hạn"
    assert figures["Thời gian trả lời"] == "15 ngày trung vị, ngày làm việc; 90% trong 16 ngày"
    # Today: every open item, whenever received (A4, A5, A6, B3, C0, C2); all but A5 overdue. C0, received in
    # March and never answered, is the longest overdue: since 10 April 2025.
    assert figures["Đang xử lý"] == "6"
    assert figures["Quá hạn hiện nay"] == f"5 lâu nhất {overdue_days_since(date(2025, 4, 10))} ngày"
    assert figures["Đánh giá của người dân"] == "4,5 2 lượt đánh giá"
    assert figures["Niêm yết trong 3 ngày làm việc"] == "66,7% 4 thông báo niêm yết"
    assert "Hồ sơ tiếp nhận và thông báo niêm yết từ 01/04/2025 đến 31/05/2025" in html


def test_overview_tables_by_kind_and_disclosure(client, world, login):
    login(world.inspector)
    html = page(client, "/audit/?" + QUERY)
    kinds = text_of(section(html, "kind-heading"))
    assert "Phản ánh, kiến nghị 5 " in kinds
    assert "Khiếu nại 1 " in kinds and "Tố cáo 1 " in kinds
    disclosure = text_of(section(html, "disclosure-heading"))
    # Everything: 4 posted, delay median 2, 2 of 3 within the limit, 3 of 4 long enough, 2 corrections, 1 withdrawal.
    assert "Tất cả 4 2 66,7% (2/3) 75% 2 1" in disclosure


def test_commune_page_shows_its_figures_officials_and_overdue_items(client, world, login):
    login(world.inspector)
    html = page(client, "/audit/units/07627?" + QUERY)
    figures = key_figures(html)
    assert figures["Hồ sơ tiếp nhận"] == "6"
    assert figures["Tiếp nhận đúng hạn"] == "66,7% 2 trên 3 hồ sơ đến hạn"
    assert figures["Trả lời đúng hạn"] == "60% 3 trên 5 hồ sơ đến hạn"
    overdue = section(html, "overdue-heading")
    codes = re.findall(r">(PA-TEST-\d+)</a>", overdue)
    # Every item overdue today, whenever received, the longest overdue first: C0 (received in March, due
    # 10 April), A6, A4, then C2 (received in June, due 13 June).
    assert codes == [world.items[name].tracking_code for name in ("C0", "A6", "A4", "C2")]
    assert f"05/05/2025 {overdue_days_since(date(2025, 5, 5))} ngày" in text_of(overdue)
    officials = text_of(section(html, "official-heading"))
    assert "Cán bộ canbo.a 5 66,7% 60% (3/5)" in officials
    assert "Chưa phân công 1 " in officials  # A5


def test_commune_inspector_sees_the_same_figures_for_their_commune(client, world, login):
    login(world.commune_inspector)
    html = page(client, "/audit/?" + QUERY)  # defaults to their own commune
    assert "<h1>Giám sát: Xã Đại Sơn</h1>" in html
    assert key_figures(html)["Trả lời đúng hạn"] == "60% 3 trên 5 hồ sơ đến hạn"


def test_official_page_shows_the_items_assigned_to_them(client, world, login):
    login(world.inspector)
    html = page(client, f"/audit/officials/{world.oa.id}?" + QUERY)
    figures = key_figures(html)
    assert figures["Hồ sơ tiếp nhận"] == "5"
    assert figures["Trả lời đúng hạn"] == "60% 3 trên 5 hồ sơ đến hạn"
    assert figures["Tiếp nhận đúng hạn"] == "66,7% 2 trên 3 hồ sơ đến hạn"


def listed_codes(html):
    return sorted(re.findall(r'<th scope="row"><a href="/audit/items/\d+">(PA-TEST-\d+)</a>', html))


def codes_of(world, *names):
    return sorted(world.items[name].tracking_code for name in names)


@pytest.mark.parametrize(
    ("filters", "names"),
    [
        ("", ["A1", "A2", "A3", "A4", "A5", "A6", "B1", "B2", "B3", "B4"]),
        ("&unit=07615", ["B1", "B2", "B3", "B4"]),
        ("&overdue=y", ["A4", "A6", "B3", "C0", "C2"]),  # overdue today, whenever received
        ("&status=closed", ["A1", "B2", "B4"]),
        ("&kind=petition", ["A1", "A2", "A4", "B1", "B3"]),
        ("&official={oa}", ["A1", "A2", "A3", "A4", "A6"]),
    ],
)
def test_item_list_filters(client, world, login, filters, names):
    login(world.inspector)
    html = page(client, "/audit/items?" + QUERY + filters.format(oa=world.oa.id))
    assert listed_codes(html) == codes_of(world, *names)
    if "overdue" in filters:
        assert f"{len(names)} hồ sơ quá hạn hôm nay, tiếp nhận vào bất kỳ lúc nào" in text_of(html)
    else:
        assert f"{len(names)} hồ sơ tiếp nhận từ 01/04/2025 đến 31/05/2025" in text_of(html)


def test_league_table_ranks_only_units_with_the_minimum_of_items(app, client, world, login):
    login(world.inspector)
    league = section(page(client, "/audit/?" + QUERY), "league-heading")
    assert "Chỉ xếp hạng đơn vị có ít nhất 10 hồ sơ trong kỳ." in league
    assert "Chưa có đơn vị nào đủ 10 hồ sơ để xếp hạng." in league
    app.config["AUDIT_RANKING_MIN_ITEMS"] = 5
    league = text_of(section(page(client, "/audit/?" + QUERY), "league-heading"))
    assert "Chỉ xếp hạng đơn vị có ít nhất 5 hồ sơ trong kỳ." in league
    ranked, unranked = league.split("Không xếp hạng (dưới 5 hồ sơ)")
    assert "1 Xã Đại Sơn 6 " in ranked and "Xã Sơn Động" not in ranked
    assert "Xã Sơn Động 4 " in unranked


def test_charts_are_inline_svg_without_scripts_or_outside_resources(client, world, login):
    login(world.inspector)
    html = page(client, "/audit/?" + QUERY)
    assert "<script" not in html.lower()
    charts = section(html, "charts-heading")
    svgs = re.findall(r"<svg\b.*?</svg>", charts, flags=re.DOTALL)
    assert len(svgs) == 3
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
        outside = re.sub(r'xmlns="http://www\.w3\.org/2000/svg"', "", svg)
        assert not re.search(r"https?:|//|href=|src=|url\(|<script|<image|<foreignObject|\bon\w+=", outside)
    # The numbers are also written out: the backlog at the end of April and May.
    assert "Cuối 04/2025: 3 hồ sơ tồn đọng; Cuối 05/2025: 5 hồ sơ tồn đọng" in charts


def test_chart_labels_use_the_vietnamese_number_format(client, world, login):
    login(world.inspector)
    charts = section(page(client, "/audit/?kind=petition&from=2025-04-01&to=2025-04-30"), "charts-heading")
    # Petitions received in April: A1 and B1 on time, A2 late.
    assert "04/2025: 66,7% đúng hạn (2 trên 3 hồ sơ đến hạn)" in charts
    assert ">66,7%</text>" in charts


# --- one item ---------------------------------------------------------------------------------------------


def test_item_page_shows_the_full_history_but_never_the_submitter(client, world, login):
    item = with_submitter(world.items["A1"])
    login(world.inspector)
    html = page(client, f"/audit/items/{item.id}")
    shown = text_of(html)
    assert f"Hồ sơ {item.tracking_code}" in shown
    assert "Tiếp nhận lúc 09:00 01/04/2025" in shown
    assert "Phản hồi đầu tiên lúc 10:00 03/04/2025 (2 ngày làm việc, 49 giờ)" in shown
    assert "Trả lời lúc 23:59 23/04/2025 (15 ngày làm việc, 542 giờ) · Đúng hạn" in shown
    assert "Kết thúc lúc 09:00 25/04/2025" in shown
    history = text_of(section(html, "history-heading"))
    assert "10:00 03/04/2025 · Thụ lý · Cán bộ canbo.a" in history
    assert "23:59 23/04/2025 · Trả lời · Cán bộ canbo.a" in history
    assert "Có ghi danh" in shown
    for trace in SUBMITTER_TRACES:
        assert trace not in html


def test_denunciation_page_shows_deadlines_and_events_but_neither_text_nor_whistleblower(client, world, login):
    item = with_submitter(world.items["B4"], submitter_name="Nguyễn Thị Tố Giác")
    login(world.inspector)
    html = page(client, f"/audit/items/{item.id}")
    history = text_of(section(html, "history-heading"))
    assert "09:00 22/04/2025 · Chuyển cơ quan ngoài hệ thống · Cán bộ canbo.b" in history
    assert "09:00 25/04/2025 · Kết thúc · Cán bộ canbo.b" in history
    assert item.text not in html
    for trace in SUBMITTER_TRACES:
        assert trace not in html


def test_lists_and_figures_never_show_submitters(client, world, login):
    with_submitter(world.items["A1"])
    login(world.inspector)
    for path in ["/audit/?" + QUERY, "/audit/units/07615?" + QUERY, "/audit/items?" + QUERY]:
        html = page(client, path)
        for trace in SUBMITTER_TRACES:
            assert trace not in html, (path, trace)


# --- filters that make no sense ---------------------------------------------------------------------------

BAD_FILTERS = [
    ("/audit/?from=2025-05-31&to=2025-04-01", "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."),
    ("/audit/?from=31-31-2025", "Ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy."),
    ("/audit/?to=hôm-qua", "Ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy."),
    ("/audit/?from=2025-02-30", "Ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy."),
    ("/audit/?to=9999-12-31", "Ngày phải từ 01/01/2000 đến 31/12/2100."),
    ("/audit/?to=0001-01-02", "Ngày phải từ 01/01/2000 đến 31/12/2100."),
    ("/audit/?from=1999-12-31&to=2025-01-01", "Ngày phải từ 01/01/2000 đến 31/12/2100."),
    ("/audit/?from=2000-01-01&to=2100-12-31", "Khoảng thời gian tối đa là 10 năm."),
    ("/audit/?kind=bribe", "Loại hồ sơ phải là một trong: question, petition"),
    ("/audit/?unit=99999", "Không có đơn vị hành chính mã 99999."),
    ("/audit/?unit=%3Cscript%3E", "Mã đơn vị chỉ gồm chữ số"),
    ("/audit/units/07627?from=2025-13-01", "Ngày không hợp lệ"),
    ("/audit/officials/{oa}?from=2025-05-31&to=2025-04-01", "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."),
    ("/audit/items?status=lost", "Trạng thái không hợp lệ."),
    ("/audit/items?official=abc", "Mã số cán bộ không hợp lệ."),
    ("/audit/items?official=99999999999999999999", "Mã số cán bộ không hợp lệ."),
    ("/audit/items?kind=%00", "Loại hồ sơ phải là một trong"),
    ("/audit/log?from=2025-05-02&to=2025-05-01", "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."),
    ("/audit/log?from=0001-01-01", "Ngày phải từ 01/01/2000 đến 31/12/2100."),
    ("/audit/log?to=9999-12-31", "Ngày phải từ 01/01/2000 đến 31/12/2100."),
    ("/audit/log?action=DROP%20TABLE", "Thao tác gồm chữ thường, dấu chấm, gạch dưới."),
    ("/audit/export/figures.csv?from=x", "Ngày không hợp lệ"),
    ("/audit/export/items.xlsx?to=9999-12-31", "Ngày phải từ 01/01/2000 đến 31/12/2100."),
    ("/audit/reports/annual.xlsx?year=abc", "Năm phải là một số, ví dụ 2025."),
    ("/audit/reports/annual.xlsx?year=1999", "Năm phải từ 2000 đến 2100."),
    ("/audit/reports/annual.xlsx?year=2025&unit=99", "Không có đơn vị hành chính mã 99."),
]


def test_bad_filters_give_a_400_page_saying_what_is_wrong(client, world, login):
    login(world.inspector)
    problems = {}
    for path, message in BAD_FILTERS:
        response = client.get(path.format(oa=world.oa.id))
        html = response.get_data(as_text=True)
        shown = response.status_code, response.mimetype, message in text_of(html), "<script>" in html
        if shown != (400, "text/html", True, False):
            problems[path] = shown
    assert problems == {}


def test_any_page_number_is_served_never_an_error(client, world, login):
    """Out-of-range pages are empty, as on the public lists; junk is page 1."""
    login(world.inspector)
    for number in ["9" * 5000, "0" * 30 + "2", "99999999999", "0", "-3", "２", "1e9", "%00"]:
        for path in ["/audit/items?" + QUERY, "/audit/log?"]:
            assert (number, client.get(f"{path}&page={number}").status_code) == (number, 200)


@pytest.fixture
def many_items(world):
    """Sixty more overdue questions of commune A received on 2 April 2025, and sixty more audit entries."""
    for number in range(60):
        make_item(world.a, "question", local(2025, 4, 2, 10), resolve_due=date(2025, 4, 20), status="received")
        record("test.event", world.a, f"Sự kiện thử {number}", {})
    db.session.commit()
    return world


def link(html, rel):
    """(path, query arguments) of the rel=prev/next link of a list page."""
    href = unescape(re.search(rf'<a rel="{rel}" href="([^"]+)"', html).group(1))
    path, _, query = href.partition("?")
    return path, dict(parse_qsl(query))


def test_item_list_pages_keep_the_filters(client, many_items, login):
    login(many_items.inspector)
    first = page(client, "/audit/items?overdue=y&" + QUERY)
    assert "65 hồ sơ quá hạn hôm nay" in text_of(first)  # 60 + A4, A6, B3, C0, C2
    assert len(listed_codes(first)) == 50
    assert "Trang 1 / 2" in first
    path, args = link(first, "next")
    assert (path, args) == ("/audit/items", {"page": "2", "unit": "24", "overdue": "y", **dict(parse_qsl(QUERY))})
    second = page(client, f"{path}?{urlencode(args)}")
    assert len(listed_codes(second)) == 15
    assert link(second, "prev")[1]["page"] == "1"


def test_log_pages(client, many_items, login):
    login(many_items.inspector)
    first = page(client, "/audit/log?action=test")
    assert "Trang 1 / 2" in first and "Sự kiện thử 59" in first and "Sự kiện thử 0 " not in text_of(first) + " "
    path, args = link(first, "next")
    assert (path, args) == ("/audit/log", {"page": "2", "action": "test"})
    assert "Sự kiện thử 0" in text_of(page(client, f"{path}?{urlencode(args)}"))


@pytest.mark.parametrize("extra", ["extension=xlsx", "_method=POST", "_external=1&_scheme=javascript", "_anchor=x"])
def test_unexpected_query_arguments_are_not_copied_into_links(client, many_items, login, extra):
    login(many_items.inspector)
    for path in ["/audit/items?" + QUERY, "/audit/log?"]:
        html = page(client, f"{path}&{extra}")
        assert not re.search(r'href="(javascript:|https?://|[^"]*#x")', html)


def test_a_page_past_the_end_is_empty(client, world, login):
    login(world.inspector)
    html = page(client, "/audit/items?" + QUERY + "&page=" + "9" * 5000)
    assert listed_codes(html) == []
    assert "Không có hồ sơ nào phù hợp." in html


# --- the audit log ---------------------------------------------------------------------------------------


@pytest.fixture
def outside_entries(world):
    """An entry about the other province and one about a holiday override (a rule every unit follows)."""
    record("unit.renamed", AdministrativeUnit.by_code("01"), "Đổi tên Thành phố Hà Nội", {})
    override = HolidayOverride(day=date(2025, 9, 1), is_working_day=False, reason="Nghỉ bù Quốc khánh")
    db.session.add(override)
    db.session.flush()
    record("holiday_override.set", override, "2025-09-01: nghỉ", {})
    db.session.commit()


def test_log_lists_only_the_entries_of_the_users_subtree(client, world, login, outside_entries):
    login(world.commune_inspector)
    shown = text_of(page(client, "/audit/log"))
    assert "Sửa tiêu đề" in shown  # N2 of commune A corrected
    assert "canbo.a (official, 07627)" in shown
    assert "Văn bản bị thay thế" not in shown  # N3 of commune B withdrawn
    assert "canbo.b (official, 07615)" not in shown
    assert "Đổi tên Thành phố Hà Nội" not in shown
    assert "2025-09-01: nghỉ" in shown  # deadlines everywhere follow it

    login(world.inspector)
    shown = text_of(page(client, "/audit/log"))
    assert "Sửa tiêu đề" in shown and "Văn bản bị thay thế" in shown
    assert "Đổi tên Thành phố Hà Nội" not in shown  # another province
    assert "2025-09-01: nghỉ" in shown


def test_log_filters_by_action_and_actor(client, world, login):
    login(world.inspector)
    shown = text_of(page(client, "/audit/log?action=notice.withdrawn"))
    assert "Văn bản bị thay thế" in shown and "Sửa tiêu đề" not in shown
    shown = text_of(page(client, "/audit/log?action=notice&actor=canbo.a"))
    assert "Sửa tiêu đề" in shown and "Văn bản bị thay thế" not in shown


def test_log_check_says_intact_then_names_the_row_changed_by_sql(client, world, login):
    login(world.commune_inspector)
    count = db.session.scalar(select(func.count()).select_from(AuditEntry))
    html = page(client, "/audit/log/verify")
    assert "Chuỗi nhật ký nguyên vẹn." in html
    assert f"Đã kiểm tra {count} dòng" in html
    head = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert f"{count}:{head.entry_hash}" in html

    changed = db.session.scalar(select(AuditEntry.id).where(AuditEntry.summary == "Sửa tiêu đề"))
    db.session.execute(text("UPDATE audit_entries SET summary = 'Không sửa gì' WHERE id = :id"), {"id": changed})
    db.session.commit()
    shown = text_of(page(client, "/audit/log/verify"))
    assert "Chuỗi nhật ký bị phá vỡ." in shown
    assert f"{changed - 1} dòng đầu nguyên vẹn; lỗi đầu tiên ở dòng số {changed}." in shown
    assert f"Nội dung dòng {changed} không khớp với mã băm đã lưu" in shown
    assert "Không sửa gì" in shown  # the tampered row is shown for the report


def test_log_check_names_a_deleted_row_by_its_successor(client, world, login):
    login(world.inspector)
    removed = db.session.scalar(select(AuditEntry.id).where(AuditEntry.summary == "Văn bản bị thay thế"))
    db.session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": removed})
    db.session.commit()
    shown = text_of(page(client, "/audit/log/verify"))
    assert "Chuỗi nhật ký bị phá vỡ." in shown
    assert f"Dòng {removed + 1} trỏ tới một dòng trước không còn tồn tại" in shown


def test_submitter_identity_is_in_no_log_page(client, world, login):
    with_submitter(world.items["A1"])
    login(world.inspector)
    html = page(client, "/audit/log")
    for value in SUBMITTER.values():
        assert value not in html
