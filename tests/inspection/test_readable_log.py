"""The audit log as people read it: actions and objects in Vietnamese, linked where the reader may go,
changes as before → after instead of JSON, an unknown action still readable, the filters by a readable select."""

import re

import pytest

from app.accounts.user_admin import change_role_and_unit
from app.extensions import db
from app.feedback import actions as handling
from app.ledger.chain import record
from tests.factories import make_user
from tests.inspection.conftest import make_item, text_of


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def rows_of(html):
    """The log table's body rows as visible text."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.DOTALL)]


@pytest.fixture
def handled(app, world):
    """A queue item of commune A acknowledged and answered through the real services."""
    with app.test_request_context():  # the services name non-working days in the request's language
        item = make_item(world.a, received=None)
        handling.acknowledge(item, world.oa)
        handling.reply(item, world.oa, "<p>Xã đã sửa đường.</p>")
        db.session.commit()
    return item


@pytest.fixture
def admin(world):
    return make_user("admin", world.province, username="quantri.tinh")


@pytest.fixture
def role_changed(world, admin):
    change_role_and_unit(admin, world.oa, "leader", world.a)
    db.session.commit()
    return world.oa


def test_notice_actions_are_named_and_linked_to_the_public_page(client, world, login):
    login(world.inspector)
    html = page(client, "/audit/log?action=notice.corrected")
    rows = rows_of(html)
    assert rows and all("Đính chính thông báo" in row for row in rows)
    assert "notice.corrected" not in text_of(html)
    corrected = next(row for row in rows if "Sửa tiêu đề" in row)
    assert "Mục đã sửa: Tiêu đề" in corrected
    assert f'href="/notices/{world.notices["N2"].id}"' in html
    assert "{&#34;" not in html and '{"' not in html  # no raw JSON


def test_queue_item_actions_name_the_item_by_number_never_by_tracking_code(client, world, login, handled):
    login(world.inspector)
    html = page(client, "/audit/log?action=feedback")
    answered = next(row for row in rows_of(html) if "Trả lời hồ sơ" in row)
    assert f"Hồ sơ số {handled.id}" in answered
    assert "Trạng thái:" in answered and "→" in answered
    assert f'href="/audit/items/{handled.id}"' in html
    assert handled.tracking_code not in html
    assert "Thụ lý hồ sơ" in text_of(html)


def test_role_change_shows_before_and_after_and_links_the_user_for_an_admin(client, world, login, role_changed):
    login(world.inspector)
    html = page(client, "/audit/log?action=user.role_changed")
    (row,) = rows_of(html)
    assert "Đổi vai trò người dùng" in row
    assert "Tài khoản canbo.a" in row
    assert "Vai trò: Cán bộ, công chức → Lãnh đạo" in row
    assert f'href="/manage/users/{role_changed.id}"' not in html  # an inspector does not manage users

    login(make_user("admin", world.province, username="quantri.hai"))
    html = page(client, "/audit/log?action=user.role_changed&actor=quantri.tinh")
    assert f'href="/manage/users/{role_changed.id}"' in html


def test_an_unknown_action_falls_back_to_its_identifier_readably(client, world, login):
    record("unit.merged", world.a, "Sáp nhập thử", {"into": "07615", "reason": "Nghị quyết"})
    db.session.commit()
    login(world.inspector)
    (row,) = rows_of(page(client, "/audit/log?action=unit.merged"))
    assert "Unit › merged" in row
    assert "into: 07615" in row and "Lý do: Nghị quyết" in row


def test_the_action_filter_is_a_select_of_readable_actions(client, world, login):
    login(world.inspector)
    html = page(client, "/audit/log?action=notice.withdrawn")
    select = html[html.index('<select id="filter-action"') : html.index("</select>")]
    assert '<option value="notice.withdrawn" selected>Thu hồi thông báo</option>' in select
    assert '<option value="notice">Mọi thao tác với thông báo</option>' in select
    assert '<option value="user.role_changed">Đổi vai trò người dùng</option>' in select
    assert [row for row in rows_of(html) if "Thu hồi thông báo" not in row] == []


def test_the_log_reads_in_english_from_the_catalogue(client, world, login, role_changed):
    login(world.inspector)
    client.get("/?lang=en")
    html = page(client, "/audit/log?action=user.role_changed")
    (row,) = rows_of(html)
    assert "Change a user's role" in row
    assert "Role: Officer → Leader" in row
