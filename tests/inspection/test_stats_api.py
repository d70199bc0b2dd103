"""GET /api/v1/stats: the figures of test_figures.py as JSON, errors per field, per-official figures only for
the unit's inspectors (and then never stored by shared caches), and no personal data of citizens."""

import json
from datetime import date

import pytest

from app.api.stats import stats_payload
from app.clock import local_today
from app.inspection.report import build_report
from app.inspection.scope import AuditScope
from tests.factories import make_user
from tests.inspection.conftest import PERIOD, QUERY, SUBMITTER_TRACES, with_submitter

STATS = "/api/v1/stats?unit=24&" + QUERY
KIND_ERROR = "Loại hồ sơ phải là một trong: question, petition, information_request, complaint, denunciation."


def stats(client, path=STATS, status=200):
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response


def test_stats_are_the_hand_computed_figures(client, world):
    payload = stats(client).get_json()
    assert payload["unit"] == {"code": "24", "name": "Tỉnh Bắc Ninh", "kind": "province"}
    assert (payload["from"], payload["to"], payload["kind"]) == ("2025-04-01", "2025-05-31", None)
    assert payload["percentiles"] == "nearest-rank"
    totals = payload["totals"]
    expected = {
        "received": 10,
        "acknowledge_due": 7,
        "acknowledged_on_time": 5,
        "acknowledged_on_time_pct": 71.4,
        "answered": 5,
        # Today: every open item, whenever received: A4, A5, A6, B3, C0 (March) and C2 (June); all but A5 are
        # overdue on the real today, C0 the longest, since 10 April 2025.
        "open_now": 6,
        "overdue_now": 5,
        "overdue_age_days_max": (local_today() - date(2025, 4, 10)).days,
        "reopened": 1,
        "reopened_pct": 14.3,
        "rating_average": 4.5,
        "rating_count": 2,
        "forwarded_in": 1,
        "forwarded_out": 2,
        "first_response_days_median": 2,
        "first_response_days_p90": 4,
        "answer_days_median": 15,
        "answer_days_p90": 16,
        "first_response_hours_median": 49,
        "first_response_hours_p90": 168,
        "answer_hours_median": 542,
        "answer_hours_p90": 620,
        # On 10 June 4 of 6; B3's answer fell due on 18 June and is missing, so now 4 of 7.
        "answer_due": 7,
        "answered_on_time": 4,
        "answered_on_time_pct": 57.1,
    }
    assert {name: totals[name] for name in expected} == expected
    assert {kind: figures["received"] for kind, figures in payload["by_kind"].items()} == {
        "petition": 5,
        "question": 2,
        "information_request": 1,
        "complaint": 1,
        "denunciation": 1,
    }
    assert [(month["month"], month["received"], month["backlog_at_month_end"]) for month in payload["by_month"]] == [
        ("2025-04", 6, 3),
        ("2025-05", 4, 5),
    ]
    units = {entry["code"]: entry for entry in payload["by_unit"]}
    assert (units["07627"]["received"], units["07627"]["forwarded_out"]) == (6, 1)
    assert (units["07615"]["received"], units["07615"]["forwarded_in"], units["07615"]["forwarded_out"]) == (4, 1, 1)
    assert units["07627"]["disclosure"]["corrections"] == 2
    assert units["07615"]["disclosure"]["withdrawals"] == 1
    assert payload["disclosure"] == {
        "notices_posted": 4,
        "notices_with_issue_date": 3,
        "posting_delay_working_days_median": 2,
        "posted_within_3_working_days": 2,
        "posted_within_3_working_days_pct": 66.7,
        "posting_period_30_days": 3,
        "posting_period_30_days_pct": 75.0,
        "corrections": 2,
        "withdrawals": 1,
    }
    assert payload["ranking"]["min_items"] == 10
    assert payload["ranking"]["ranked"] == []
    assert sorted(entry["code"] for entry in payload["ranking"]["unranked"]) == ["07615", "07627"]


def test_stats_come_from_the_same_code_as_the_pages(app, client, world):
    payload = stats(client).get_json()
    report = build_report(AuditScope(world.province, *PERIOD))
    expected = json.loads(app.json.dumps(stats_payload(report, with_officials=False)))
    for document in (payload, expected):
        document.pop("computed_at")
    assert payload == expected


def test_kind_and_commune_filters(client, world):
    petitions = stats(client, STATS + "&kind=petition").get_json()
    assert petitions["kind"] == "petition"
    assert petitions["totals"]["received"] == 5
    commune = stats(client, "/api/v1/stats?unit=07627&" + QUERY).get_json()
    assert (commune["totals"]["received"], commune["totals"]["forwarded_out"]) == (6, 1)
    assert commune["disclosure"]["notices_posted"] == 2


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("from=2025-04-01&to=2025-05-31", {"unit": "Thiếu mã đơn vị (unit), ví dụ ?unit=24."}),
        ("unit=&from=2025-04-01", {"unit": "Thiếu mã đơn vị (unit), ví dụ ?unit=24."}),
        ("unit=24&from=2025-13-01", {"from": "Ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy."}),
        ("unit=24&to=hôm-nay", {"to": "Ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy."}),
        ("unit=24&from=2025-05-31&to=2025-04-01", {"to": "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."}),
        ("unit=24&to=9999-12-31", {"to": "Ngày phải từ 01/01/2000 đến 31/12/2100."}),
        ("unit=24&to=0001-01-02", {"to": "Ngày phải từ 01/01/2000 đến 31/12/2100."}),
        ("unit=99999", {"unit": "Không có đơn vị hành chính mã 99999."}),
        ("unit=24;DROP", {"unit": "Mã đơn vị chỉ gồm chữ số (mã đơn vị hành chính), tối đa 16 ký tự."}),
        (
            "unit=24&kind=bribe",
            {"kind": KIND_ERROR},
        ),
        (
            "from=2025-13-01&kind=bribe",
            {
                "unit": "Thiếu mã đơn vị (unit), ví dụ ?unit=24.",
                "from": "Ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy.",
                "kind": KIND_ERROR,
            },
        ),
    ],
)
def test_bad_parameters_are_400_with_a_vietnamese_message_per_field(client, world, query, errors):
    payload = stats(client, f"/api/v1/stats?{query}", status=400).get_json()
    assert payload["status"] == 400
    assert payload["errors"] == errors
    assert payload["message"] in errors.values()


def test_per_official_figures_only_for_an_inspector_of_the_unit(client, world, login):
    anonymous = stats(client)
    assert "by_official" not in anonymous.get_json()
    assert "private" not in anonymous.headers.get("Cache-Control", "")
    assert "Cookie" in anonymous.headers["Vary"]

    login(world.inspector)
    response = stats(client)
    officials = {entry["username"]: entry for entry in response.get_json()["by_official"]}
    assert {name: entry["received"] for name, entry in officials.items()} == {"canbo.a": 5, "canbo.b": 4, None: 1}
    assert (officials["canbo.a"]["answer_due"], officials["canbo.a"]["answered_on_time"]) == (5, 3)
    assert officials["canbo.a"]["display_name"] == "Cán bộ canbo.a"
    assert response.cache_control.private and response.cache_control.no_store

    login(world.commune_inspector)
    assert "by_official" not in stats(client).get_json()  # the province is not theirs
    response = stats(client, "/api/v1/stats?unit=07627&" + QUERY)
    assert [entry["username"] for entry in response.get_json()["by_official"]] == [None, "canbo.a"]
    assert response.cache_control.no_store

    login(make_user("official", world.province))
    assert "by_official" not in stats(client).get_json()


def keys_of(document):
    if isinstance(document, dict):
        for key, value in document.items():
            yield key
            yield from keys_of(value)
    elif isinstance(document, list):
        for value in document:
            yield from keys_of(value)


def test_no_personal_data_in_the_payload(client, world, login):
    for name in ("A1", "A5", "B2"):
        with_submitter(world.items[name])
    anonymous = stats(client).get_data(as_text=True)
    for trace in (*SUBMITTER_TRACES, "canbo.a", "Cán bộ canbo"):  # nor the officials' names for the public
        assert trace not in anonymous
    login(world.inspector)
    response = stats(client)
    for trace in SUBMITTER_TRACES:
        assert trace not in response.get_data(as_text=True)
    assert not [key for key in keys_of(response.get_json()) if "submitter" in key or "phone" in key]
