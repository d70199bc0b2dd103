"""The official's home: the queue's tabs (new, due today and tomorrow, overdue, the rest) with their counts,
the handler filter, and the unit's notices below the list."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import AdministrativeUnit
from app.clock import local_today
from app.extensions import db
from app.feedback import actions
from app.feedback.calendar import load_calendar
from app.feedback.deadlines import WorkingCalendar
from app.feedback.queue_notices import end_of_week
from app.feedback.queue_tabs import next_working_day, tab_conditions, tab_counts
from tests.factories import make_notice, make_user
from tests.feedback.handling.conftest import make_item


@pytest.fixture(autouse=True)
def request_context(app):
    """Due dates name their skipped days through Flask-Babel, which reads the request's locale."""
    with app.test_request_context():
        yield


def _accepted(unit, official, resolve_due, received_on=None):
    """A petition the official has accepted, due for resolution on `resolve_due`."""
    item = make_item(unit, kind="petition", received_on=received_on)
    actions.acknowledge(item, official)
    item.resolve_due = resolve_due
    db.session.commit()
    return item


@pytest.fixture
def queue(units, official):
    """One or two items for each tab of commune A, and an answered item in none of them."""
    commune = units[1]
    today = local_today()
    tomorrow = next_working_day(load_calendar(), today)
    items = {
        "new_overdue": make_item(commune, kind="petition", received_on=today - timedelta(days=40)),
        "due_today": _accepted(commune, official, today),
        "due_tomorrow": _accepted(commune, official, tomorrow),
        "overdue": _accepted(commune, official, today - timedelta(days=2), received_on=today - timedelta(days=30)),
        "later": _accepted(commune, official, today + timedelta(days=40)),
        "answered": make_item(commune, kind="question"),
        "paused": make_item(commune, kind="petition", received_on=today - timedelta(days=40)),
        "new": make_item(commune, kind="question"),  # the newest
    }
    actions.reply(items["answered"], official, "<p>Đã trả lời.</p>")
    actions.request_information(items["paused"], official, "Xin gửi thêm ảnh chụp con đường.")
    db.session.commit()
    return items


def _codes(client, query):
    """The tracking codes listed in the queue table, in order."""
    page = client.get(f"/manage/queue?{query}").get_data(as_text=True)
    table = page[page.index("<table") : page.index("</table>")] if "<table" in page else ""
    return re.findall(r'<span class="code">([^<]+)</span>', table)


def _names(items, *keys):
    return [items[key].tracking_code for key in keys]


def test_each_tab_lists_its_items(client, login, queue, official):
    login(official)

    assert _codes(client, "tab=new") == _names(queue, "new", "new_overdue")  # the newest first
    assert set(_codes(client, "tab=due")) == set(_names(queue, "due_today", "due_tomorrow"))
    assert set(_codes(client, "tab=overdue")) == set(_names(queue, "new_overdue", "overdue"))
    assert set(_codes(client, "tab=rest")) == set(_names(queue, "later", "paused"))
    # Without a tab, the whole queue as before: every item, open ones first.
    everything = _codes(client, "")
    assert set(everything) == {item.tracking_code for item in queue.values()}
    assert everything[-1] == queue["answered"].tracking_code


def test_the_tabs_carry_their_counts_and_the_chosen_one_is_marked(client, login, queue, official):
    login(official)

    page = client.get("/manage/queue?tab=new").get_data(as_text=True)

    counts = dict(
        re.findall(
            r'class="tab-(\w+)" href="[^"]*"(?: aria-current="page")?>[^<]+<strong class="tab-count">(\d+)', page
        )
    )
    assert counts == {"new": "2", "due": "2", "overdue": "2", "rest": "2", "all": "8"}
    assert re.search(
        r'class="tab-new" href="/manage/queue\?tab=new" aria-current="page">Mới nhận / chưa tiếp nhận', page
    )
    assert "2 ý kiến mới nhận, chưa thụ lý; mới nhất lên đầu." in page
    # The filter form keeps the tab.
    assert '<input type="hidden" name="tab" value="new">' in page
    assert "<strong>7</strong> đang mở" in page and "<strong>2</strong> quá hạn" in page


def test_tabs_combine_with_the_existing_filters(client, login, queue, official):
    login(official)

    assert _codes(client, "tab=new&kind=question") == _names(queue, "new")
    assert _codes(client, "tab=overdue&overdue=1&status=open") != []
    assert _codes(client, "tab=rest&status=waiting_for_citizen") == _names(queue, "paused")
    assert set(_codes(client, "overdue=1")) == set(_names(queue, "new_overdue", "overdue"))


def test_an_unknown_tab_is_explained_and_the_whole_queue_shown(client, login, queue, official):
    login(official)

    response = client.get("/manage/queue?tab=%3Cscript%3E")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Thẻ không hợp lệ; đang hiện mọi ý kiến." in page and "<script>" not in page
    assert len(_codes(client, "tab=bogus")) == len(queue)


def test_tomorrow_is_the_next_working_day(app):
    calendar = WorkingCalendar()

    assert next_working_day(calendar, date(2026, 3, 4)) == date(2026, 3, 5)  # Wednesday → Thursday
    assert next_working_day(calendar, date(2026, 3, 6)) == date(2026, 3, 9)  # Friday → Monday
    assert next_working_day(calendar, date(2026, 2, 13)) == date(2026, 2, 23)  # the Friday before Tết


def test_on_a_friday_the_due_tab_reaches_monday(units, official):
    friday, monday, tuesday = date(2026, 3, 6), date(2026, 3, 9), date(2026, 3, 10)
    for due in (friday, monday, tuesday, date(2026, 3, 5)):
        _accepted(units[1], official, due)
    subtree = select(AdministrativeUnit.id).where(units[1].subtree_clause())

    counts = tab_counts(subtree, tab_conditions(friday, next_working_day(WorkingCalendar(), friday)))

    assert counts == {"new": 0, "due": 2, "overdue": 1, "rest": 1}


def test_the_leader_filters_the_queue_by_handler(client, login, queue, units, official):
    colleague = make_user("official", units[1])
    other_commune = make_user("official", units[2])
    mine = _accepted(units[1], colleague, local_today() + timedelta(days=20))
    login(official)

    assert _codes(client, f"assigned={colleague.id}") == [mine.tracking_code]
    assert "Ý kiến do Cán bộ" in client.get(f"/manage/queue?assigned={colleague.id}").get_data(as_text=True)
    assert set(_codes(client, "assigned=none")) == set(_names(queue, "new_overdue", "new"))
    for value in (str(other_commune.id), "99999999999999999999", "abc"):
        page = client.get(f"/manage/queue?assigned={value}").get_data(as_text=True)
        assert "Không có người xử lý này trong đơn vị của bạn" in page
        assert other_commune.display_name not in page


def test_the_units_notices_are_listed_below_the_queue(client, login, units, official):
    today = local_today()
    commune = units[1]
    draft = make_notice(commune, publish=False, title="Dự thảo kế hoạch sử dụng đất năm 2027")
    posting = make_notice(commune, title="Danh sách hộ nghèo năm 2026", posting_end=today + timedelta(days=25))
    ending = make_notice(
        commune,
        title="Thông báo thu hồi đất thôn Đồng Đình",
        posting_start=today - timedelta(days=30),
        posting_end=end_of_week(today),
        issued_on=today - timedelta(days=31),
    )
    make_notice(
        commune,
        title="Thông báo đã hết hạn niêm yết",
        posting_start=today - timedelta(days=60),
        posting_end=today - timedelta(days=1),
        issued_on=today - timedelta(days=61),
    )
    make_notice(units[2], title="Thông báo của xã khác")
    login(official)

    page = client.get("/manage/queue?tab=new").get_data(as_text=True)
    section = page[page.index('id="notices-heading"') :]

    drafts = section[section.index('id="notices-draft"') : section.index('id="notices-posting"')]
    assert 'Bản nháp <span class="count">(1)</span>' in drafts and draft.title in drafts
    assert 'href="/manage/?status=draft"' in drafts
    posted = section[section.index('id="notices-posting"') : section.index('id="notices-ending"')]
    assert "(2)" in posted and posting.title in posted and ending.title in posted
    assert 'href="/manage/?status=published"' in posted
    week = section[section.index('id="notices-ending"') :]
    assert "(1)" in week and ending.title in week and posting.title not in week
    assert f'href="/manage/notices/{ending.id}"' in week
    assert "Thông báo đã hết hạn niêm yết" not in section and "Thông báo của xã khác" not in section
