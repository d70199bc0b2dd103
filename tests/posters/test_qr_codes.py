"""QR codes: an independent decoder reads the absolute short URL, which leads to the notice."""

import io
import re
import xml.etree.ElementTree as ET  # noqa: S405  (parses our own generated SVG)

import pytest
import zxingcpp
from PIL import Image

from app.extensions import db
from app.notices import qr
from app.notices import services as notice_services
from tests.qr import read_qr_codes

SVG_NS = "{http://www.w3.org/2000/svg}"
BASE_URL = "http://congkhai.test"  # PUBLIC_BASE_URL of the testing config
QUIET_ZONE = 4


def _short_url(notice):
    return f"{BASE_URL}/n/{notice.short_code}"


def _decode(png_bytes):
    results = read_qr_codes(png_bytes)
    assert len(results) == 1, "exactly one QR code must be found"
    return results[0]


def _svg_dark_modules(svg_bytes):
    root = ET.fromstring(svg_bytes)  # noqa: S314
    path = root.find(f"{SVG_NS}path")
    return root, {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H\d+V\d+H\d+z", path.get("d"))}


def _png_dark_modules(png_bytes, modules):
    image = Image.open(io.BytesIO(png_bytes)).convert("L")
    box = image.width // modules
    assert image.width == box * modules
    return {
        (x, y)
        for y in range(modules)
        for x in range(modules)
        if image.getpixel((x * box + box // 2, y * box + box // 2)) < 128
    }


def test_png_decodes_to_the_absolute_short_url_which_leads_to_the_notice(client, notice):
    response = client.get(f"/notices/{notice.id}/qr.png")

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    decoded = _decode(response.data)
    assert decoded.format == zxingcpp.BarcodeFormat.QRCode
    assert decoded.text == _short_url(notice)

    path = decoded.text.removeprefix(BASE_URL)
    followed = client.get(path, follow_redirects=True)
    assert followed.status_code == 200
    assert followed.request.path == f"/notices/{notice.id}"
    assert notice.title in followed.get_data(as_text=True)


def test_qr_error_correction_is_at_least_m(client, notice):
    decoded = _decode(client.get(f"/notices/{notice.id}/qr.png").data)

    assert decoded.ec_level in ("M", "Q", "H")
    assert decoded.ec_level == "Q"


def test_png_is_at_least_600_pixels_wide_bilevel_and_small(client, notice):
    data = client.get(f"/notices/{notice.id}/qr.png").data
    image = Image.open(io.BytesIO(data))

    assert image.width >= 600
    assert image.width == image.height
    assert image.mode in ("1", "L")
    assert len(data) < 10_000


def test_png_keeps_a_quiet_zone_of_four_white_modules(client, notice):
    text = _short_url(notice)
    modules = qr.module_count(text)
    dark = _png_dark_modules(client.get(f"/notices/{notice.id}/qr.png").data, modules)

    assert dark
    assert all(QUIET_ZONE <= x < modules - QUIET_ZONE and QUIET_ZONE <= y < modules - QUIET_ZONE for x, y in dark)


def test_svg_is_a_path_image_with_white_background_and_quiet_zone(client, notice):
    response = client.get(f"/notices/{notice.id}/qr.svg")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root, dark = _svg_dark_modules(response.data)
    assert root.tag == f"{SVG_NS}svg"
    modules = qr.module_count(_short_url(notice))
    assert root.get("viewBox") == f"0 0 {modules} {modules}"
    background = root.find(f"{SVG_NS}rect")
    assert background.get("fill") == "white"
    assert (background.get("width"), background.get("height")) == ("100%", "100%")
    assert len(root.findall(f"{SVG_NS}path")) == 1
    assert all(QUIET_ZONE <= x < modules - QUIET_ZONE and QUIET_ZONE <= y < modules - QUIET_ZONE for x, y in dark)
    assert "<script" not in response.get_data(as_text=True)


def test_png_and_svg_draw_the_same_matrix(client, notice):
    modules = qr.module_count(_short_url(notice))
    png_dark = _png_dark_modules(client.get(f"/notices/{notice.id}/qr.png").data, modules)
    _, svg_dark = _svg_dark_modules(client.get(f"/notices/{notice.id}/qr.svg").data)

    assert png_dark == svg_dark


@pytest.mark.parametrize("extension", ["png", "svg"])
def test_qr_has_strong_etag_cache_control_and_answers_304(client, notice, extension):
    url = f"/notices/{notice.id}/qr.{extension}"
    first = client.get(url)

    etag = first.headers["ETag"]
    assert not etag.startswith("W/")
    assert first.cache_control.public
    assert first.cache_control.max_age == 86400

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag

    stale = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200
    assert stale.data == first.data


def test_etag_differs_by_format_and_follows_the_encoded_url(app, client, notice):
    png_etag = client.get(f"/notices/{notice.id}/qr.png").headers["ETag"]
    svg_etag = client.get(f"/notices/{notice.id}/qr.svg").headers["ETag"]
    assert png_etag != svg_etag

    app.config["PUBLIC_BASE_URL"] = "https://congkhai.bacninh.gov.vn"
    moved = client.get(f"/notices/{notice.id}/qr.png")

    assert moved.headers["ETag"] != png_etag
    assert _decode(moved.data).text == f"https://congkhai.bacninh.gov.vn/n/{notice.short_code}"


def test_withdrawn_notice_keeps_its_qr_code(client, notice, official):
    notice_services.withdraw_notice(notice, "Thay bằng thông báo khác", official)
    db.session.commit()

    response = client.get(f"/notices/{notice.id}/qr.png")

    assert response.status_code == 200
    assert _decode(response.data).text == _short_url(notice)


@pytest.mark.parametrize("extension", ["png", "svg"])
def test_drafts_and_unknown_notices_have_no_qr_code(client, draft, extension):
    assert client.get(f"/notices/{draft.id}/qr.{extension}").status_code == 404
    assert client.get(f"/notices/{draft.id + 1000}/qr.{extension}").status_code == 404


def test_qr_generation_is_cached_for_repeated_requests(client, notice):
    text = _short_url(notice)
    first = qr.qr_png_bytes(text)
    hits = qr.qr_png_bytes.cache_info().hits

    assert qr.qr_png_bytes(text) is first
    assert qr.qr_png_bytes.cache_info().hits == hits + 1
