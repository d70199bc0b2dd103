"""The leader's overview (/manage/overview) and the administrators' page (/manage/admin)."""

import re
from datetime import timedelta

import pytest

from app.clock import local_today
from app.extensions import db
from app.feedback import actions
from app.feedback.admin import set_override
from tests.factories import make_notice, make_user
from tests.feedback.handling.conftest import make_item


@pytest.fixture(autouse=True)
def request_context(app):
    """Due dates name their skipped days through Flask-Babel, which reads the request's locale."""
    with app.test_request_context():
        yield


@pytest.fixture
def leader(units):
    return make_user("leader", units[1], username="lanhdao.a")


def _section(page, heading_id):
    start = page.index(f'id="{heading_id}"')
    end = page.find("<section", start + 1)
    return page[start : end if end != -1 else len(page)]


def _row(page, text):
    start = page.index(text)
    return page[start : page.index("</tr>", start)]


def test_the_overview_shows_the_queue_by_official(client, login, units, official, leader):
    today = local_today()
    colleague = make_user("official", units[1], username="canbo.a2")
    old = make_item(units[1], kind="petition", received_on=today - timedelta(days=30))
    actions.acknowledge(old, official)  # resolution due 15 working days after receipt: overdue now
    fresh = make_item(units[1], kind="question")
    actions.acknowledge(fresh, official)
    make_item(units[1], kind="question", received_on=today - timedelta(days=3))  # nobody has it yet
    done = make_item(units[1], kind="question", received_on=today - timedelta(days=90))
    actions.reply(done, colleague, "<p>Đã trả lời.</p>")
    make_item(units[2], kind="petition", received_on=today - timedelta(days=60))  # another commune's
    db.session.commit()
    login(leader)

    page = client.get("/manage/overview").get_data(as_text=True)

    loads = _section(page, "loads-heading")
    row = _row(loads, official.display_name)
    assert re.findall(r'class="num"[^>]*>\s*(?:<a href="([^"]+)">)?([^<]*ngày|\d+)', row) == [
        (f"/manage/queue?status=open&amp;assigned={official.id}", "2"),
        (f"/manage/queue?overdue=1&amp;assigned={official.id}", "1"),
        ("", "30 ngày"),
    ]
    # An official without open items is listed too, with nothing to show.
    assert ">0<" in _row(loads, colleague.display_name).replace(" ", "").replace("\n", "")
    unassigned = _row(loads, "Chưa phân công")
    assert "assigned=none" in unassigned and "3 ngày" in unassigned
    # The busiest (most overdue) first; the other commune's item is not counted anywhere.
    assert loads.index(official.display_name) < loads.index(colleague.display_name)
    assert "60 ngày" not in loads
    assert client.get(f"/manage/queue?status=open&assigned={official.id}").status_code == 200


def test_the_overview_lists_notices_ending_soon_and_posted_late(client, login, units, leader):
    today = local_today()
    ending = make_notice(
        units[1],
        title="Kế hoạch bồi thường dự án đường vành đai 4",
        posting_start=today - timedelta(days=27),
        posting_end=today + timedelta(days=3),
        issued_on=today - timedelta(days=28),
    )
    make_notice(units[1], title="Danh sách hộ nghèo năm 2026", posting_end=today + timedelta(days=30))
    late = make_notice(
        units[1],
        title="Quyết định thu hồi đất thôn Đồng Đình",
        issued_on=today - timedelta(days=21),
        posting_start=today,
        posting_end=today + timedelta(days=30),
    )
    make_notice(units[2], title="Thông báo chậm của xã khác", issued_on=today - timedelta(days=21))
    login(leader)

    page = client.get("/manage/overview").get_data(as_text=True)

    soon = _section(page, "ending-heading")
    assert ending.title in soon and "Danh sách hộ nghèo" not in soon
    assert f'href="/manage/notices/{ending.id}"' in soon and "(1)" in soon
    posted_late = _section(page, "late-heading")
    assert late.title in posted_late and ending.title not in posted_late
    assert re.search(r"chậm 1[0-9] ngày làm việc", posted_late)  # 21 days hold at least 10 working days
    assert "xã khác" not in page


def test_the_overview_lists_open_complaints_and_denunciations_without_identities(client, login, units, leader):
    complaint = make_item(units[1], kind="complaint", text="Khiếu nại quyết định thu hồi đất của hộ tôi.")
    denunciation = make_item(
        units[1], kind="denunciation", text="Tố cáo cán bộ thu tiền trái phép.", name="Trần Văn Tố"
    )
    closed = make_item(units[1], kind="complaint")
    actions.reject(closed, leader, "Không thuộc thẩm quyền của xã.")
    question = make_item(units[1], kind="question")
    db.session.commit()
    login(leader)

    page = client.get("/manage/overview").get_data(as_text=True)

    section = _section(page, "chairman-heading")
    for item in (complaint, denunciation):
        assert f'href="/manage/queue/{item.id}"' in section and item.tracking_code in section
    assert closed.tracking_code not in section and question.tracking_code not in section
    assert "Khiếu nại" in section and "Tố cáo" in section and "(2)" in section
    assert "Trần Văn Tố" not in page


def test_officials_and_inspectors_have_no_overview(client, login, units, official):
    login(official)
    assert client.get("/manage/overview").status_code == 403


def test_the_administration_page_links_every_tool_and_lists_the_unit_tree(client, login, units, official):
    province, commune_a, commune_b = units
    admin = make_user("admin", province, username="quantri")
    make_user("leader", commune_b)
    closed = make_user("official", commune_b)
    closed.is_active = False
    make_notice(commune_a)
    make_notice(commune_b)
    make_notice(commune_b, publish=False)
    make_item(commune_b, kind="petition")
    set_override(local_today() + timedelta(days=10), False, "Nghỉ bù theo thông báo của Chính phủ")
    db.session.commit()
    login(admin)

    page = client.get("/manage/admin").get_data(as_text=True)

    main = page[page.index('<main id="main"') :]
    for href in ("/manage/users", "/manage/users/new", "/manage/deadlines", "/manage/deadlines#overrides-heading"):
        assert f'href="{href}"' in main
    assert "3 tài khoản đang hoạt động, 1 đã khóa." in main  # the admin, the leader, the official of A
    assert "1 ngày điều chỉnh" in main
    # Nothing points at what does not exist yet.
    # Every tool is a real page: the Open311 keys included, and no placeholder link.
    assert 'href="/manage/admin/apikeys"' in main and 'href="#"' not in main
    tree = _section(main, "units-heading")
    assert "Tỉnh Bắc Ninh: 3 đơn vị, 3 tài khoản đang hoạt động, 2 thông báo đã niêm yết, 1 ý kiến đang mở." in tree
    row_b = re.sub(r"\s+", " ", _row(tree, "Xã Sơn Động"))
    assert re.findall(r'class="num"[^>]*>(\d+)<', row_b) == ["1", "1", "1"]
    for href in re.findall(r'href="(/manage[^"#]*)"', main):
        assert client.get(href).status_code == 200, href


def test_only_administrators_open_the_administration_page(client, login, units, official):
    leader = make_user("leader", units[1])
    for user in (official, leader):
        login(user)
        assert client.get("/manage/admin").status_code == 403
        client.post("/logout")
