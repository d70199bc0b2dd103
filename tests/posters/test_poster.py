"""The printable A4 poster: everything a citizen needs from the paper board."""

import re

import pytest

from app.extensions import db
from app.notices import services as notice_services
from tests.factories import make_user


def _poster(client, notice):
    response = client.get(f"/notices/{notice.id}/poster")
    assert response.status_code == 200
    return response, response.get_data(as_text=True)


def test_poster_shows_header_commune_province_category_title_and_summary(client, notice):
    _, html = _poster(client, notice)

    assert "THÔNG BÁO" in html
    assert "Xã Đại Sơn" in html
    assert "Tỉnh Bắc Ninh" in html
    assert "Giải phóng mặt bằng" in html
    assert notice.title in html
    assert notice.summary in html


def test_poster_shows_period_and_legal_reference_as_dd_mm_yyyy(client, notice):
    _, html = _poster(client, notice)

    assert notice.posting_start.strftime("%d/%m/%Y") in html
    assert notice.posting_end.strftime("%d/%m/%Y") in html
    assert "Quyết định số 123/QĐ-UBND" in html
    assert notice.issued_on.strftime("%d/%m/%Y") in html
    assert notice.posting_start.isoformat() not in html


def test_poster_shows_contact_officer_with_local_phone(client, notice):
    _, html = _poster(client, notice)

    assert "Nguyễn Văn An" in html
    assert "Công chức địa chính – xây dựng" in html
    assert "0912 345 678" in html
    assert 'href="tel:+84912345678"' in html


def test_poster_shows_qr_code_short_url_and_code_line(client, notice):
    _, html = _poster(client, notice)

    assert f'src="/notices/{notice.id}/qr.svg"' in html
    assert f"http://congkhai.test/n/{notice.short_code}" in html
    assert (
        "Quét mã QR hoặc truy cập địa chỉ trên để xem toàn văn, tải tài liệu và gửi câu hỏi trực tuyến; "
        f"mã thông báo: {notice.short_code}"
    ) in html


def test_poster_is_a_standalone_page_with_its_print_stylesheet(client, notice):
    _, html = _poster(client, notice)

    assert html.lstrip().startswith("<!doctype html>")
    assert "site-header" not in html
    assert "/static/css/poster.css" in html
    assert "/static/css/site.css" not in html


def test_print_stylesheet_sets_a4_page_and_hides_the_tools(client):
    response = client.get("/static/css/poster.css")
    css = response.get_data(as_text=True)
    response.close()

    assert re.search(r"@page\s*{\s*size:\s*A4;\s*margin:\s*12mm;?\s*}", css)
    assert "@media print" in css
    assert ".no-print { display: none !important; }" in css


def test_print_button_script_is_allowed_by_a_nonce_only(client, notice):
    response, html = _poster(client, notice)

    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "unsafe-inline" not in policy
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts == [f' nonce="{nonce}"']
    assert "window.print()" in html
    assert re.search(r'<button type="button" id="print-button" class="print-button" hidden>\s*In thông báo', html)
    assert 'class="poster-tools no-print"' in html


def test_each_poster_request_gets_a_new_nonce(client, notice):
    first, _ = _poster(client, notice)
    second, _ = _poster(client, notice)

    assert first.headers["Content-Security-Policy"] != second.headers["Content-Security-Policy"]


def test_long_title_and_summary_get_smaller_type(client, units, official):
    from tests.factories import make_notice

    long_notice = make_notice(units[1], official, title="Thu hồi đất " * 25, summary=("Bồi thường " * 50)[:500])

    _, html = _poster(client, long_notice)

    assert "poster-title-very-long" in html
    assert "poster-summary-very-long" in html


def test_withdrawn_poster_is_marked(client, notice, official):
    notice_services.withdraw_notice(notice, "Văn bản căn cứ đã bị thay thế", official)
    db.session.commit()

    _, html = _poster(client, notice)

    assert "ĐÃ THU HỒI" in html
    assert "Văn bản căn cứ đã bị thay thế" in html
    assert notice.short_code in html


def test_published_poster_is_not_marked_withdrawn(client, notice):
    _, html = _poster(client, notice)

    assert "ĐÃ THU HỒI" not in html


def test_citizen_text_is_escaped_on_the_poster(client, units, official):
    from tests.factories import make_notice

    notice = make_notice(units[1], official, title="<script>alert(1)</script> Thông báo")

    _, html = _poster(client, notice)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_draft_poster_is_404_for_the_public(client, draft):
    assert client.get(f"/notices/{draft.id}/poster").status_code == 404


def test_unknown_notice_poster_is_404(client, notice):
    assert client.get(f"/notices/{notice.id + 1000}/poster").status_code == 404


def test_draft_poster_is_404_for_staff_of_another_commune(client, auth, units, draft):
    other = make_user("official", units[2])
    auth.login(other.username)

    assert client.get(f"/notices/{draft.id}/poster").status_code == 404


@pytest.mark.parametrize("role", ["official", "leader"])
def test_draft_poster_is_shown_to_the_units_staff_without_qr(client, auth, units, draft, role):
    staff = make_user(role, units[1])
    auth.login(staff.username)

    response, html = _poster(client, draft)

    assert draft.title in html
    assert "BẢN NHÁP" in html
    assert "qr.svg" not in html
    assert "no-store" in response.headers["Cache-Control"]


def test_poster_is_set_tighter_when_the_notice_has_much_text(client, units, official):
    from tests.factories import make_notice

    heavy = make_notice(
        units[1],
        official,
        title="Thu hồi đất " * 25,
        summary=("Bồi thường " * 50)[:500],
        legal_reference=("Quyết định số 123/QĐ-UBND của Ủy ban nhân dân tỉnh " * 4)[:200],
        place=("Nhà văn hóa thôn Đồng Đình và trụ sở Ủy ban nhân dân xã " * 4)[:200],
        contact_name="Nguyễn Thị Minh Khai " * 5,
    )
    light = make_notice(units[1], official)

    assert "poster-density-dense" in _poster(client, heavy)[1]
    assert "poster-density-normal" in _poster(client, light)[1]
