"""Deadline arithmetic against real Vietnamese calendars (Civil Code Art. 147–148)."""

from datetime import date

import pytest

from app.feedback.deadlines import (
    CALENDAR_DAYS,
    WORKING_DAYS,
    Override,
    Rule,
    WorkingCalendar,
    compute_due_date,
    resume_after_pause,
    rule_for,
)


@pytest.fixture
def calendar():
    return WorkingCalendar()


def test_question_submitted_before_tet_skips_the_whole_holiday(calendar):
    deadline = compute_due_date(calendar, date(2026, 2, 13), rule_for("question", "resolve"))

    assert deadline.due_date == date(2026, 3, 6)
    skipped = [day for day, _ in deadline.skipped]
    assert skipped[:7] == [date(2026, 2, day) for day in range(14, 21)]
    assert dict(deadline.skipped)[date(2026, 2, 17)] == "Tết Nguyên Đán"


def test_petition_acknowledgement_spans_gio_to_and_30_4_to_1_5(calendar):
    deadline = compute_due_date(calendar, date(2026, 4, 24), rule_for("petition", "acknowledge"))

    assert deadline.due_date == date(2026, 5, 4)
    reasons = dict(deadline.skipped)
    assert "Giỗ Tổ Hùng Vương" in reasons[date(2026, 4, 27)]
    assert date(2026, 4, 30) in reasons and date(2026, 5, 1) in reasons


def test_information_request_over_national_day(calendar):
    deadline = compute_due_date(calendar, date(2026, 8, 28), rule_for("information_request", "resolve"))

    assert deadline.due_date == date(2026, 9, 7)
    assert {date(2026, 8, 31), date(2026, 9, 1), date(2026, 9, 2)} <= {day for day, _ in deadline.skipped}


def test_make_up_saturday_counts_as_a_working_day(calendar):
    deadline = compute_due_date(calendar, date(2026, 8, 20), rule_for("petition", "acknowledge"))

    assert deadline.due_date == date(2026, 8, 24)
    assert date(2026, 8, 22) not in {day for day, _ in deadline.skipped}


def test_event_day_is_not_counted(calendar):
    # Tuesday + 1 working day is Wednesday, not Tuesday.
    assert compute_due_date(calendar, date(2026, 10, 6), Rule(1, WORKING_DAYS)).due_date == date(2026, 10, 7)
    assert compute_due_date(calendar, date(2026, 10, 6), Rule(1, CALENDAR_DAYS)).due_date == date(2026, 10, 7)


def test_calendar_day_period_ending_on_sunday_moves_to_monday(calendar):
    deadline = compute_due_date(calendar, date(2026, 11, 5), rule_for("complaint", "acknowledge"))

    assert deadline.due_date == date(2026, 11, 16)
    assert deadline.skipped == ((date(2026, 11, 15), "Chủ nhật"),)


def test_calendar_day_period_ending_on_a_holiday_moves_past_it(calendar):
    deadline = compute_due_date(calendar, date(2026, 11, 14), rule_for("complaint", "acknowledge"))

    assert deadline.due_date == date(2026, 11, 25)


def test_extensions_and_special_circumstances_lengthen_the_period(calendar):
    start = date(2026, 10, 1)
    plain = compute_due_date(calendar, start, rule_for("denunciation", "acknowledge")).due_date
    extended = compute_due_date(calendar, start, rule_for("denunciation", "acknowledge", "extended")).due_date
    assert plain == date(2026, 10, 12)
    assert extended == date(2026, 10, 15)
    assert rule_for("complaint", "resolve", "complex_remote") == Rule(60, CALENDAR_DAYS)
    assert rule_for("question", "acknowledge") is None


def test_pause_for_citizen_clarification_grants_the_remaining_days_again(calendar):
    due = compute_due_date(calendar, date(2026, 2, 13), rule_for("question", "resolve")).due_date

    resumed = resume_after_pause(
        calendar, due, paused_on=date(2026, 2, 23), resumed_on=date(2026, 3, 2), unit=WORKING_DAYS
    )

    assert resumed == date(2026, 3, 13)


def test_holiday_override_moves_a_due_date(calendar):
    start = date(2026, 2, 13)
    before = compute_due_date(calendar, start, rule_for("question", "resolve")).due_date
    calendar.overrides[date(2026, 3, 6)] = Override(False, "Nghỉ bù theo thông báo của Chính phủ")

    after = compute_due_date(calendar, start, rule_for("question", "resolve"))

    assert before == date(2026, 3, 6)
    assert after.due_date == date(2026, 3, 9)
    assert (date(2026, 3, 6), "Nghỉ bù theo thông báo của Chính phủ") in after.skipped


def test_override_can_make_a_saturday_a_working_day(calendar):
    calendar.overrides[date(2026, 10, 10)] = Override(True, "Làm bù")

    assert compute_due_date(calendar, date(2026, 10, 9), Rule(1, WORKING_DAYS)).due_date == date(2026, 10, 10)


def test_is_working_day_answers_as_the_named_reason_does_on_every_day_of_ten_years():
    """is_working_day skips naming the day (a translation) for speed; it must agree with the reason."""
    overrides = {
        date(2025, 4, 14): Override(is_working_day=False, reason="Nghỉ bù"),  # a Monday off
        date(2025, 4, 19): Override(is_working_day=True, reason="Làm bù"),  # a Saturday worked
        date(2026, 2, 17): Override(is_working_day=True, reason="Trực Tết"),  # a holiday worked
    }
    for calendar in (WorkingCalendar(), WorkingCalendar(overrides=overrides)):
        day, checked = date(2020, 1, 1), 0
        while day.year < 2030:
            assert calendar.is_working_day(day) == (calendar.non_working_reason(day) is None), day
            day, checked = date.fromordinal(day.toordinal() + 1), checked + 1
        assert checked == 3653
    with_overrides = WorkingCalendar(overrides=overrides)
    assert not with_overrides.is_working_day(date(2025, 4, 14))
    assert with_overrides.is_working_day(date(2025, 4, 19)) and with_overrides.is_working_day(date(2026, 2, 17))
    assert not WorkingCalendar().is_working_day(date(2026, 2, 17))
