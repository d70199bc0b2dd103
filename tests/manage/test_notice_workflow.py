"""An official's work on a notice: draft, edit, publish, correct, withdraw, files; and every way input goes wrong."""

import re
import unicodedata
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.clock import local_today
from app.extensions import db
from app.ledger.models import AuditEntry
from app.notices import services
from app.notices.models import Attachment, Notice, NoticeVersion
from tests.factories import make_notice, make_user
from tests.manage.conftest import attach_pdf, csrf_token, form_data, pdf_bytes, upload


@pytest.fixture
def signed_in(client, login, official):
    """The commune official, signed in."""
    return login(official)


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Notice, NoticeVersion, Attachment, AuditEntry)
    )


def _stored_files(app):
    folder = Path(app.config["NOTICES_DIR"])
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def _page(client, response):
    """The page a POST ends on (following its redirect)."""
    if response.status_code == 302:
        return client.get(response.location).get_data(as_text=True)
    return response.get_data(as_text=True)


def _newest_notice():
    return db.session.scalars(select(Notice).order_by(Notice.id.desc())).first()


def test_official_drafts_edits_publishes_corrects_and_withdraws_a_notice(client, signed_in):
    created = client.post("/manage/notices/new", data=form_data())
    assert created.status_code == 302
    notice = _newest_notice()
    assert created.location == f"/manage/notices/{notice.id}"
    assert (notice.status, notice.short_code, notice.contact_phone) == ("draft", None, "+84912345678")
    assert notice.created_by_id == signed_in.id
    assert "Đã lưu bản nháp" in client.get(created.location).get_data(as_text=True)

    edited = client.post(f"/manage/notices/{notice.id}/edit", data=form_data(title="Tiêu đề đã sửa trong bản nháp"))
    assert edited.status_code == 302
    db.session.refresh(notice)
    assert notice.title == "Tiêu đề đã sửa trong bản nháp"
    assert notice.versions == []

    published = client.post(f"/manage/notices/{notice.id}/publish")
    assert published.status_code == 302
    db.session.refresh(notice)
    assert notice.status == "published" and len(notice.short_code) == 6
    assert [version.number for version in notice.versions] == [1]
    page = client.get(published.location).get_data(as_text=True)
    assert notice.short_code in page and "Đã niêm yết thông báo" in page

    corrected = client.post(
        f"/manage/notices/{notice.id}/correct",
        data=form_data(title="Tiêu đề đã sửa trong bản nháp", place="Nhà văn hóa thôn Hạ", reason="Sai địa điểm"),
    )
    assert corrected.status_code == 302
    db.session.refresh(notice)
    assert notice.place == "Nhà văn hóa thôn Hạ"
    assert [(version.number, version.reason) for version in notice.versions] == [(1, ""), (2, "Sai địa điểm")]
    assert notice.versions[0].snapshot["place"] == "Nhà văn hóa thôn Đồng Đình"
    assert "Sai địa điểm" in client.get(corrected.location).get_data(as_text=True)

    withdrawn = client.post(f"/manage/notices/{notice.id}/withdraw", data={"reason": "Thay thế bởi Quyết định 145"})
    assert withdrawn.status_code == 302
    db.session.refresh(notice)
    assert (notice.status, notice.withdrawal_reason) == ("withdrawn", "Thay thế bởi Quyết định 145")
    assert notice.withdrawn_at is not None
    assert "Thay thế bởi Quyết định 145" in client.get(withdrawn.location).get_data(as_text=True)


def test_public_page_shows_the_correction_and_its_reason(client, signed_in, official):
    notice = make_notice(official.unit, official)
    response = client.post(
        f"/manage/notices/{notice.id}/correct", data=form_data(title="Tiêu đề mới", reason="Sai tên dự án")
    )
    assert response.status_code == 302
    public = client.get(f"/notices/{notice.id}")
    assert public.status_code == 200
    text = public.get_data(as_text=True)
    assert "Đính chính" in text and "Sai tên dự án" in text


def test_new_notice_form_defaults_to_today_and_thirty_days(client, signed_in):
    page = client.get("/manage/notices/new").get_data(as_text=True)
    today = local_today()
    (start_input,) = re.findall(r'<input[^>]* name="posting_start"[^>]*>', page)
    assert f'value="{today:%d/%m/%Y}"' in start_input and 'type="text"' in start_input and " required" in start_input
    assert f'value="{(today + timedelta(days=30)):%d/%m/%Y}"' in page
    for group in ("Nội dung", "Thời gian niêm yết", "Cán bộ trả lời thắc mắc"):
        assert f"<legend>{group}</legend>" in page
    assert "0912 345 678" in page  # the phone hint


def test_province_official_chooses_the_commune_of_a_new_notice(client, login, units):
    province, commune_a, commune_b = units
    login(make_user("official", province))
    form = client.get(f"/manage/notices/new?unit={commune_b.code}").get_data(as_text=True)
    assert f'<option value="{commune_b.code}" selected>' in form
    assert f'<option value="{commune_a.code}">' in form
    response = client.post("/manage/notices/new", data=form_data(unit=commune_b.code))
    assert response.status_code == 302
    assert _newest_notice().unit_id == commune_b.id


def test_correction_without_any_change_saves_nothing(client, signed_in, official):
    notice = make_notice(official.unit, official)
    before = _counts()
    response = client.post(f"/manage/notices/{notice.id}/correct", data=form_data(reason="Không đổi gì"))
    assert response.status_code == 200
    assert "không có gì thay đổi" in response.get_data(as_text=True)
    assert _counts() == before
    # A correction form opened and sent back untouched changes nothing either.
    form_page = client.get(f"/manage/notices/{notice.id}/correct").get_data(as_text=True)
    assert "0912 345 678" in form_page
    untouched = client.post(f"/manage/notices/{notice.id}/correct", data=form_data(reason="Gửi lại"))
    assert "không có gì thay đổi" in untouched.get_data(as_text=True)
    assert _counts() == before


TODAY = local_today()
BAD_INPUT = [
    ("empty-title", {"title": ""}, "Vui lòng nhập tiêu đề."),
    ("blank-title", {"title": "   "}, "Vui lòng nhập tiêu đề."),
    ("long-title", {"title": "Đ" * 301}, "Tiêu đề tối đa 300 ký tự."),
    ("empty-summary", {"summary": ""}, "Vui lòng nhập tóm tắt nội dung."),
    ("long-summary", {"summary": "ơ" * 501}, "Tóm tắt tối đa 500 ký tự."),
    ("phone-12345", {"contact_phone": "12345"}, "Số điện thoại không hợp lệ"),
    ("phone-foreign", {"contact_phone": "+1 202 555 0143"}, "Số điện thoại không hợp lệ"),
    ("phone-too-long", {"contact_phone": "0" * 31}, "Số điện thoại tối đa 30 ký tự."),
    ("no-contact", {"contact_name": ""}, "Vui lòng nhập họ tên cán bộ"),
    ("long-contact", {"contact_name": "N" * 121}, "Họ tên tối đa 120 ký tự."),
    ("long-position", {"contact_position": "C" * 121}, "Chức vụ tối đa 120 ký tự."),
    ("long-place", {"place": "T" * 201}, "Địa điểm tối đa 200 ký tự."),
    ("long-reference", {"legal_reference": "Q" * 201}, "Số, ký hiệu văn bản tối đa 200 ký tự."),
    ("long-body", {"body_html": "<p>" + "a" * 200_001 + "</p>"}, "Nội dung chi tiết tối đa 200.000 ký tự"),
    (
        "end-before-start",
        {"posting_end": (TODAY - timedelta(days=1)).isoformat()},
        "Ngày kết thúc niêm yết phải sau ngày bắt đầu.",
    ),
    (
        "issued-in-future",
        {"issued_on": (TODAY + timedelta(days=1)).isoformat()},
        "Ngày ban hành không thể ở tương lai.",
    ),
    ("impossible-date", {"posting_start": "31/02/2025"}, "Ngày phải có dạng dd/mm/yyyy, ví dụ 05/03/2026."),
    ("no-start", {"posting_start": ""}, "Vui lòng nhập ngày bắt đầu niêm yết."),
    ("bogus-category", {"category": "bogus"}, "Lĩnh vực không hợp lệ"),
    ("nul-in-title", {"title": "Thông báo\x00 ẩn"}, "ký tự điều khiển không hợp lệ"),
    ("bidi-override", {"contact_name": "Nguyễn \u202eVăn An"}, "ký tự điều khiển không hợp lệ"),
]


@pytest.mark.parametrize("form", ["new", "edit", "correct"])
@pytest.mark.parametrize(("case", "override", "message"), [pytest.param(*case, id=case[0]) for case in BAD_INPUT])
def test_bad_input_is_refused_with_a_vietnamese_message(client, signed_in, official, form, case, override, message):
    notice = None
    if form == "new":
        url = "/manage/notices/new"
    else:
        notice = make_notice(official.unit, official, publish=form == "correct")
        url = f"/manage/notices/{notice.id}/{form}"
    before = _counts()
    data = form_data(reason="Sửa lỗi", **override)
    response = client.post(url, data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert "Chưa lưu được" in page
    assert _counts() == before
    # What the official typed is kept for them to fix.
    assert data["summary"][:40] in page
    if notice is not None:
        db.session.expire_all()
        assert db.session.get(Notice, notice.id).title == "Thông báo thu hồi đất thực hiện dự án đường vành đai 4"


def test_correction_needs_a_public_reason(client, signed_in, official):
    notice = make_notice(official.unit, official)
    before = _counts()
    response = client.post(f"/manage/notices/{notice.id}/correct", data=form_data(title="Tiêu đề mới", reason="  "))
    assert "Vui lòng nêu lý do đính chính" in response.get_data(as_text=True)
    assert _counts() == before
    assert db.session.get(Notice, notice.id).title != "Tiêu đề mới"


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Vui lòng nêu lý do thu hồi"), ("x" * 1001, "Lý do tối đa 1000 ký tự."), ("a\x00b", "ký tự điều khiển")],
)
def test_withdrawal_needs_a_valid_reason(client, signed_in, official, reason, message):
    notice = make_notice(official.unit, official)
    before = _counts()
    response = client.post(f"/manage/notices/{notice.id}/withdraw", data={"reason": reason})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _counts() == before
    db.session.expire_all()
    assert db.session.get(Notice, notice.id).status == "published"


def test_unusual_but_valid_unicode_is_kept_in_composed_form(client, signed_in):
    decomposed = unicodedata.normalize("NFD", "Thông báo về quỹ đất công ích 🌾")
    response = client.post("/manage/notices/new", data=form_data(title=decomposed, contact_name="Đặng Thị Ánh"))
    assert response.status_code == 302
    notice = _newest_notice()
    assert notice.title == unicodedata.normalize("NFC", decomposed)
    assert notice.contact_name == "Đặng Thị Ánh"


def test_body_html_is_stored_clean(client, signed_in):
    body = (
        '<p onclick="steal()" style="color:red">Danh sách hộ</p><script>alert(1)</script>'
        '<a href="javascript:alert(2)">bấm</a><img src=x onerror="alert(3)">'
        '<a href="https://bacninh.gov.vn/">Cổng tỉnh</a><ul><li>Hộ ông A</li></ul>'
    )
    assert client.post("/manage/notices/new", data=form_data(body_html=body)).status_code == 302
    stored = _newest_notice().body_html
    for forbidden in ("<script", "alert(1)", "onclick", "onerror", "javascript:", "style=", "<img"):
        assert forbidden not in stored
    assert "<p>Danh sách hộ</p>" in stored
    assert 'href="https://bacninh.gov.vn/"' in stored and "<li>Hộ ông A</li>" in stored


def test_timeliness_warnings_are_shown_before_and_after_publishing(client, signed_in, official):
    notice = make_notice(
        official.unit,
        official,
        publish=False,
        issued_on=TODAY - timedelta(days=20),
        posting_end=TODAY + timedelta(days=10),
    )
    page = client.get(f"/manage/notices/{notice.id}").get_data(as_text=True)
    assert "Lưu ý trước khi niêm yết" in page
    assert "ngắn hơn 30 ngày" in page and "ngày làm việc kể từ ngày ban hành" in page
    after = _page(client, client.post(f"/manage/notices/{notice.id}/publish"))
    assert "Đã niêm yết thông báo" in after
    assert 'class="flash flash-warning"' in after and "ngắn hơn 30 ngày" in after
    assert "Lưu ý trước khi niêm yết" not in client.get(f"/manage/notices/{notice.id}").get_data(as_text=True)


def test_draft_without_timeliness_problems_shows_no_warning(client, signed_in, official):
    notice = make_notice(official.unit, official, publish=False)
    assert "Lưu ý trước khi niêm yết" not in client.get(f"/manage/notices/{notice.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("publish", "action", "expected"),
    [
        (True, "publish", "đã niêm yết nên không sửa hay xóa trực tiếp"),
        (True, "delete", "đã niêm yết nên không sửa hay xóa trực tiếp"),
        (True, "edit", "đã niêm yết nên không sửa hay xóa trực tiếp"),
        (False, "withdraw", "còn là bản nháp"),
        (False, "correct", "còn là bản nháp"),
    ],
)
def test_action_the_state_does_not_allow_redirects_with_a_message(
    client, signed_in, official, publish, action, expected
):
    notice = make_notice(official.unit, official, publish=publish)
    before = _counts()
    response = client.post(f"/manage/notices/{notice.id}/{action}", data=form_data(reason="Lý do"))
    assert response.status_code == 302
    assert response.location == f"/manage/notices/{notice.id}"
    assert expected in client.get(response.location).get_data(as_text=True)
    assert _counts() == before


def test_withdrawn_notice_cannot_be_changed_any_more(client, signed_in, official):
    notice = make_notice(official.unit, official)
    attachment = attach_pdf(notice, official, reason="Bổ sung danh sách")
    services.withdraw_notice(notice, "Thay thế", official)
    db.session.commit()
    before = _counts()
    for url, data in (
        (f"/manage/notices/{notice.id}/correct", form_data(title="Mới", reason="Lý do")),
        (f"/manage/notices/{notice.id}/withdraw", {"reason": "Lần nữa"}),
        (f"/manage/notices/{notice.id}/attachments", {"file": upload(pdf_bytes()), "reason": "Thêm"}),
        (f"/manage/notices/{notice.id}/attachments/{attachment.id}/delete", {"reason": "Gỡ"}),
    ):
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 302
        assert "đã bị thu hồi" in client.get(response.location).get_data(as_text=True)
    assert _counts() == before


def test_deleting_a_draft_removes_it_and_its_files(app, client, signed_in, official):
    notice = make_notice(official.unit, official, publish=False)
    attach_pdf(notice, official)
    assert len(_stored_files(app)) == 1
    response = client.post(f"/manage/notices/{notice.id}/delete")
    assert response.status_code == 302 and response.location == "/manage/"
    assert db.session.get(Notice, notice.id) is None
    assert _stored_files(app) == []
    assert "Đã xóa bản nháp" in client.get("/manage/").get_data(as_text=True)


def test_a_real_pdf_is_attached(app, client, signed_in, official):
    notice = make_notice(official.unit, official, publish=False)
    data = pdf_bytes()
    response = client.post(
        f"/manage/notices/{notice.id}/attachments", data={"file": upload(data, "Kế hoạch thu hồi.pdf")}
    )
    assert response.status_code == 302
    (attachment,) = db.session.get(Notice, notice.id).attachments
    assert (attachment.original_name, attachment.media_type, attachment.size) == (
        "Kế hoạch thu hồi.pdf",
        "application/pdf",
        len(data),
    )
    assert _stored_files(app) == [attachment.stored_name]
    assert (Path(app.config["NOTICES_DIR"]) / attachment.stored_name).read_bytes() == data
    assert "Kế hoạch thu hồi.pdf" in _page(client, response)


def test_a_folder_path_in_the_file_name_is_dropped(client, signed_in, official):
    notice = make_notice(official.unit, official, publish=False)
    client.post(
        f"/manage/notices/{notice.id}/attachments", data={"file": upload(pdf_bytes(), "../../tai-lieu/bien-ban.pdf")}
    )
    assert db.session.get(Notice, notice.id).attachments[0].original_name == "bien-ban.pdf"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"<!doctype html><script>alert(1)</script>", id="html"),
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64, id="exe"),
        pytest.param(b"#!/bin/sh\nrm -rf /\n", id="script"),
    ],
)
def test_a_file_named_pdf_is_checked_by_its_content(app, client, signed_in, official, content):
    notice = make_notice(official.unit, official, publish=False)
    before = _counts()
    response = client.post(f"/manage/notices/{notice.id}/attachments", data={"file": upload(content, "ke-hoach.pdf")})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Không nhận loại tệp này" in page
    assert "PDF, ảnh JPG/PNG/WebP, Word DOC/DOCX, Excel XLS/XLSX, ODT/ODS" in page
    assert _counts() == before
    assert _stored_files(app) == []


def test_an_oversize_file_is_refused_with_the_limit(app, client, signed_in, official):
    app.config["MAX_ATTACHMENT_BYTES"] = 1024
    notice = make_notice(official.unit, official, publish=False)
    before = _counts()
    response = client.post(
        f"/manage/notices/{notice.id}/attachments", data={"file": upload(b"%PDF-1.4\n" + b"0" * 2048)}
    )
    assert response.status_code == 200
    assert "Tệp quá lớn; mỗi tệp tối đa 1 KB" in response.get_data(as_text=True)
    assert _counts() == before
    assert _stored_files(app) == []


def test_an_empty_or_missing_file_is_refused(app, client, signed_in, official):
    notice = make_notice(official.unit, official, publish=False)
    before = _counts()
    empty = client.post(f"/manage/notices/{notice.id}/attachments", data={"file": upload(b"")})
    assert "Tệp rỗng" in empty.get_data(as_text=True)
    missing = client.post(f"/manage/notices/{notice.id}/attachments", data={})
    assert "Vui lòng chọn tệp." in missing.get_data(as_text=True)
    assert _counts() == before
    assert _stored_files(app) == []


def test_a_file_on_a_published_notice_is_a_correction_with_a_reason(app, client, signed_in, official):
    notice = make_notice(official.unit, official)
    url = f"/manage/notices/{notice.id}/attachments"
    before = _counts()
    refused = client.post(url, data={"file": upload(pdf_bytes())})
    assert "vui lòng nêu lý do" in refused.get_data(as_text=True)
    assert _counts() == before and _stored_files(app) == []

    assert client.post(url, data={"file": upload(pdf_bytes()), "reason": "Bổ sung bản đồ"}).status_code == 302
    db.session.refresh(notice)
    assert [version.reason for version in notice.versions] == ["", "Bổ sung bản đồ"]
    (attachment,) = notice.attachments

    remove_url = f"/manage/notices/{notice.id}/attachments/{attachment.id}/delete"
    refused = client.post(remove_url, data={"reason": ""})
    assert refused.status_code == 200 and "gỡ tệp tạo một phiên bản đính chính" in refused.get_data(as_text=True)
    assert db.session.get(Attachment, attachment.id) is not None

    assert client.post(remove_url, data={"reason": "Nhầm tệp"}).status_code == 302
    db.session.expire_all()
    notice = db.session.get(Notice, notice.id)
    assert notice.attachments == [] and notice.versions[-1].reason == "Nhầm tệp"
    assert _stored_files(app) == []


def test_removing_a_draft_file_needs_no_reason(app, client, signed_in, official):
    notice = make_notice(official.unit, official, publish=False)
    attachment = attach_pdf(notice, official)
    response = client.post(f"/manage/notices/{notice.id}/attachments/{attachment.id}/delete")
    assert response.status_code == 302
    assert db.session.get(Attachment, attachment.id) is None
    assert _stored_files(app) == []


@pytest.mark.parametrize("failure", [services.NoticeStateError("changed meanwhile"), RuntimeError("disk full")])
def test_a_failure_after_storing_the_file_leaves_no_orphan(app, client, signed_in, official, monkeypatch, failure):
    notice = make_notice(official.unit, official, publish=False)
    before = _counts()

    def failing_add_attachment(*args, **kwargs):
        raise failure

    monkeypatch.setattr(services, "add_attachment", failing_add_attachment)
    response = client.post(f"/manage/notices/{notice.id}/attachments", data={"file": upload(pdf_bytes())})
    assert response.status_code in (302, 500)
    assert _stored_files(app) == []
    assert _counts() == before


def test_list_is_newest_first_filtered_and_paginated(client, login, units):
    province, commune_a, commune_b = units
    for number in range(22):
        make_notice(commune_a, publish=number % 2 == 0, title=f"Thông báo số {number:02d}")
    make_notice(
        commune_a,
        title="Đã hết hạn",
        posting_start=TODAY - timedelta(days=60),
        posting_end=TODAY - timedelta(days=1),
        issued_on=TODAY - timedelta(days=61),
    )
    withdrawn = make_notice(commune_b, title="Sẽ thu hồi")
    services.withdraw_notice(withdrawn, "Thay thế", None)
    db.session.commit()
    login(make_user("official", province))

    first = client.get("/manage/").get_data(as_text=True)
    assert "24 thông báo" in first
    assert first.index("Sẽ thu hồi") < first.index("Đã hết hạn") < first.index("Thông báo số 21")
    assert "Thông báo số 03" not in first and "Trang 1 / 2" in first
    second = client.get("/manage/?page=2").get_data(as_text=True)
    assert "Thông báo số 03" in second and "Thông báo số 00" in second

    drafts = client.get("/manage/?status=draft").get_data(as_text=True)
    assert "11 thông báo" in drafts and "Thông báo số 01" in drafts and "Thông báo số 02" not in drafts
    expired = client.get("/manage/?status=expired").get_data(as_text=True)
    assert "1 thông báo" in expired and "Đã hết hạn" in expired
    current = client.get("/manage/?status=published").get_data(as_text=True)
    assert "11 thông báo" in current and "Đã hết hạn" not in current
    only_b = client.get(f"/manage/?unit={commune_b.code}&status=withdrawn").get_data(as_text=True)
    assert "1 thông báo" in only_b and "Sẽ thu hồi" in only_b
    bogus = client.get("/manage/?status=bogus")
    assert bogus.status_code == 200 and "Trạng thái lọc không hợp lệ" in bogus.get_data(as_text=True)


def test_commune_list_shows_only_its_own_notices(client, login, units):
    _, commune_a, commune_b = units
    make_notice(commune_a, title="Của xã A")
    make_notice(commune_b, title="Của xã B")
    login(make_user("official", commune_a))
    page = client.get("/manage/").get_data(as_text=True)
    assert "Của xã A" in page and "Của xã B" not in page
    assert "Đăng thông báo mới" in page


def test_a_post_without_csrf_token_is_refused_and_saves_nothing(csrf_app, client, official):
    login_page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={"username": official.username, "password": "correct horse battery", "csrf_token": csrf_token(login_page)},
    )
    before = _counts()
    refused = client.post("/manage/notices/new", data=form_data())
    assert refused.status_code == 400
    assert "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ" in refused.get_data(as_text=True)
    assert _counts() == before

    form_page = client.get("/manage/notices/new").get_data(as_text=True)
    accepted = client.post("/manage/notices/new", data=form_data(csrf_token=csrf_token(form_page)))
    assert accepted.status_code == 302
    notice = _newest_notice()
    assert notice is not None and notice.status == "draft"

    assert client.post(f"/manage/notices/{notice.id}/publish").status_code == 400
    db.session.refresh(notice)
    assert notice.status == "draft"
    manage_page = client.get(accepted.location).get_data(as_text=True)
    assert (
        client.post(f"/manage/notices/{notice.id}/publish", data={"csrf_token": csrf_token(manage_page)}).status_code
        == 302
    )
    db.session.refresh(notice)
    assert notice.status == "published"
