"""The figures of the hand-computed data set (tests/inspection/conftest.py), worked out on paper.

Working days per item (receipt → first response / → answer), with 7 April and 30 April–2 May off and
Saturday 26 April worked:
  A1 1 Apr → 3 Apr: 2 / → 23 Apr: 15      A2 2 Apr → 9 Apr: 4 / → 25 Apr: 16
  A3 10 Apr → 15 Apr: 3 / → 6 May: 16     A4 5 May → 6 May: 1      A5 20 May → 21 May: 1
  A6 14 Apr → 16 Apr: 2 / 2               B1 3 Apr → 8 Apr: 2 / → 22 Apr: 12
  B2 12 May → 13 May: 1                   B4 21 Apr → 22 Apr: 1
Hours: first response 49, 168, 115, 24, 24, 54, 121, 24, 24; answer 542, 544, 620, 54, 463.
"""

from datetime import date

import pytest

from app.inspection.queue_figures import percentile
from app.inspection.report import build_report
from app.inspection.scope import AuditScope
from tests.inspection.conftest import TODAY


@pytest.fixture
def report(world):
    return build_report(world.scope, officials=True, today=TODAY)


def test_totals_match_the_hand_computed_figures(report):
    total = report.total
    assert total.received == 10
    assert (total.acknowledge_due, total.acknowledged_on_time, total.acknowledged_on_time_rate) == (7, 5, 71.4)
    assert (total.answer_due, total.answered_on_time, total.answered_on_time_rate) == (6, 4, 66.7)
    assert total.answered == 5
    # Today's figures count every open item, whenever received: A4, A5, A6, B3 and C0 (March), C2 (June).
    assert total.open_now == 6
    # Overdue on 10 June: A4 15 days, A6 36, B3 8 and C0, received in March, 61 (since 10 April).
    assert (total.overdue_now, total.overdue_age_max, total.overdue_age_total) == (4, 61, 120)
    assert total.overdue_age_average == 30.0
    assert (total.settled, total.reopened, total.reopened_rate) == (7, 1, 14.3)
    assert (total.rating_average, total.rating_count) == (4.5, 2)
    assert (total.forwarded_in, total.forwarded_out) == (1, 2)


def test_percentiles_in_working_days_and_hours(report):
    total = report.total
    assert (total.median("first_response_days"), total.p90("first_response_days")) == (2, 4)
    assert (total.median("answer_days"), total.p90("answer_days")) == (15, 16)
    assert (total.median("first_response_hours"), total.p90("first_response_hours")) == (49, 168)
    assert (total.median("answer_hours"), total.p90("answer_hours")) == (542, 620)


def test_answer_at_the_last_second_of_the_deadline_day_is_on_time_and_a_minute_later_is_late(world):
    for name in ("A1", "A2"):
        scope = AuditScope(world.a, date(2025, 4, 1), date(2025, 4, 2))
        report = build_report(scope, today=TODAY)
        assert report.total.answer_due == 2
        assert report.total.answered_on_time == 1, name  # A1 at 23:59:59 on the day; A2 at 00:00 the day after


def test_paused_clock_counts_against_the_moved_due_date_and_is_never_overdue_while_waiting(world):
    a3 = build_report(AuditScope(world.a, date(2025, 4, 10), date(2025, 4, 10)), today=TODAY).total
    assert (a3.answer_due, a3.answered_on_time) == (1, 1)
    a5 = build_report(AuditScope(world.a, date(2025, 5, 20), date(2025, 5, 20)), today=TODAY).by_month[0]
    assert (a5.received, a5.open_now, a5.overdue_now, a5.answer_due) == (1, 1, 0, 0)  # the month's items: A5 alone


def test_forwarded_item_counts_in_for_the_receiver_and_out_for_the_sender(report, world):
    a, b = report.by_unit[world.a.id], report.by_unit[world.b.id]
    assert (a.received, a.forwarded_in, a.forwarded_out) == (6, 0, 1)
    assert (b.received, b.forwarded_in, b.forwarded_out) == (4, 1, 1)  # B1 in; B4 sent to an outside agency
    assert b.answered_on_time == 1  # B1, answered by the receiver


def test_reopened_item_is_open_overdue_and_counted_as_reopened(report, world):
    a = report.by_unit[world.a.id]
    assert (a.reopened, a.settled) == (1, 4)
    # A4, A5, A6 open, and C0 and C2, received before and after the period; A4, A6 and C0 overdue.
    assert (a.open_now, a.overdue_now) == (5, 3)


def test_per_unit_figures(report, world):
    a, b = report.by_unit[world.a.id], report.by_unit[world.b.id]
    assert (a.acknowledge_due, a.acknowledged_on_time) == (3, 2)
    assert (b.acknowledge_due, b.acknowledged_on_time) == (4, 3)
    assert (a.answer_due, a.answered_on_time, a.answered_on_time_rate) == (5, 3, 60.0)
    assert (b.answer_due, b.answered_on_time) == (1, 1)
    assert a.median("answer_days") == 15 and b.median("answer_days") == 12  # A: 2, 15, 16, 16 (rank 2 of 4)
    assert set(report.by_unit) == {world.a.id, world.b.id}


def test_per_kind_figures(report):
    assert {kind: figures.received for kind, figures in report.by_kind.items()} == {
        "petition": 5,
        "question": 2,
        "information_request": 1,
        "complaint": 1,
        "denunciation": 1,
    }
    petition = report.by_kind["petition"]
    assert (petition.answer_due, petition.answered_on_time, petition.answered_on_time_rate) == (4, 2, 50.0)
    assert report.by_kind["question"].median("answer_hours") == 54


def test_per_official_figures(report, world):
    officials = report.by_official
    assert officials[world.oa.id].received == 5
    assert (officials[world.oa.id].answer_due, officials[world.oa.id].answered_on_time) == (5, 3)
    assert officials[world.ob.id].received == 4
    assert officials[None].received == 1  # A5, nobody assigned
    assert report.officials[world.oa.id].username == "canbo.a"


def test_months_and_backlog(report):
    april, may = report.by_month
    assert (april.received, april.answer_due, april.answered_on_time) == (6, 5, 4)
    assert (may.received, may.answer_due, may.answered_on_time) == (4, 1, 0)
    # End of April: C0 (carried over from March), A3, A6. End of May: C0, A4, A5, A6, B3.
    assert report.backlog == [3, 5]


def test_disclosure_figures(report, world):
    disclosure = report.disclosure
    assert (disclosure.posted, disclosure.with_issue_date) == (4, 3)
    assert dict(disclosure.delay_days) == {2: 2, 4: 1}  # N2 issued Thursday 3 April, posted 10 April over Giỗ Tổ
    assert (disclosure.posted_within_limit, disclosure.posted_within_limit_rate) == (2, 66.7)
    assert disclosure.delay_median == 2
    assert (disclosure.posting_long_enough, disclosure.posting_long_enough_rate) == (3, 75.0)
    assert (disclosure.corrections, disclosure.withdrawals) == (2, 1)
    assert report.disclosure_by_unit[world.a.id].corrections == 2
    assert report.disclosure_by_unit[world.b.id].withdrawals == 1


@pytest.mark.parametrize(
    ("minimum", "ranked", "unranked"),
    [(10, [], ["07615", "07627"]), (5, [(1, "07627")], ["07615"]), (4, [(1, "07615"), (2, "07627")], [])],
)
def test_ranking_only_over_units_with_enough_items(app, world, minimum, ranked, unranked):
    app.config["AUDIT_RANKING_MIN_ITEMS"] = minimum
    report = build_report(world.scope, today=TODAY)
    assert report.ranking_min_items == minimum
    assert [(entry.rank, entry.unit.code) for entry in report.ranking] == ranked
    assert sorted(entry.unit.code for entry in report.unranked) == unranked


def test_kind_filter_and_commune_scope(world):
    petitions = build_report(AuditScope(world.province, date(2025, 4, 1), date(2025, 5, 31), "petition"), today=TODAY)
    assert petitions.total.received == 5
    commune = build_report(AuditScope(world.a, date(2025, 4, 1), date(2025, 5, 31)), today=TODAY)
    assert commune.total.received == 6 and commune.total.forwarded_out == 1
    assert commune.disclosure.posted == 2


def test_nearest_rank_percentile():
    assert percentile({}, 50) is None
    assert percentile({1: 1}, 90) == 1
    assert percentile({1: 4, 2: 3, 3: 1, 4: 1}, 50) == 2
    assert percentile({value: 1 for value in range(1, 11)}, 90) == 9
    assert percentile({value: 1 for value in range(1, 11)}, 50) == 5
