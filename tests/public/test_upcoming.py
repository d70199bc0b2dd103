"""A notice whose posting has not started: out of the lists, yet reachable by its QR code and marked."""

import shutil
from datetime import timedelta

from app.clock import format_date, local_today
from app.search import services as search_services
from tests.factories import make_notice


def _upcoming(units, official, **overrides):
    start = local_today() + timedelta(days=5)
    return make_notice(units[1], official, posting_start=start, posting_end=start + timedelta(days=30), **overrides)


def test_the_short_url_of_an_upcoming_notice_leads_to_its_page_marked_with_its_start_date(client, units, official):
    notice = _upcoming(units, official)

    redirect = client.get(f"/n/{notice.short_code}")
    html = client.get(redirect.headers["Location"]).get_data(as_text=True)

    assert redirect.status_code == 302
    assert redirect.headers["Location"].endswith(f"/notices/{notice.id}")
    assert 'class="badge badge-upcoming">Sắp niêm yết' in html
    assert f"Sắp niêm yết: bắt đầu từ ngày {format_date(notice.posting_start)}." in html


def test_search_still_finds_an_upcoming_notice_marked_with_its_start_date(client, units, official):
    notice = _upcoming(units, official, title="Kế hoạch nạo vét kênh Đồng Quan")
    search_services.sync()

    html = client.get("/search?q=nao vet kenh dong quan").get_data(as_text=True)

    assert f'href="/notices/{notice.id}"' in html
    assert 'class="badge badge-upcoming">Sắp niêm yết' in html
    assert format_date(notice.posting_start) in html


def test_the_home_page_does_not_list_an_upcoming_notice(client, units, official):
    _upcoming(units, official, title="Chưa đến ngày niêm yết")

    assert "Chưa đến ngày niêm yết" not in client.get("/").get_data(as_text=True)


def test_search_from_the_database_also_finds_an_upcoming_notice_while_the_index_is_missing(
    app, client, units, official
):
    notice = _upcoming(units, official, title="Kế hoạch nạo vét kênh Đồng Quan")
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"], ignore_errors=True)

    html = client.get("/search?q=nạo vét kênh").get_data(as_text=True)

    assert "Chức năng tìm kiếm đầy đủ đang được khôi phục" in html
    assert f'href="/notices/{notice.id}"' in html
    assert 'class="badge badge-upcoming">Sắp niêm yết' in html
