"""The Atom feeds: valid Atom 1.0, Vietnamese intact, corrections and withdrawals as updated entries,
conditional GET, a unit's feed holding its subtree only, a category's feed, the newest 50."""

import time
from datetime import datetime

import feedparser
import pytest
from sqlalchemy import event

from app.extensions import db
from app.opendata import changes
from tests.factories import make_notice, make_user
from tests.opendata.conftest import correct, entry_titles, read_feed, withdraw

TITLE = "Thông báo thu hồi đất thực hiện dự án đường vành đai 4 qua thôn Đồng Đình"


def test_the_notices_feed_is_valid_atom_with_vietnamese_titles_intact(client, units, official):
    notice = make_notice(units[1], official, title=TITLE)

    feed = read_feed(client, "/feeds/notices.atom")

    assert feed.feed.title == "Thông báo niêm yết công khai"
    assert feed.feed.language == "vi"
    assert any(link.rel == "self" and link.href.endswith("/feeds/notices.atom") for link in feed.feed.links)
    [entry] = feed.entries
    assert entry.title == TITLE
    assert entry.link == f"http://congkhai.test/notices/{notice.id}"
    assert entry.id == f"tag:congkhai.test,2025:notice:{notice.id}"
    assert entry.author == "Xã Đại Sơn"
    assert entry.tags[0].term == "site_clearance" and entry.tags[0].label == "Giải phóng mặt bằng"
    assert "Ủy ban nhân dân xã thông báo kế hoạch thu hồi đất của 25 hộ gia đình" in entry.summary
    assert "Nguyễn Văn An" in entry.summary and "0912 345 678" in entry.summary
    # Published: version 1, written a moment after published_at.
    assert datetime.fromisoformat(entry.updated) == notice.versions[0].created_at >= notice.published_at
    assert feed.feed.updated == entry.updated


def test_drafts_never_reach_a_feed(client, units, official):
    make_notice(units[1], official, publish=False, title="Bản nháp chưa đăng")

    feed = read_feed(client, "/feeds/notices.atom")

    assert feed.entries == []
    assert feed.feed.updated  # a fixed date, so an empty feed is still valid


def test_a_correction_updates_the_entry_with_its_reason(client, units, official):
    first = make_notice(units[1], official, title=TITLE)
    second = make_notice(units[1], official, title="Kế hoạch sử dụng đất năm 2026")
    before = read_feed(client, "/feeds/notices.atom")
    assert entry_titles(before) == ["Kế hoạch sử dụng đất năm 2026", TITLE]

    correct(first, official, "Sửa số hộ bị thu hồi đất", summary="Thu hồi đất của 27 hộ gia đình tại thôn Đồng Đình.")
    after = read_feed(client, "/feeds/notices.atom")

    entry = after.entries[0]  # the last changed comes first
    assert entry.id == f"tag:congkhai.test,2025:notice:{first.id}"
    assert entry.title == f"Đính chính: {TITLE}"
    assert "Sửa số hộ bị thu hồi đất" in entry.summary and "27 hộ gia đình" in entry.summary
    assert datetime.fromisoformat(entry.updated) > datetime.fromisoformat(before.entries[1].updated)
    assert entry.published == before.entries[1].published  # still the same notice, first published then
    assert after.entries[1].id.endswith(f":notice:{second.id}")
    assert len(after.entries) == 2


def test_a_withdrawal_appears_as_an_updated_entry_saying_so(client, units, official):
    notice = make_notice(units[1], official, title=TITLE)
    make_notice(units[1], official, title="Kế hoạch sử dụng đất năm 2026")

    withdraw(notice, official, reason="Quyết định thu hồi đất đã bị hủy")
    feed = read_feed(client, "/feeds/notices.atom")

    entry = feed.entries[0]
    assert entry.id.endswith(f":notice:{notice.id}")
    assert entry.title == f"Đã thu hồi: {TITLE}"
    assert "Đã thu hồi ngày" in entry.summary and "Quyết định thu hồi đất đã bị hủy" in entry.summary
    assert entry.updated_parsed[:6] == notice.withdrawn_at.utctimetuple()[:6]
    assert len(feed.entries) == 2


def test_a_conditional_get_answers_304_until_the_feed_changes(client, units, official):
    notice = make_notice(units[1], official, title=TITLE)
    first = client.get("/feeds/notices.atom")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.cache_control.public and 0 < first.cache_control.max_age <= 600

    by_etag = client.get("/feeds/notices.atom", headers={"If-None-Match": etag})
    by_date = client.get("/feeds/notices.atom", headers={"If-Modified-Since": modified})
    assert by_etag.status_code == 304 and by_etag.data == b"" and by_etag.headers["ETag"] == etag
    assert by_date.status_code == 304

    time.sleep(1.1)  # Last-Modified counts whole seconds
    withdraw(notice, official)
    changed = client.get("/feeds/notices.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert client.get("/feeds/notices.atom", headers={"If-Modified-Since": modified}).status_code == 200


# A unit or category with few notices is read notice first, a large one by walking the site's newest changes.
BOTH_PLANS = pytest.mark.parametrize("small_scope", [changes.SMALL_SCOPE, 1], ids=["few-notices", "many-notices"])


@BOTH_PLANS
def test_a_unit_feed_holds_the_unit_and_everything_under_it_only(
    client, units, official, other_province, monkeypatch, small_scope
):
    monkeypatch.setattr(changes, "SMALL_SCOPE", small_scope)
    province, commune_a, commune_b = units
    make_notice(commune_a, official, title="Thông báo của xã Đại Sơn")
    make_notice(commune_b, official, title="Thông báo của xã Sơn Động")
    make_notice(province, official, title="Thông báo của tỉnh Bắc Ninh")
    make_notice(other_province[1], official, title="Thông báo của xã Phú Lương")

    whole = read_feed(client, "/feeds/units/24.atom")
    one = read_feed(client, "/feeds/units/07627.atom")

    assert sorted(entry_titles(whole)) == [
        "Thông báo của tỉnh Bắc Ninh",
        "Thông báo của xã Sơn Động",
        "Thông báo của xã Đại Sơn",
    ]
    assert entry_titles(one) == ["Thông báo của xã Đại Sơn"]
    assert one.feed.title == "Thông báo của Xã Đại Sơn"
    assert any(link.rel == "alternate" and link.href.endswith("/units/07627") for link in one.feed.links)
    assert client.get("/feeds/units/99999.atom").status_code == 404
    assert client.get("/feeds/units/" + "9" * 40 + ".atom").status_code == 404


@BOTH_PLANS
def test_a_category_feed_holds_that_category_only(client, units, official, monkeypatch, small_scope):
    monkeypatch.setattr(changes, "SMALL_SCOPE", small_scope)
    make_notice(units[1], official, title="Dự toán ngân sách xã năm 2026", category="budget")
    make_notice(units[2], official, title="Thu hồi đất làm đường", category="land_recovery")

    feed = read_feed(client, "/feeds/categories/budget.atom")

    assert entry_titles(feed) == ["Dự toán ngân sách xã năm 2026"]
    assert feed.feed.title == "Thông báo lĩnh vực Dự toán, thu chi, quyết toán ngân sách"
    assert client.get("/feeds/categories/not_a_category.atom").status_code == 404


def test_a_feed_lists_the_50_last_changed_and_reads_a_bounded_number_of_queries(app, client, units, official):
    notices = [make_notice(units[1], official, title=f"Thông báo số {number}") for number in range(53)]
    correct(notices[0], official, "Sửa tên thôn", place="Nhà văn hóa thôn Đông")

    statements = []

    def note(connection, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        feed = read_feed(client, "/feeds/notices.atom")
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert len(feed.entries) == 50
    assert entry_titles(feed)[:3] == ["Đính chính: Thông báo số 0", "Thông báo số 52", "Thông báo số 51"]
    assert entry_titles(feed)[-1] == "Thông báo số 4" and "Thông báo số 3" not in entry_titles(feed)
    assert len(statements) <= 12


def test_the_feed_is_in_vietnamese_whatever_the_visitor_chose(client, units, official):
    make_notice(units[1], official, title=TITLE)

    english = feedparser.parse(client.get("/feeds/notices.atom?lang=en").data)

    assert english.feed.title == "Thông báo niêm yết công khai"


def test_pages_name_their_feeds_in_the_head(client, units, official):
    notice = make_notice(units[1], official, title=TITLE, category="budget")

    def alternates(url):
        html = client.get(url).get_data(as_text=True)
        head = html[: html.index("</head>")]
        return [
            part.split('href="')[1].split('"')[0]
            for part in head.split("<link ")
            if part.startswith('rel="alternate" type="application/atom+xml"')
        ]

    assert alternates("/") == ["/feeds/notices.atom", "/feeds/answers.atom"]
    assert alternates("/notices") == ["/feeds/notices.atom"]
    assert alternates("/notices?category=budget&unit=07627") == [
        "/feeds/units/07627.atom",
        "/feeds/categories/budget.atom",
        "/feeds/notices.atom",
    ]
    assert alternates("/units/07627") == ["/feeds/units/07627.atom"]
    assert alternates(f"/notices/{notice.id}") == ["/feeds/units/07627.atom", "/feeds/categories/budget.atom"]
    assert alternates("/feedback/new") == []
    for url in alternates("/") + alternates(f"/notices/{notice.id}"):
        assert client.get(url).status_code == 200


def test_staff_reading_a_draft_page_get_no_feed_link(client, units, official, auth):
    draft = make_notice(units[1], official, publish=False)
    user = make_user("official", units[1], username="canbo.test")
    auth.login(user.username)

    html = client.get(f"/notices/{draft.id}").get_data(as_text=True)

    assert "application/atom+xml" not in html and 'property="og:title"' not in html


def test_a_published_consultation_result_updates_its_notice_entry(client, units, official):
    from datetime import timedelta

    from app.clock import local_today
    from app.consultations import services as consultation_services
    from app.consultations.results import publish_result

    notice = make_notice(units[1], official, title=TITLE)
    make_notice(units[1], official, title="Kế hoạch sử dụng đất năm 2026")
    today = local_today()
    fields = {
        "question": "Ý kiến về phương án bồi thường khi mở rộng đường?",
        "choice_set": "agree_disagree",
        "starts_on": today,
        "ends_on": today + timedelta(days=29),
        "villages": ["Thôn Đông"],
    }
    consultation, _created = consultation_services.save_consultation(notice, fields, official)
    db.session.commit()
    # The period is over (the clock cannot be moved: the dates are).
    notice.posting_start, consultation.starts_on = today - timedelta(days=40), today - timedelta(days=31)
    notice.opinion_end = today - timedelta(days=1)
    db.session.commit()
    result = publish_result(consultation, "Đa số các hộ đồng ý phương án.", [], "", official)
    db.session.commit()

    feed = read_feed(client, "/feeds/notices.atom")

    entry = feed.entries[0]
    assert entry.id.endswith(f":notice:{notice.id}")
    assert entry.title == f"Kết quả lấy ý kiến: {TITLE}"
    assert "Đã công bố kết quả lấy ý kiến ngày" in entry.summary
    assert datetime.fromisoformat(entry.updated) == result.published_at
