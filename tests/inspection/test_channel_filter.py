"""Figures by channel: ?channel= narrows the overview, the item list and the exports to the items that came
that way; without it every channel counts, in the response times as everywhere.

On the hand-computed data set (conftest.py): A1, A4 and B3 came by phone, C0 (March, still overdue) too,
A2 was brought to the office; the rest came through the website.
"""

import csv
import io
import re
from dataclasses import replace

import pytest

from app.extensions import db
from app.feedback.kinds import CHANNELS
from app.inspection.report import build_report, compute_figures
from app.inspection.today_figures import TODAY_FIELDS
from tests.inspection.conftest import QUERY, TODAY, key_figures, text_of

PHONE = ("A1", "A4", "B3", "C0")


@pytest.fixture
def channels(world):
    for name in PHONE:
        world.items[name].channel = "phone"
    world.items["A2"].channel = "walk_in"
    db.session.commit()
    return world


def codes(world, *names):
    return sorted(world.items[name].tracking_code for name in names)


def test_a_channel_counts_only_its_items(channels):
    phone = build_report(replace(channels.scope, channel="phone"), today=TODAY).total
    # Received in the period: A1 (answered on time in 15 working days), A4 and B3 (both overdue today);
    # today's figures: every open phone item, C0 from March too.
    assert phone.received == 3
    assert (phone.answered, phone.answered_on_time, phone.answer_due) == (1, 1, 2)  # B3's answer is due 18 June
    assert dict(phone.answer_days) == {15: 1}
    assert dict(phone.first_response_days) == {2: 1, 1: 1}
    assert (phone.open_now, phone.overdue_now) == (3, 3)
    assert (phone.forwarded_in, phone.forwarded_out) == (0, 0)
    walk_in = build_report(replace(channels.scope, channel="walk_in"), today=TODAY).total
    assert (walk_in.received, dict(walk_in.answer_days)) == (1, {16: 1})
    assert build_report(replace(channels.scope, channel="open311"), today=TODAY).total.received == 0


def test_every_channel_counts_in_the_figures_without_a_filter(channels):
    everything = build_report(channels.scope, today=TODAY)
    assert everything.total.received == 10  # as before the channels were set: nothing left out
    assert (everything.total.median("answer_days"), everything.total.p90("answer_days")) == (15, 16)
    parts = [build_report(replace(channels.scope, channel=channel), today=TODAY) for channel in CHANNELS]
    for name in ("received", "answered", "answered_on_time", "answer_due", "acknowledged_on_time", *TODAY_FIELDS):
        if name == "overdue_age_max":
            continue
        assert sum(getattr(part.total, name) for part in parts) == getattr(everything.total, name), name
    for histogram in ("first_response_days", "answer_days", "first_response_hours", "answer_hours"):
        combined = sum((getattr(part.total, histogram) for part in parts), start=type(everything.total.answer_days)())
        assert combined == getattr(everything.total, histogram), histogram
    months = [sum(part.backlog[index] for part in parts) for index in range(len(everything.backlog))]
    assert months == everything.backlog


def test_a_channel_is_read_from_the_items_the_same_way_as_without_rollups(channels):
    scope = replace(channels.scope, channel="phone")
    live = compute_figures(scope, officials=True, hours_by_unit=True, today=TODAY, use_rollups=False)
    assert build_report(scope, officials=True, today=TODAY).total == live.total


def test_the_overview_filters_by_channel(client, channels, login):
    login(channels.inspector)
    html = client.get("/audit/?" + QUERY).get_data(as_text=True)
    assert key_figures(html)["Hồ sơ tiếp nhận"] == "10"
    assert 'id="filter-channel"' in html
    html = client.get("/audit/?channel=phone&" + QUERY).get_data(as_text=True)
    assert key_figures(html)["Hồ sơ tiếp nhận"] == "3"
    assert '<option value="phone" selected>' in html
    assert "kênh Điện thoại" in text_of(html)
    # Links to a commune's page keep the channel.
    assert re.search(r'href="/audit/units/24\?[^"]*channel=phone', html)


def test_the_item_list_and_its_exports_filter_by_channel_and_show_it(client, channels, login):
    login(channels.inspector)
    html = client.get("/audit/items?channel=phone&" + QUERY).get_data(as_text=True)
    listed = sorted(code for code in (item.tracking_code for item in channels.items.values()) if f">{code}<" in html)
    assert listed == codes(channels, "A1", "A4", "B3")
    assert 'data-label="Kênh">Điện thoại</td>' in html
    assert "/audit/export/items.csv?" in html and "channel=phone" in html
    body = client.get("/audit/export/items.csv?channel=phone&" + QUERY).get_data(as_text=True)
    header, *rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    column = header.index("Kênh tiếp nhận")
    assert sorted(row[0] for row in rows) == codes(channels, "A1", "A4", "B3")
    assert {row[column] for row in rows} == {"Điện thoại"}
    everything = client.get("/audit/export/items.csv?" + QUERY).get_data(as_text=True)
    assert "Trực tiếp tại UBND" in everything and "Trang web" in everything


def test_the_item_page_names_the_channel(client, channels, login):
    login(channels.inspector)
    html = client.get(f"/audit/items/{channels.items['A2'].id}").get_data(as_text=True)
    assert "Trực tiếp tại UBND" in text_of(html)


def test_an_unknown_channel_is_explained(client, channels, login):
    login(channels.inspector)
    response = client.get("/audit/?channel=fax&" + QUERY)
    assert response.status_code == 400
    assert "Kênh tiếp nhận phải là một trong: web, api, phone, walk_in, mail, open311." in response.get_data(
        as_text=True
    )
    assert client.get("/audit/export/items.csv?channel=fax").status_code == 400


def test_the_stats_api_shares_the_filter(client, channels):
    body = client.get("/api/v1/stats?unit=24&channel=phone&" + QUERY).get_json()
    assert body["totals"]["received"] == 3
    assert client.get("/api/v1/stats?unit=24&" + QUERY).get_json()["totals"]["received"] == 10
    refused = client.get("/api/v1/stats?unit=24&channel=fax")
    assert refused.status_code == 400 and "channel" in refused.get_json()["errors"]
