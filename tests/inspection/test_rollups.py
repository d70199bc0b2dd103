"""The precomputed queue figures (app/inspection/rollup_*.py) equal the figures read from the items, and stay so.

Each test computes a report twice, from the rollups and from the items (`use_rollups=False`, the same
SQL the rollups are built with, over the items directly), and compares every figure.
"""

import json
from collections import Counter
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.clock import local_today
from app.extensions import db
from app.feedback import actions
from app.feedback.models import Feedback, HolidayOverride
from app.inspection.models import QueueRollup, QueueRollupTotal, RollupChange, RollupMonth
from app.inspection.queue_figures import HISTOGRAMS, QueueFigures
from app.inspection.report import compute_figures
from app.inspection.rollup_reading import plan
from app.inspection.scope import AuditScope, default_period, month_end
from app.notices import services as notice_services
from tests.factories import make_notice
from tests.inspection.conftest import PERIOD, TODAY


def figures_of(figures):
    return {**figures.as_dict(), **{name: dict(getattr(figures, name)) for name in HISTOGRAMS}}


def counted(groups):
    """The groups with any figure (today's too: a unit may have open items and none received in the period)."""
    return {key: figures_of(value) for key, value in groups.items() if value != QueueFigures()}


def snapshot(report):
    """Every figure of a report, as plain data."""
    return {
        "total": figures_of(report.total),
        "by_unit": counted(report.by_unit),
        "by_kind": counted(report.by_kind),
        "by_month": [figures_of(value) for value in report.by_month],
        "by_official": None if report.by_official is None else counted(report.by_official),
        "backlog": report.backlog,
        "disclosure": disclosure_of(report.disclosure),
        "disclosure_by_unit": {key: disclosure_of(value) for key, value in report.disclosure_by_unit.items()},
    }


def disclosure_of(figures):
    return {**figures.as_dict(), "delay_days": dict(figures.delay_days)}


def both_ways(scope, today=TODAY, officials=True, hours_by_unit=True):
    """(from the rollups, from the items) for one scope."""
    rolled = snapshot(compute_figures(scope, officials, hours_by_unit, today))
    read = snapshot(compute_figures(scope, officials, hours_by_unit, today, use_rollups=False))
    return rolled, read


# Per official and per unit in hours (commune pages), and neither (province pages: the hours of the
# total and the kinds then come from the subtree totals, QueueRollupTotal).
DETAILS = ({"officials": True, "hours_by_unit": True}, {"officials": False, "hours_by_unit": False})


def assert_same(scope, today=TODAY):
    """Assert a scope's figures are the same from the rollups as from the items; return them."""
    found = []
    for details in DETAILS:
        rolled, read = both_ways(scope, today, **details)
        assert rolled == read, details
        found.append(rolled)
    assert found[0]["total"] == found[1]["total"]
    return found[0]


def pending_changes(world):
    """Changes not yet rolled up, of the two communes' months in the period."""
    return db.session.scalar(
        select(func.count()).where(
            RollupChange.source == "queue",
            RollupChange.unit_id.in_([world.a.id, world.b.id]),
            RollupChange.month.in_([date(2025, 4, 1), date(2025, 5, 1)]),
        )
    )


def scopes(world):
    start, end = PERIOD
    return {
        "province": AuditScope(world.province, start, end),
        "commune": AuditScope(world.a, start, end),
        "kind": AuditScope(world.province, start, end, kind="petition"),
        "official": AuditScope(world.a, start, end, official_id=world.oa.id),
        "starts mid-month": AuditScope(world.province, date(2025, 4, 10), end),
        "one month": AuditScope(world.province, date(2025, 5, 1), end),
        "starts and ends in May": AuditScope(world.province, date(2025, 5, 6), date(2025, 5, 31)),
    }


@pytest.mark.parametrize(
    "name", ["province", "commune", "kind", "official", "starts mid-month", "one month", "starts and ends in May"]
)
def test_rollups_equal_the_figures_read_from_the_items(world, name):
    scope = scopes(world)[name]
    figures = assert_same(scope)
    assert figures["total"]["received"] > 0
    assert plan(scope, TODAY) is not None  # the rollups were used, not the items


def test_the_hand_computed_totals_come_from_the_rollups(world):
    report = compute_figures(scopes(world)["province"], False, False, TODAY)
    assert db.session.scalar(select(func.count()).select_from(QueueRollup)) > 0
    total = report.total
    assert (total.received, total.answered, total.open_now, total.overdue_now) == (10, 5, 6, 4)
    assert total.overdue_age_max == 61  # C0, counted from its missed deadline, not stored as an age


def test_subtree_hour_totals_add_up_the_communes(world):
    compute_figures(scopes(world)["province"], False, False, TODAY)
    totals = {
        (row.unit_id, row.month, row.kind): json.loads(row.answer_hours)
        for row in db.session.scalars(select(QueueRollupTotal))
    }

    def added_up(unit_ids):
        counter = Counter()
        for (unit_id, _, _), pairs in totals.items():
            if unit_id in unit_ids:
                for value, count in pairs:
                    counter[value] += count
        return counter

    province = added_up({world.a.id, world.b.id})
    from_province = added_up({world.province.id})
    assert from_province == province
    months = sorted(month for unit_id, month, _ in totals if unit_id == world.province.id)
    everything = AuditScope(world.province, months[0], month_end(months[-1]))
    read = compute_figures(everything, False, False, TODAY, use_rollups=False)
    assert from_province == read.total.answer_hours
    assert sum(from_province.values()) >= 5


def test_a_period_ending_mid_month_in_the_past_reads_the_items(world):
    scope = AuditScope(world.province, date(2025, 4, 1), date(2025, 5, 20))
    assert plan(scope, TODAY) is None
    assert_same(scope)


def test_an_answer_reaches_the_figures_at_once(world):
    scope = scopes(world)["province"]
    before = assert_same(scope)
    with force_locale("vi"):  # the deadline engine names days off through gettext
        actions.reply(world.items["A4"], world.oa, "<p>Xã đã sửa xong đoạn đường bị sạt lở.</p>")
    db.session.commit()
    assert pending_changes(world) == 1  # A4's unit and month, written with the answer
    after = assert_same(scope)
    assert after["total"]["answered"] == before["total"]["answered"] + 1
    assert after["total"]["overdue_now"] == before["total"]["overdue_now"] - 1
    assert pending_changes(world) == 0


def test_a_forwarded_item_leaves_one_commune_for_the_other(world):
    scope = scopes(world)["province"]
    before = assert_same(scope)
    with force_locale("vi"):
        actions.forward(world.items["A4"], world.oa, world.b, "Đoạn đường thuộc địa bàn xã B quản lý.")
    db.session.commit()
    after = assert_same(scope)
    a, b = world.a.id, world.b.id
    assert after["by_unit"][a]["received"] == before["by_unit"][a]["received"] - 1
    assert after["by_unit"][b]["received"] == before["by_unit"][b]["received"] + 1
    assert after["by_unit"][b]["forwarded_in"] == before["by_unit"][b]["forwarded_in"] + 1


def test_a_deleted_item_leaves_the_figures(world):
    scope = scopes(world)["province"]
    before = assert_same(scope)
    db.session.delete(world.items["B2"])
    db.session.commit()
    after = assert_same(scope)
    assert after["total"]["received"] == before["total"]["received"] - 1


def test_figures_follow_the_day_when_a_deadline_passes(world):
    scope = scopes(world)["province"]
    on_time = assert_same(scope, today=date(2025, 6, 10))
    # B3's answer is due 18 June: on the 19th it is overdue for its answer as well; the rollups notice.
    later = assert_same(scope, today=date(2025, 6, 19))
    assert later["total"]["answer_due"] == on_time["total"]["answer_due"] + 1
    month = db.session.scalars(
        select(RollupMonth).where(RollupMonth.source == "queue", RollupMonth.unit_id == world.b.id)
    ).all()
    assert {row.as_of for row in month} >= {date(2025, 6, 19)}


def test_overdue_ages_grow_without_recomputing(world):
    scope = scopes(world)["province"]
    first = assert_same(scope, today=date(2025, 6, 10))
    computed = {
        (row.unit_id, row.month): row.as_of
        for row in db.session.scalars(select(RollupMonth).where(RollupMonth.source == "queue"))
    }
    later = assert_same(scope, today=date(2025, 6, 13))
    assert later["total"]["overdue_age_days_max"] == first["total"]["overdue_age_days_max"] + 3
    # Unit A's months have no deadline pending after 10 June: their rollups were reused, not recomputed.
    reused = {
        (row.unit_id, row.month): row.as_of
        for row in db.session.scalars(select(RollupMonth).where(RollupMonth.source == "queue"))
    }
    a_months = [key for key in computed if key[0] == world.a.id]
    assert a_months and all(reused[key] == computed[key] for key in a_months)


def test_a_new_holiday_recomputes_the_working_days(world):
    scope = scopes(world)["province"]
    before = assert_same(scope)
    # Monday 14 April 2025 declared a day off: answers across it took a working day less.
    db.session.add(HolidayOverride(day=date(2025, 4, 14), is_working_day=False, reason="Nghỉ bù (thử nghiệm)"))
    db.session.commit()
    after = assert_same(scope)
    assert after["total"]["answer_days"] != before["total"]["answer_days"]


def test_notice_changes_reach_the_disclosure_figures(world):
    scope = scopes(world)["province"]
    before = assert_same(scope)
    n1 = world.notices["N1"]
    notice_services.correct_notice(n1, {"title": "Thông báo giải phóng mặt bằng (đính chính)"}, "Sửa tiêu đề", world.oa)
    notice_services.withdraw_notice(world.notices["N4"], "Văn bản bị thay thế", world.ob)
    notice_services.publish_notice(world.notices["N5"], world.oa)  # a draft posted from 20 April
    db.session.commit()
    after = assert_same(scope)["disclosure"]
    before = before["disclosure"]
    assert after["corrections"] == before["corrections"] + 1
    assert after["withdrawals"] == before["withdrawals"] + 1
    assert after["notices_posted"] == before["notices_posted"] + 1


def test_a_notice_posted_ahead_counts_only_once_its_posting_starts_in_the_period(world):
    today = local_today()
    ahead = make_notice(
        world.a,
        world.oa,
        issued_on=today,
        posting_start=today + timedelta(days=3),
        posting_end=today + timedelta(days=40),
    )
    start = today.replace(day=1)
    this_month = AuditScope(world.province, start, today)
    disclosure = assert_same(this_month, today=today)["disclosure"]
    assert disclosure["notices_posted"] == 0
    whole_month = AuditScope(world.province, start, month_end(start + timedelta(days=40)))
    assert assert_same(whole_month, today=today)["disclosure"]["notices_posted"] == 1
    assert ahead.status == "published"


def test_the_demo_queue_is_rolled_up_by_seed_demo(app, runner):
    result = runner.invoke(args=["seed-demo", "--notices", "40", "--feedback", "600"])
    assert result.exit_code == 0, result.output
    assert "Audit figures:" in result.output
    assert db.session.scalar(select(func.count()).select_from(RollupMonth)) > 0
    from app.accounts.models import AdministrativeUnit

    province = AdministrativeUnit.by_code("24")
    today = local_today()
    start, end = default_period(today)
    for scope in (
        AuditScope(province, start, end),
        AuditScope(province, today - timedelta(days=200), today),
        AuditScope(province, start, end, kind="complaint"),
    ):
        rolled, read = both_ways(scope, today)
        assert rolled == read
        assert rolled["total"]["received"] > 0


def test_flask_audit_refresh(world, runner):
    result = runner.invoke(args=["audit", "refresh"])
    assert result.exit_code == 0, result.output
    assert "unit-months recomputed" in result.output
    assert db.session.scalar(select(func.count()).select_from(RollupMonth)) > 0
    again = runner.invoke(args=["audit", "refresh"])
    assert "Queue figures: 0 unit-months" in again.output
    rebuilt = runner.invoke(args=["audit", "refresh", "--rebuild"])
    assert "Queue figures: 0 unit-months" not in rebuilt.output
    assert db.session.scalar(select(func.count()).select_from(Feedback)) == len(world.items)
