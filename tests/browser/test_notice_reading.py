"""A citizen on a cheap phone: scan the QR code, read the notice, call the officer; print the poster."""

import io

from pypdf import PdfReader

from tests.factories import make_notice, make_units, make_user

A4_POINTS = (595, 842)


def _published_notice(**overrides):
    _, commune, _ = make_units()
    official = make_user("official", commune)
    return make_notice(commune, official, **overrides)


def test_phone_reader_lands_on_notice_from_short_url_and_finds_tel_link(live_app, live_server, phone):
    notice = _published_notice()

    phone.goto(f"{live_server}/n/{notice.short_code.lower()}")

    assert phone.url == f"{live_server}/notices/{notice.id}"
    assert notice.title in phone.locator("h1").inner_text()
    call = phone.locator('a[href="tel:+84912345678"]').first
    assert call.is_visible()
    assert "0912 345 678" in call.inner_text()
    box = call.bounding_box()
    assert box["height"] >= 24, "the call link must be an easy tap target"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, "no sideways scrolling on a phone"


def test_poster_prints_on_one_a4_page_with_phone_and_short_url(live_app, live_server, desktop):
    notice = _published_notice(
        title="Thông báo về việc thu hồi đất, bồi thường, hỗ trợ và tái định cư " * 5,
        summary=("Ủy ban nhân dân xã thông báo phương án bồi thường, hỗ trợ cho các hộ gia đình, cá nhân " * 6)[:500],
    )

    desktop.goto(f"{live_server}/notices/{notice.id}/poster")
    pdf = PdfReader(io.BytesIO(desktop.pdf(format="A4", print_background=True, prefer_css_page_size=True)))

    assert len(pdf.pages) == 1
    width, height = (round(float(value)) for value in pdf.pages[0].mediabox[2:])
    assert (width, height) == A4_POINTS
    text = pdf.pages[0].extract_text()
    assert "0912 345 678" in text
    assert notice.short_code in text
    assert desktop.locator("img[src$='qr.svg'], svg").count() >= 1
