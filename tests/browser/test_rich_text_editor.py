"""Officials write notice bodies with the rich-text editor; citizens read headings, lists and tables."""

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.feedback.intake import submit_feedback
from app.notices.models import Notice
from app.sanitize import clean_html
from tests.factories import PASSWORD, make_notice, make_units, make_user

PASTES = Path(__file__).parent / "pastes"
EDITOR = "Nội dung chi tiết"
HEADING = "Danh sách hộ được hỗ trợ tiền điện quý I"
ITEMS = ["Hộ ông Nguyễn Văn An, thôn Đồng Đình", "Hộ bà Trần Thị Bình, thôn Bãi Đá"]
CELLS = ["Họ và tên", "Số tiền (đồng)", "Nguyễn Văn An", "450.000"]

# What Word puts on the clipboard (pastes/word.html): classes, mso- styles, <o:p>, <font>, spans,
# conditional comments around list bullets, a style sheet, a javascript: link.
WORD_HTML = (PASTES / "word.html").read_text(encoding="utf-8")
WORD_CLEAN = (
    "<h2>Thông báo thu hồi đất</h2>"
    "<p><strong>Căn cứ</strong> Quyết định số 123/QĐ-UBND <em>ngày 05/3/2026</em>.</p>"
    "<ul><li>Hộ ông Nguyễn Văn An</li><li>Hộ bà Trần Thị Bình</li></ul>"
    "<ol><li>Nộp đơn tại bộ phận một cửa</li><li>Nhận tiền tại UBND xã</li></ol>"
    "<table><tbody><tr><td><strong>Họ tên</strong></td><td><strong>Diện tích (m²)</strong></td></tr>"
    '<tr><td colspan="2">Nguyễn Văn An</td></tr></tbody></table>'
    '<p>Xem <a href="https://daison.bacninh.gov.vn/thong-bao">cổng thông tin</a> và đây.</p>'
)
# What a web page or Google Docs puts there (pastes/web.html): bold and italic as styles, a wrapper
# <b> that is not bold, divs, a script, an image, an event handler.
WEB_HTML = (PASTES / "web.html").read_text(encoding="utf-8")
WEB_CLEAN = (
    "<p><strong>Lịch tiếp dân</strong> <em>tháng 7</em></p><p>Thứ Năm hằng tuần</p>"
    '<h4>Địa điểm</h4><p>Trụ sở <a href="tel:+842043854123">UBND xã</a></p>'
)


def _sign_in(page, live_server, username="canbo.daison"):
    page.goto(f"{live_server}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def _fill_required_fields(page, title):
    page.get_by_label("Lĩnh vực").select_option("social_support")
    page.get_by_label("Tiêu đề").fill(title)
    page.get_by_label(re.compile("^Tóm tắt")).fill("Danh sách các hộ nghèo được hỗ trợ tiền điện quý I.")
    page.get_by_label("Họ tên cán bộ trả lời thắc mắc").fill("Trần Thị Bình")
    page.get_by_label("Số điện thoại cán bộ").fill("0987 654 321")


def _paste(page, html, text=""):
    """Paste as Chromium hands a paste from another program to the page: a paste event with its data."""
    page.evaluate(
        """([html, text]) => {
            const data = new DataTransfer();
            if (html) { data.setData("text/html", html); }
            data.setData("text/plain", text);
            const editor = document.querySelector(".rte-editor");
            editor.focus();
            editor.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [html, text],
    )


def _field_value(page):
    return page.locator("textarea#body_html").input_value()


def _focused_name(page):
    return page.evaluate("document.activeElement.title || document.activeElement.getAttribute('aria-label') || ''")


def test_official_types_heading_list_table_and_link_and_citizen_sees_them(live_app, live_server, desktop):
    _, commune, _ = make_units()
    make_user("official", commune, username="canbo.daison")
    db.session.remove()  # release SQLite before the server writes

    page = desktop
    _sign_in(page, live_server)
    page.goto(f"{live_server}/manage/notices/new")
    _fill_required_fields(page, "Hỗ trợ tiền điện cho hộ nghèo quý I")
    assert not page.locator("textarea#body_html").is_visible(), "the editor takes the textarea's place"
    editor = page.get_by_role("textbox", name=EDITOR)

    # A heading from the toolbar, with the mouse.
    editor.click()
    page.get_by_role("button", name="Tiêu đề lớn").click()
    page.keyboard.type(HEADING)
    page.keyboard.press("Enter")

    # A bulleted list from the keyboard: Alt+F10 reaches the toolbar, arrows move along it, Enter acts.
    page.keyboard.press("Alt+F10")
    assert _focused_name(page) == "Tiêu đề lớn"
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert _focused_name(page) == "Danh sách gạch đầu dòng"
    page.keyboard.press("Enter")
    page.keyboard.type(ITEMS[0])
    page.keyboard.press("Enter")
    page.keyboard.type(ITEMS[1])
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # an empty item ends the list

    # Bold with Ctrl+B, then a link with Ctrl+K: a javascript: address is refused with a message.
    page.keyboard.type("Thắc mắc xin gọi ")
    page.keyboard.press("Control+b")
    page.keyboard.type("bộ phận một cửa")
    page.keyboard.press("Control+b")
    page.keyboard.type(" hoặc xem ")
    page.keyboard.press("Control+k")
    address = page.get_by_label("Địa chỉ liên kết")
    assert address.evaluate("element => element === document.activeElement")
    address.fill("javascript:alert(1)")
    page.keyboard.press("Enter")
    assert "Địa chỉ không hợp lệ" in page.locator(".rte-panel:visible .field-error").inner_text()
    address.fill("daison.bacninh.gov.vn")
    page.keyboard.press("Enter")
    page.keyboard.press("End")
    page.keyboard.type(".")
    page.keyboard.press("Enter")

    # A 2×2 table: the toolbar button opens its size; Enter inserts it; Tab moves from cell to cell.
    page.get_by_role("button", name="Chèn bảng").first.click()
    assert page.get_by_label("Số hàng").input_value() == "2"
    assert page.get_by_label("Số cột").input_value() == "2"
    page.get_by_label("Số hàng").press("Enter")
    for index, text in enumerate(CELLS):
        if index:
            page.keyboard.press("Tab")
        page.keyboard.type(text)

    body = (
        f"<h2>{HEADING}</h2><ul><li>{ITEMS[0]}</li><li>{ITEMS[1]}</li></ul>"
        '<p>Thắc mắc xin gọi <strong>bộ phận một cửa</strong> hoặc xem <a href="https://daison.bacninh.gov.vn">'
        "daison.bacninh.gov.vn</a>.</p>"
        f"<table><thead><tr><th>{CELLS[0]}</th><th>{CELLS[1]}</th></tr></thead>"
        f"<tbody><tr><td>{CELLS[2]}</td><td>{CELLS[3]}</td></tr></tbody></table>"
    )
    assert _field_value(page) == body
    page.locator("form.notice-form button[type=submit]").click()
    page.get_by_role("button", name="Niêm yết").click()

    notice = db.session.scalars(select(Notice)).one()
    assert notice.status == "published"
    assert notice.body_html == clean_html(body), "the server keeps what the editor wrote"
    notice_id = notice.id
    db.session.remove()

    page.goto(f"{live_server}/notices/{notice_id}")
    section = page.locator("section.notice-body")
    assert section.locator("h2", has_text=HEADING).is_visible()
    assert section.locator("ul > li").all_inner_texts() == ITEMS
    assert section.locator("table th").all_inner_texts() == CELLS[:2]
    assert section.locator("table td").all_inner_texts() == CELLS[2:]
    assert section.locator("strong").inner_text() == "bộ phận một cửa"
    link = section.get_by_role("link", name="daison.bacninh.gov.vn")
    assert link.get_attribute("href") == "https://daison.bacninh.gov.vn"
    assert link.get_attribute("rel") == "nofollow noopener"


def test_paste_from_word_or_a_web_page_keeps_structure_and_drops_styling(live_app, live_server, desktop):
    _, commune, _ = make_units()
    make_user("official", commune, username="canbo.daison")
    db.session.remove()

    page = desktop
    _sign_in(page, live_server)
    page.goto(f"{live_server}/manage/notices/new")
    _fill_required_fields(page, "Thu hồi đất thôn Đồng Đình")

    _paste(page, WORD_HTML, "Thông báo thu hồi đất")
    assert _field_value(page) == WORD_CLEAN
    shown = page.locator(".rte-editor")
    assert shown.locator("[style], [class], span, font, o\\:p, script").count() == 0, "the editor shows it clean too"
    assert shown.locator("ul > li").all_inner_texts() == ["Hộ ông Nguyễn Văn An", "Hộ bà Trần Thị Bình"]

    page.keyboard.press("Control+z")  # the browser's undo takes the paste back
    assert _field_value(page) == ""

    _paste(page, WEB_HTML, "Lịch tiếp dân")
    assert _field_value(page) == WEB_CLEAN

    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    _paste(page, "", "Dòng một\ncòn tiếp\n\nĐoạn <b>hai</b> & hết")
    assert _field_value(page) == "<p>Dòng một<br>còn tiếp</p><p>Đoạn &lt;b&gt;hai&lt;/b&gt; &amp; hết</p>"

    # What the editor writes is exactly what the allow-list keeps (links gain only rel="nofollow noopener").
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    _paste(page, WORD_HTML)
    page.locator("form.notice-form button[type=submit]").click()
    notice = db.session.scalars(select(Notice)).one()
    assert notice.body_html == WORD_CLEAN.replace('">cổng', '" rel="nofollow noopener">cổng')
    assert clean_html(WEB_CLEAN) == WEB_CLEAN.replace('">UBND', '" rel="nofollow noopener">UBND')


def test_a_draft_opens_in_the_editor_and_saves_unchanged(live_app, live_server, desktop):
    _, commune, _ = make_units()
    official = make_user("official", commune, username="canbo.daison")
    stored = (
        "<h2>Danh sách</h2><p>Các hộ <em>sau</em>:</p><ol><li>Ông An</li><li>Bà Bình</li></ol>"
        '<table><tbody><tr><td rowspan="2">Thôn Đồng Đình</td><td>2 hộ</td></tr><tr><td></td></tr></tbody></table>'
    )
    notice = make_notice(commune, official, publish=False, body_html=stored)
    notice_id = notice.id
    db.session.remove()

    page = desktop
    _sign_in(page, live_server)
    page.goto(f"{live_server}/manage/notices/{notice_id}/edit")
    editor = page.get_by_role("textbox", name=EDITOR)
    assert editor.locator("ol > li").all_inner_texts() == ["Ông An", "Bà Bình"]
    assert _field_value(page) == stored

    # Add a row below the first: the caret goes to its first cell.
    editor.locator("td", has_text="2 hộ").click()
    page.get_by_role("button", name="Thêm hàng vào bảng").click()
    page.keyboard.type("1 hộ")
    edited = stored.replace("</tr><tr><td></td>", "</tr><tr><td>1 hộ</td><td></td></tr><tr><td></td>")
    assert _field_value(page) == edited
    page.locator("form.notice-form button[type=submit]").click()
    db.session.expire_all()
    assert db.session.get(Notice, notice_id).body_html == edited


def test_official_answers_with_a_list_and_the_citizen_reads_it(live_app, live_server, desktop):
    _, commune, _ = make_units()
    make_user("official", commune, username="canbo.daison")
    with live_app.test_request_context():  # the audit entry reads the request
        item = submit_feedback(kind="question", unit=commune, text="Hồ sơ xin hỗ trợ tiền điện cần những giấy tờ gì?")
        db.session.commit()
    item_id, code = item.id, item.tracking_code
    db.session.remove()

    page = desktop
    _sign_in(page, live_server)
    page.goto(f"{live_server}/manage/queue/{item_id}")
    reply = page.locator("form[action$='/reply']")
    answer = reply.get_by_role("textbox", name="Nội dung trả lời")
    answer.click()
    page.keyboard.type("Hồ sơ gồm:")
    page.keyboard.press("Enter")
    reply.get_by_role("button", name="Danh sách đánh số").click()
    page.keyboard.type("Đơn đề nghị theo mẫu")
    page.keyboard.press("Enter")
    page.keyboard.type("Giấy xác nhận hộ nghèo")
    assert reply.locator("textarea[name$=answer_html]").input_value() == (
        "<p>Hồ sơ gồm:</p><ol><li>Đơn đề nghị theo mẫu</li><li>Giấy xác nhận hộ nghèo</li></ol>"
    )
    reply.get_by_role("button", name="Gửi câu trả lời").click()

    page.goto(f"{live_server}/track/{code}")
    assert page.locator(".answer-body ol > li").all_inner_texts() == ["Đơn đề nghị theo mẫu", "Giấy xác nhận hộ nghèo"]


@pytest.fixture
def no_script_desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_textarea_posts_plain_text_that_keeps_its_paragraphs(
    live_app, live_server, no_script_desktop
):
    _, commune, _ = make_units()
    make_user("official", commune, username="canbo.daison")
    db.session.remove()

    page = no_script_desktop
    _sign_in(page, live_server)
    page.goto(f"{live_server}/manage/notices/new")
    assert page.locator(".rte-toolbar").count() == 0
    textarea = page.get_by_label(EDITOR)
    assert textarea.evaluate("element => element.tagName") == "TEXTAREA" and textarea.is_visible()
    _fill_required_fields(page, "Lịch tiếp công dân tháng 7")
    textarea.fill("Chủ tịch UBND xã tiếp công dân vào thứ Năm hằng tuần tại trụ sở.\n\nCông dân mang theo CCCD.")
    page.locator("form.notice-form button[type=submit]").click()

    notice = db.session.scalars(select(Notice)).one()
    assert notice.body_html == (
        "<p>Chủ tịch UBND xã tiếp công dân vào thứ Năm hằng tuần tại trụ sở.</p><p>Công dân mang theo CCCD.</p>"
    )


def test_editor_fits_a_phone_and_shows_where_the_focus_is(live_app, live_server, phone):
    _, commune, _ = make_units()
    make_user("official", commune, username="canbo.daison")
    db.session.remove()

    _sign_in(phone, live_server)
    phone.goto(f"{live_server}/manage/notices/new")
    phone.get_by_role("textbox", name=EDITOR).click()
    phone.get_by_role("button", name="Chèn bảng").first.click()
    phone.get_by_label("Số cột").fill("6")
    phone.get_by_role("button", name="Chèn bảng").last.click()
    phone.keyboard.type("Một ô có nội dung khá dài để xem bảng có tràn màn hình không")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, "the page never scrolls sideways"
    for button in phone.locator(".rte-toolbar button").all():
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, "toolbar buttons are thumb-sized"
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    phone.keyboard.press("Alt+F10")
    outline = phone.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "the focused toolbar button shows a focus ring"
