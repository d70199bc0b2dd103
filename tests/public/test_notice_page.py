"""One notice as a citizen reads it on a phone: summary first, one-tap call, period, history."""

import re
from datetime import timedelta

import pytest

from app.clock import format_date, local_today
from app.extensions import db
from app.notices import services as notice_services
from tests.factories import make_notice, make_user
from tests.public.conftest import expired_notice, section, withdrawn_notice


def _page(client, notice):
    response = client.get(f"/notices/{notice.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _main(html):
    """The page's main content (the <head> repeats the summary as its description)."""
    return html[html.index("<main") :]


def test_notice_page_title_is_the_notice_title(client, units, official):
    notice = make_notice(units[1], official, title="Thông báo về dự toán ngân sách năm 2026")

    html = _page(client, notice)

    assert re.search(r"<title>Thông báo về dự toán ngân sách năm 2026\b", html)
    assert "<h1>Thông báo về dự toán ngân sách năm 2026</h1>" in html


def test_summary_comes_before_the_contact_the_period_and_the_body(client, units, official):
    notice = make_notice(
        units[1],
        official,
        summary="TÓM TẮT dành cho người dân.",
        body_html="<p>NỘI DUNG CHI TIẾT của thông báo.</p>",
        opinion_end=local_today() + timedelta(days=29),
    )

    html = _main(_page(client, notice))

    order = [
        html.index('class="badge badge-published">Đang niêm yết'),
        html.index("<h1>"),
        html.index('href="/units/07627">Xã Đại Sơn</a>'),
        html.index("Giải phóng mặt bằng</a>"),
        html.index("TÓM TẮT dành cho người dân."),
        html.index('href="tel:+84912345678"'),
        html.index("Thời gian niêm yết"),
        html.index("Quyết định số 123/QĐ-UBND"),
        html.index("Nhà văn hóa thôn Đồng Đình"),
        html.index("Hạn góp ý"),
        html.index("<p>NỘI DUNG CHI TIẾT của thông báo.</p>"),
    ]
    assert order == sorted(order)


def test_contact_phone_is_a_tel_link_in_e164_showing_the_local_number(client, units, official):
    notice = make_notice(units[1], official, contact_phone="+842043855123", contact_name="Trần Thị Bình")

    html = _page(client, notice)

    assert re.search(r'<a class="call" href="tel:\+842043855123">Gọi 0204 3855 123</a>', html)
    assert "Trần Thị Bình" in html


def test_posting_period_issue_date_and_opinion_deadline_are_dd_mm_yyyy(client, units, official):
    today = local_today()
    notice = make_notice(units[1], official, opinion_end=today + timedelta(days=35))

    html = _page(client, notice)

    start, end = format_date(today), format_date(today + timedelta(days=30))
    assert f"Từ ngày {start} đến hết ngày {end}" in html
    assert f"Quyết định số 123/QĐ-UBND ban hành ngày {format_date(today - timedelta(days=1))}" in html
    assert f"Đến hết ngày {format_date(today + timedelta(days=35))}" in html


def test_no_opinion_deadline_section_when_there_is_none(client, units, official):
    html = _page(client, make_notice(units[1], official))

    assert "Hạn góp ý" not in html


def test_citizen_facing_text_is_escaped(client, units, official):
    notice = make_notice(
        units[1],
        official,
        title="<script>alert('tiêu đề')</script>",
        summary="<img src=x onerror=alert(1)>",
        contact_name="<b>Cán bộ</b>",
        place="<i>thôn</i>",
    )

    html = _page(client, notice)

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;tiêu đề&#39;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<b>Cán bộ</b>" not in html
    assert "<i>thôn</i>" not in html


def test_sanitised_official_body_html_is_rendered_as_html(client, units, official):
    notice = make_notice(units[1], official, body_html="<p>Danh sách <strong>25 hộ</strong></p>")

    assert "<p>Danh sách <strong>25 hộ</strong></p>" in _page(client, notice)


@pytest.mark.parametrize("path", ["/notices/999", "/notices/99999999999999999999", "/notices/abc"])
def test_unknown_notice_is_404(client, units, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)


def test_draft_is_404_for_the_public(client, units, official):
    draft = make_notice(units[1], official, publish=False)

    assert client.get(f"/notices/{draft.id}").status_code == 404


def test_draft_is_visible_to_the_units_official_with_a_draft_banner(client, auth, units, official):
    draft = make_notice(units[1], official, publish=False, title="Dự thảo thông báo")
    auth.login(official.username)

    html = _page(client, draft)

    assert "Dự thảo thông báo" in html
    assert '<p class="banner banner-draft" role="status"><strong>Bản nháp</strong>' in html
    assert "/qr.png" not in html  # a draft has no short URL or QR code yet


def test_draft_is_404_for_an_official_of_another_commune(client, auth, units, official):
    draft = make_notice(units[1], official, publish=False)
    stranger = make_user("official", units[2])
    auth.login(stranger.username)

    assert client.get(f"/notices/{draft.id}").status_code == 404


def test_withdrawn_notice_stays_readable_with_a_prominent_withdrawal_box(client, units, official):
    notice = withdrawn_notice(units[1], official, reason="Sai số liệu diện tích", summary="Tóm tắt vẫn đọc được.")

    html = _main(_page(client, notice))

    assert 'class="badge badge-withdrawn">Đã thu hồi' in html
    box = html[html.index('class="banner banner-withdrawn"') :]
    assert f"Đã thu hồi ngày {format_date(local_today())}." in box
    assert "Lý do: Sai số liệu diện tích" in box
    assert html.index("banner-withdrawn") < html.index("Tóm tắt vẫn đọc được.")
    assert 'href="tel:+84912345678"' in html


def test_expired_notice_is_clearly_marked(client, units, official):
    notice = expired_notice(units[1], official)

    html = _page(client, notice)

    assert 'class="badge badge-expired">Hết thời hạn niêm yết' in html
    assert f"niêm yết đến hết ngày {format_date(notice.posting_end)}" in html


def test_upcoming_notice_is_marked(client, units, official):
    notice = make_notice(units[1], official, posting_start=local_today() + timedelta(days=2))

    html = _page(client, notice)

    assert 'class="badge badge-upcoming">Sắp niêm yết' in html


def test_corrections_are_listed_with_date_and_reason_and_flagged_near_the_top(client, units, official):
    notice = make_notice(units[1], official, summary="Bản đầu.")
    notice_services.correct_notice(notice, {"summary": "Bản đã sửa."}, "Sửa diện tích thu hồi", official)
    db.session.commit()

    html = _main(_page(client, notice))

    today = format_date(local_today())
    assert f"Đã đính chính ngày {today}." in html
    assert html.index("Đã đính chính ngày") < html.index("Bản đã sửa.")
    assert f"Đính chính ngày {today}: Sửa diện tích thu hồi" in section(html, "history-heading")
    assert "Bản đầu." not in html


def test_uncorrected_notice_has_no_correction_flag(client, units, official):
    html = _page(client, make_notice(units[1], official))

    assert "Đã đính chính" not in html
    assert "Đăng ngày" in section(html, "history-heading")


def test_notice_links_poster_qr_code_and_writes_out_the_short_url(client, units, official):
    notice = make_notice(units[1], official)

    html = _page(client, notice)

    short_url = f"http://congkhai.test/n/{notice.short_code}"
    assert f'<a href="{short_url}">{short_url}</a>' in html
    assert f'href="/notices/{notice.id}/poster"' in html
    assert f'href="/notices/{notice.id}/qr.png"' in html


def test_notice_page_offers_a_question_about_this_notice_and_no_script(client, units, official):
    notice = make_notice(units[1], official)

    html = _page(client, notice)

    assert f'href="/feedback/new?notice={notice.id}"' in html
    assert "<script" not in html


def test_notice_page_is_small(client, units, official):
    html = _page(client, make_notice(units[1], official))

    assert len(html.encode()) < 12_000
