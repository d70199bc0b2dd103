"""Discoverability: /sitemap.xml (split past the limit), /robots.txt, and the share tags of a notice page."""

import re
from xml.etree import ElementTree

import pytest

from app.opendata import sitemaps
from tests.factories import make_notice
from tests.opendata.conftest import SITEMAP_NS, sitemap_locations, withdraw

BASE = "http://congkhai.test"


def test_the_sitemap_lists_the_public_notices_and_the_units_with_their_last_change(client, units, official):
    current = make_notice(units[1], official)
    withdrawn = withdraw(make_notice(units[2], official), official)
    draft = make_notice(units[1], official, publish=False)

    response = client.get("/sitemap.xml")
    root = ElementTree.fromstring(response.get_data())  # noqa: S314  (our own server's answer)

    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locations = [element.text for element in root.iterfind("sm:url/sm:loc", SITEMAP_NS)]
    assert locations[:2] == [f"{BASE}/", f"{BASE}/notices"]
    assert {f"{BASE}/units/24", f"{BASE}/units/07627", f"{BASE}/units/07615"} <= set(locations)
    assert f"{BASE}/notices/{current.id}" in locations and f"{BASE}/notices/{withdrawn.id}" in locations
    assert f"{BASE}/notices/{draft.id}" not in locations
    assert len(locations) == len(set(locations)) == 2 + 3 + 2
    lastmods = {
        url.find("sm:loc", SITEMAP_NS).text: url.find("sm:lastmod", SITEMAP_NS)
        for url in root.iterfind("sm:url", SITEMAP_NS)
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", lastmods[f"{BASE}/notices/{current.id}"].text)
    assert response.cache_control.public


def test_past_the_limit_the_sitemap_is_an_index_of_parts_that_hold_every_address_once(
    client, units, official, monkeypatch
):
    notices = [make_notice(units[1], official, title=f"Thông báo số {number}") for number in range(7)]
    make_notice(units[1], official, publish=False)  # a draft in the middle of the ids
    notices.append(make_notice(units[2], official))
    monkeypatch.setattr(sitemaps, "SITEMAP_MAX_URLS", 3)

    kind, parts = sitemap_locations(client, "/sitemap.xml")

    assert kind == "sitemapindex"
    assert parts == [f"{BASE}/sitemaps/units.xml"] + [f"{BASE}/sitemaps/notices-{n}.xml" for n in (1, 2, 3)]
    found = []
    for part in parts:
        kind, locations = sitemap_locations(client, part.removeprefix(BASE))
        assert kind == "urlset"
        assert part.endswith("units.xml") or 0 < len(locations) <= 3
        found += locations
    expected = {f"{BASE}/notices/{notice.id}" for notice in notices}
    assert {location for location in found if "/notices/" in location} == expected
    assert len(found) == len(set(found)) == 2 + 3 + len(notices)
    root = ElementTree.fromstring(client.get("/sitemap.xml").get_data())  # noqa: S314  (our own server's answer)
    assert all(entry.find("sm:lastmod", SITEMAP_NS) is not None for entry in root.findall("sm:sitemap", SITEMAP_NS)[1:])
    assert client.get("/sitemaps/notices-4.xml").status_code == 404
    assert client.get("/sitemaps/notices-0.xml").status_code == 404


def test_robots_keeps_crawlers_out_of_staff_areas_and_tracking_pages_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    lines = response.get_data(as_text=True).splitlines()

    assert response.status_code == 200 and response.mimetype == "text/plain"
    for path in ("/manage/", "/audit/", "/track/"):
        assert f"Disallow: {path}" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert not any(line.startswith("Disallow: /feeds") or line == "Disallow: /notices" for line in lines)


def test_a_notice_page_carries_opengraph_and_twitter_card_tags(client, units, official):
    notice = make_notice(
        units[1], official, title="Thông báo thu hồi đất làm đường liên thôn", summary="Thu hồi đất của 25 hộ."
    )

    html = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    head = html[: html.index("</head>")]

    def meta(attribute, name):
        match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', head)
        assert match, name
        return match.group(1)

    assert meta("property", "og:title") == "Thông báo thu hồi đất làm đường liên thôn"
    assert meta("property", "og:description") == "Xã Đại Sơn · Thu hồi đất của 25 hộ."
    assert meta("property", "og:url") == f"{BASE}/notices/{notice.id}"
    assert meta("property", "og:locale") == "vi_VN"
    assert meta("property", "og:type") == "article"
    assert meta("name", "twitter:card") == "summary"
    assert meta("name", "twitter:title") == "Thông báo thu hồi đất làm đường liên thôn"
    assert meta("name", "twitter:description") == "Xã Đại Sơn · Thu hồi đất của 25 hộ."
    assert f'<link rel="canonical" href="{BASE}/notices/{notice.id}">' in head


@pytest.mark.parametrize("title", ['Thông báo "đặc biệt" <b>về</b> đất & nhà'])
def test_share_tags_escape_what_an_official_typed(client, units, official, title):
    notice = make_notice(units[1], official, title=title)

    head = client.get(f"/notices/{notice.id}").get_data(as_text=True).split("</head>")[0]

    assert "<b>về</b>" not in head
    assert 'content="Thông báo &#34;đặc biệt&#34; &lt;b&gt;về&lt;/b&gt; đất &amp; nhà"' in head
