"""What every site answers besides its pages: robots.txt, a favicon, and compressed text responses."""

import gzip
from pathlib import Path

import brotli
import pytest

from app.site import DISALLOWED_PATHS
from tests.factories import PASSWORD, make_notice, make_user
from tests.public.conftest import attach_pdf

STATIC = Path(__file__).resolve().parents[2] / "static"


def _robots_rules(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return [line.split(": ", 1) for line in response.get_data(as_text=True).splitlines() if line]


def test_robots_lets_crawlers_read_the_public_site_and_not_the_signed_in_areas_or_tracking_pages(client):
    rules = _robots_rules(client)

    assert rules[0] == ["User-agent", "*"]
    disallowed = {value for name, value in rules if name == "Disallow"}
    assert {"/manage/", "/audit/", "/login", "/track/"} <= disallowed
    assert ["Allow", "/"] in rules
    for public in ("/", "/notices", "/units/", "/search", "/n/", "/api/", "/feedback/new", "/track"):
        assert not any(public.startswith(prefix) for prefix in disallowed), public


def test_every_disallowed_path_is_one_the_app_serves(app):
    rules = [rule.rule for rule in app.url_map.iter_rules()]

    for prefix in DISALLOWED_PATHS:
        assert any(rule.startswith(prefix) for rule in rules), prefix


def test_robots_points_at_the_sitemap_once_the_app_serves_one(app, client):
    app.add_url_rule("/sitemap.xml", "sitemap_for_this_test", lambda: "<urlset/>")

    assert ["Sitemap", "http://congkhai.test/sitemap.xml"] in _robots_rules(client)


def test_favicon_is_served_at_the_root_and_linked_from_every_page(client):
    icon = client.get("/favicon.ico")
    html = client.get("/notices").get_data(as_text=True)

    assert icon.status_code == 200
    assert icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data == (STATIC / "favicon.ico").read_bytes()
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert icon.cache_control.max_age > 0
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    svg = client.get("/static/img/favicon.svg")
    assert svg.status_code == 200
    assert svg.mimetype == "image/svg+xml"


@pytest.mark.parametrize(("encoding", "decode"), [("gzip", gzip.decompress), ("br", brotli.decompress)])
def test_a_page_asked_for_compressed_comes_back_compressed_and_decodes_to_the_same_html(
    client, units, official, encoding, decode
):
    make_notice(units[1], official, title="Thông báo về kế hoạch sử dụng đất năm 2026")

    plain = client.get("/notices")
    compressed = client.get("/notices", headers={"Accept-Encoding": encoding})

    assert "Content-Encoding" not in plain.headers
    assert compressed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert len(compressed.data) < len(plain.data) / 2
    assert decode(compressed.data).decode("utf-8") == plain.get_data(as_text=True)
    assert "Thông báo về kế hoạch sử dụng đất năm 2026" in plain.get_data(as_text=True)


def test_brotli_is_preferred_when_the_browser_accepts_both(client, units):
    response = client.get("/notices", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})

    assert response.headers["Content-Encoding"] == "br"


def test_json_and_css_are_compressed_too(client, units, official):
    for number in range(5):
        make_notice(units[1], official, title=f"Thông báo số {number}")

    plain_json = client.get("/api/v1/notices")
    json_gzip = client.get("/api/v1/notices", headers={"Accept-Encoding": "gzip"})
    css = client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"})

    assert json_gzip.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(json_gzip.data) == plain_json.data
    assert css.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(css.data) == (STATIC / "css" / "site.css").read_bytes()


def test_attachments_are_sent_as_they_are_with_their_etag_and_ranges(client, units, official):
    notice = make_notice(units[1], official)
    attachment = attach_pdf(notice, official)
    url = f"/notices/{notice.id}/attachments/{attachment.id}"
    plain = client.get(url)

    asked = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    again = client.get(url, headers={"Accept-Encoding": "gzip, br", "If-None-Match": asked.headers["ETag"]})
    part = client.get(url, headers={"Accept-Encoding": "gzip, br", "Range": "bytes=0-4"})

    assert "Content-Encoding" not in asked.headers
    assert asked.data == plain.data
    assert asked.headers["ETag"] == plain.headers["ETag"]
    assert again.status_code == 304
    assert part.status_code == 206
    assert part.data == b"%PDF-"


def test_a_streamed_csv_export_is_not_compressed(client, units):
    inspector = make_user("inspector", units[0])
    client.post("/login", data={"username": inspector.username, "password": PASSWORD})

    response = client.get(
        "/audit/export/items.csv?from=2025-04-01&to=2025-05-31", headers={"Accept-Encoding": "gzip, br"}
    )

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.is_streamed
    assert "Content-Encoding" not in response.headers
    header = response.get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert header.count(",") >= 3
