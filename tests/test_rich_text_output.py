"""The sanitiser keeps every shape the rich-text editor writes and strips what it must never keep."""

import pytest

from app.sanitize import clean_html, html_to_text

# Each shape exactly as static/js/rich-text-clean.js serialises it.
EDITOR_SHAPES = {
    "headings": "<h2>Danh sách hộ được hỗ trợ</h2><h3>Thôn Đồng Đình</h3><h4>Ghi chú</h4>",
    "paragraph with a line break": "<p>Ủy ban nhân dân xã Đại Sơn<br>thông báo như sau:</p>",
    "bold and italic": "<p><strong>Căn cứ</strong> Quyết định số 123/QĐ-UBND <em>ngày 05/3/2026</em>.</p>",
    "bulleted list": "<ul><li>Hộ ông Nguyễn Văn An</li><li>Hộ bà Trần Thị Bình</li></ul>",
    "numbered list, nested": "<ol><li>Nộp đơn<ul><li>bản chính</li></ul></li><li>Nhận tiền</li></ol>",
    "table with a header row": (
        "<table><thead><tr><th>Họ và tên</th><th>Số tiền (đồng)</th></tr></thead>"
        "<tbody><tr><td>Nguyễn Văn An</td><td>450.000</td></tr><tr><td></td><td></td></tr></tbody></table>"
    ),
    "merged cells": (
        '<table><tbody><tr><td colspan="2">Thôn Đồng Đình</td></tr><tr><td rowspan="3">x</td></tr></tbody></table>'
    ),
    "non-breaking space and escaped text": "<p>Nguyễn&nbsp;Văn An: 1 &lt; 2 &amp; 3 &gt; 2</p>",
}
LINKS = {
    "https": '<a href="https://daison.bacninh.gov.vn/thong-bao?id=1&amp;trang=2">cổng thông tin</a>',
    "http": '<a href="http://example.vn" title="Trang cũ">trang cũ</a>',
    "mailto": '<a href="mailto:vanphong@daison.gov.vn">vanphong@daison.gov.vn</a>',
    "tel": '<a href="tel:+842043854123">0204 3854 123</a>',
}


@pytest.mark.parametrize("html", EDITOR_SHAPES.values(), ids=EDITOR_SHAPES.keys())
def test_sanitiser_keeps_each_editor_shape_unchanged(html):
    assert clean_html(html) == html


@pytest.mark.parametrize("link", LINKS.values(), ids=LINKS.keys())
def test_sanitiser_keeps_editor_links_and_only_adds_rel(link):
    html = f"<p>Xem {link}.</p>"
    assert clean_html(html) == html.replace('">', '" rel="nofollow noopener">', 1)


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        # Word: classes, mso- styles, <o:p>, <span>, <font>, conditional comments.
        (
            "<p class=MsoNormal style='mso-list:l0 level1'><!--[if !supportLists]-->·<!--[endif]-->"
            "<span style='font-family:Symbol'>Hộ</span> <font face=Arial color=red>ông An</font><o:p></o:p></p>",
            "<p>·Hộ ông An</p>",
        ),
        ('<h1 style="color:red">Thông báo</h1><h2 class="x" id="y">Mục</h2>', "Thông báo<h2>Mục</h2>"),
        (
            '<table border="1" style="width:100%"><tr style="height:1pt">'
            '<td width="200" valign="top">ô</td></tr></table>',
            "<table><tbody><tr><td>ô</td></tr></tbody></table>",
        ),
        # Code and handlers never survive, text inside unknown elements does.
        (
            '<p onclick="alert(1)">a<script>alert(1)</script><style>p{}</style><img src=x onerror=alert(1)></p>',
            "<p>a</p>",
        ),
        ('<div><section><p contenteditable="true">văn bản</p></section></div>', "<p>văn bản</p>"),
        ('<td colspan="abc" rowspan="2" style="x">', ""),
    ],
    ids=["word paragraph", "heading 1 and attributes", "table attributes", "code", "containers", "stray cell"],
)
def test_sanitiser_strips_what_the_editor_never_writes(dirty, clean):
    assert clean_html(dirty) == clean


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x", "file:///etc/passwd"]
)
def test_sanitiser_drops_link_addresses_outside_http_https_mailto_tel(href):
    cleaned = clean_html(f'<p><a href="{href}" onclick="x()">đây</a></p>')
    assert "href" not in cleaned and "onclick" not in cleaned
    assert "đây" in cleaned


def test_editor_output_reads_as_plain_text_for_search_and_feeds():
    html = "".join(EDITOR_SHAPES.values())
    words = " ".join(html_to_text(clean_html(html)).split())
    # Headings, paragraphs and list items end in a line break, so their words never run together.
    assert "hỗ trợ Thôn Đồng Đình Ghi chú Ủy ban" in words
    assert "Nguyễn Văn An Hộ bà Trần Thị Bình Nộp đơn bản chính Nhận tiền" in words
    assert "<" not in words.replace("1 < 2", "")


def test_text_typed_without_the_editor_keeps_its_paragraphs_and_line_breaks():
    typed = "Ủy ban nhân dân xã thông báo:\r\nCác hộ nhận tiền tại nhà văn hóa.\r\n\r\n  Lưu ý: thửa <500 m2 & 3>2  "

    assert clean_html(typed) == (
        "<p>Ủy ban nhân dân xã thông báo:<br>Các hộ nhận tiền tại nhà văn hóa.</p>"
        "<p>Lưu ý: thửa &lt;500 m2 &amp; 3&gt;2</p>"
    )


def test_markup_is_never_re_wrapped_as_text():
    assert clean_html("<p>Đoạn một</p>\n\n<p>Đoạn hai</p>") == "<p>Đoạn một</p>\n\n<p>Đoạn hai</p>"
    assert clean_html("<script>alert(1)</script>") == ""


def test_cells_of_a_table_stay_separate_words_in_plain_text():
    table = "<table><tr><th>Họ và tên</th><th>Số tiền</th></tr><tr><td>An</td><td>450.000</td></tr></table>"

    assert html_to_text(table).split() == ["Họ", "và", "tên", "Số", "tiền", "An", "450.000"]
