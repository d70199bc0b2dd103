"""On the demo data, the inspectors' "open now" and "overdue now" of every commune and ward equal the counts the
officials' own queue states ("N ý kiến …" on /manage/queue?status=open and ?overdue=1), whatever the period,
and every commune and ward of the province is listed, silent or not."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.models import AdministrativeUnit
from app.clock import local_today
from app.extensions import db
from app.feedback.models import Feedback
from app.notices import demo

QUEUE_COUNT = re.compile(r"(\d+) ý kiến; ý kiến đang mở xếp trước")
NOTHING = "Không có ý kiến nào phù hợp."


@pytest.fixture
def demo_province(runner, client):
    """A small demo (a few notices, 400 queue items over 18 months), seen by the demo administrator."""
    result = runner.invoke(args=["seed-demo", "--notices", "12", "--feedback", "400"])
    assert result.exit_code == 0, result.output
    response = client.post("/login", data={"username": "quantri", "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    return AdministrativeUnit.by_code(demo.DEMO_PROVINCE)


def queue_count(client, query):
    """The number of items the officials' queue says match `query`."""
    html = client.get(f"/manage/queue?{query}").get_data(as_text=True)
    match = QUEUE_COUNT.search(html)
    if match is None:
        assert NOTHING in html, html[:2000]
        return 0
    return int(match.group(1))


def communes(province):
    return sorted(
        db.session.scalars(
            select(AdministrativeUnit.code).where(
                province.subtree_clause(), AdministrativeUnit.kind.in_(("commune", "ward", "special_zone"))
            )
        )
    )


def test_every_commune_is_listed_and_its_figures_equal_its_queue(client, demo_province):
    codes = communes(demo_province)
    assert len(codes) == 99
    payload = client.get(f"/api/v1/stats?unit={demo_province.code}").get_json()
    listed = {entry["code"]: entry for entry in payload["by_unit"]}
    assert set(codes) <= set(listed)  # silent communes too, with zeros
    queue = {
        code: (queue_count(client, f"unit={code}&status=open"), queue_count(client, f"unit={code}&overdue=1"))
        for code in codes
    }
    assert sum(open_now for open_now, _overdue in queue.values()) > 0
    assert {code: (listed[code]["open_now"], listed[code]["overdue_now"]) for code in codes} == queue
    totals = payload["totals"]
    assert (totals["open_now"], totals["overdue_now"]) == (
        queue_count(client, f"unit={demo_province.code}&status=open"),
        queue_count(client, f"unit={demo_province.code}&overdue=1"),
    )


@pytest.mark.parametrize("days", [None, 30, 7])
def test_each_busy_communes_own_stats_equal_its_queue_for_any_period(client, demo_province, days):
    today = local_today()
    period = "" if days is None else f"&from={today - timedelta(days=days - 1)}&to={today}"
    received = func.count(Feedback.id)
    busiest = db.session.scalars(
        select(AdministrativeUnit.code)
        .join(Feedback, Feedback.unit_id == AdministrativeUnit.id)
        .group_by(AdministrativeUnit.code)
        .order_by(received.desc(), AdministrativeUnit.code)
        .limit(5)
    ).all()
    for code in busiest:
        totals = client.get(f"/api/v1/stats?unit={code}{period}").get_json()["totals"]
        expected = (queue_count(client, f"unit={code}&status=open"), queue_count(client, f"unit={code}&overdue=1"))
        assert (totals["open_now"], totals["overdue_now"]) == expected, code
