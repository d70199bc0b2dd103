"""A citizen finds the way to ask and to track from every public page, not only from a notice."""

import re

import pytest

from app.extensions import db
from tests.factories import make_notice, make_unit
from tests.public.conftest import section

ASK = "Gửi câu hỏi, phản ánh"
TRACK = "Tra cứu mã hồ sơ"


def _page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _header(html):
    start = html.index('<header class="site-header">')
    return html[start : html.index("</header>", start)]


def _links(html, text):
    """The href of every link whose text is exactly `text`."""
    return re.findall(rf'<a[^>]*href="([^"]*)"[^>]*>\s*{re.escape(text)}\s*</a>', html)


@pytest.mark.parametrize("path", ["/", "/notices", "/search", "/search?q=dat", "/deadlines", "/units/07627"])
def test_the_header_of_every_public_page_offers_asking_and_tracking(client, units, path):
    header = _header(_page(client, path))
    assert _links(header, ASK) == ["/feedback/new"]
    assert _links(header, TRACK) == ["/track"]


def test_the_home_page_offers_asking_and_tracking_outside_the_header(client, units):
    html = _page(client, "/")
    main = html[html.index('<main id="main"') :]
    assert "/feedback/new" in _links(main, ASK)
    assert "/track" in _links(main, TRACK)


def test_a_commune_page_offers_asking_that_commune_and_tracking(client, units):
    html = _page(client, "/units/07627")
    main = html[html.index('<main id="main"') :]
    assert _links(main, ASK) == ["/feedback/new?unit=07627"]
    assert _links(main, TRACK) == ["/track"]


def test_a_ward_page_offers_asking_that_ward(client, units):
    province, _, _ = units
    make_unit("09187", "Phường Kinh Bắc", "ward", province)
    db.session.commit()
    main = _page(client, "/units/09187").split('<main id="main"', 1)[1]
    assert _links(main, ASK) == ["/feedback/new?unit=09187"]


def test_a_province_page_does_not_preselect_itself_as_the_receiving_unit(client, units):
    main = _page(client, "/units/24").split('<main id="main"', 1)[1]
    assert "/feedback/new?unit=24" not in main  # (following the whole province by e-mail is offered)
    assert _links(main, "Theo dõi qua email") == ["/follow?unit=24"]
    assert _links(main, ASK) == ["/feedback/new"]


def test_the_home_page_folds_away_communes_with_nothing_posted(client, units, official):
    province, commune_a, commune_b = units
    make_notice(commune_a, official)

    html = _page(client, "/")
    communes = section(html, "units-heading")

    # The whole chooser is one <details>, closed, headed "Chọn xã/phường của bạn".
    chooser = re.search(r"<details([^>]*)>\s*<summary><h2 id=\"units-heading\">([^<]*)</h2>", html)
    assert chooser and "open" not in chooser.group(1)
    assert chooser.group(2) == "Chọn xã/phường của bạn"
    silent_start = communes.index('class="units-silent"')
    assert communes.index('<a href="/units/07627">Xã Đại Sơn</a>') < silent_start
    assert communes.index('<a href="/units/07615">Xã Sơn Động</a>') > silent_start
    assert "chưa có thông báo đang niêm yết (1)" in communes


def test_the_home_page_does_not_list_silent_communes_twice(client, units, official):
    province, commune_a, _ = units
    for number in range(5):
        make_unit(f"0800{number}", f"Xã Thử {number}", "commune", province)
    db.session.commit()
    make_notice(commune_a, official)

    communes = section(_page(client, "/"), "units-heading")

    for number in range(5):
        assert communes.count(f'href="/units/0800{number}"') == 1
    assert communes.count('href="/units/07627"') == 1
