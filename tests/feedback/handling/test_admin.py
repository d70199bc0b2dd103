"""Deadline rules and holiday overrides: the admin page, the CLI, and stored due dates that follow them."""

from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.feedback import actions, due_dates
from app.feedback.admin import remove_override, set_override
from app.feedback.deadlines import CALENDAR_DAYS, Rule
from app.feedback.models import DeadlineRule, Feedback, HolidayOverride
from app.ledger.models import AuditEntry
from tests.feedback.handling.conftest import make_item


def _reload(item):
    db.session.expire_all()
    return db.session.get(Feedback, item.id)


def _recomputed(item):
    return db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "feedback.due_dates_recomputed", AuditEntry.object_id == str(item.id))
        .order_by(AuditEntry.id)
    ).all()


def test_an_override_changes_stored_due_dates_of_open_items_only(units, official):
    open_item = make_item(units[1], kind="question", received_on=date(2026, 2, 13))
    answered = make_item(units[1], kind="question", received_on=date(2026, 2, 13))
    actions.reply(answered, official, "<p>Đã trả lời.</p>")
    later = make_item(units[1], kind="question", received_on=date(2026, 3, 9))
    db.session.commit()
    assert open_item.resolve_due == answered.resolve_due == date(2026, 3, 6)
    later_due = later.resolve_due

    _, changed = set_override(date(2026, 3, 6), False, "Nghỉ bù theo thông báo của Chính phủ")
    db.session.commit()

    assert changed == 1
    assert _reload(open_item).resolve_due == date(2026, 3, 9)
    assert _reload(answered).resolve_due == date(2026, 3, 6)
    assert _reload(later).resolve_due == later_due  # received after the day: not spanned
    entry = _recomputed(open_item)[0]
    assert entry.data == {"day": "2026-03-06", "before": [None, "2026-03-06"], "after": [None, "2026-03-09"]}

    assert remove_override(date(2026, 3, 6)) == 1
    db.session.commit()
    assert _reload(open_item).resolve_due == date(2026, 3, 6)
    assert len(_recomputed(open_item)) == 2


def test_an_override_keeps_pauses_and_extensions(units, official):
    item = make_item(units[1], kind="denunciation", received_on=date(2026, 9, 1))
    actions.acknowledge(item, official)
    actions.extend(item, official, "Cần xác minh thêm.")
    db.session.commit()
    before = item.resolve_due
    # A new non-working day inside the period cannot move a calendar-day rule unless it is the last day.
    _, changed = set_override(before, False, "Nghỉ đột xuất")
    db.session.commit()

    assert changed == 1
    assert _reload(item).resolve_due > before
    clock = due_dates.replay_clock(item)
    assert clock.resolve.changes == [("add", Rule(30, CALENDAR_DAYS))]


def test_admin_page_edits_rules_and_overrides(client, login, units, admin):
    item = make_item(units[1], kind="question", received_on=date(2026, 2, 13))
    login(admin)
    page = client.get("/manage/deadlines").get_data(as_text=True)
    assert 'name="question-resolve-amount"' in page and 'value="10"' in page

    response = client.post(
        "/manage/deadlines/rules/question/resolve",
        data={"question-resolve-amount": "12", "question-resolve-unit": "working_days"},
    )
    assert response.status_code == 302
    rule = db.session.scalar(select(DeadlineRule).where(DeadlineRule.kind == "question"))
    assert (rule.amount, rule.unit) == (12, "working_days")

    response = client.post(
        "/manage/deadlines/overrides",
        data={"override-day": "2026-03-06", "override-is_working_day": "0", "override-reason": "Nghỉ bù"},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã tính lại hạn của 1 ý kiến đang mở." in page and "Nghỉ bù" in page
    assert _reload(item).resolve_due == date(2026, 3, 9)  # the stored date keeps its 10 days: rules are not retroactive

    response = client.post("/manage/deadlines/overrides/2026-03-06/delete")
    assert response.status_code == 302
    assert db.session.scalar(select(HolidayOverride)) is None
    assert client.post("/manage/deadlines/overrides/2026-03-06/delete").status_code == 404
    assert client.post("/manage/deadlines/overrides/not-a-date/delete").status_code == 404


def test_admin_forms_refuse_bad_input_and_save_nothing(client, login, admin):
    login(admin)

    bad_rule = client.post(
        "/manage/deadlines/rules/question/resolve",
        data={"question-resolve-amount": "0", "question-resolve-unit": "fortnights"},
    ).get_data(as_text=True)
    bad_override = client.post(
        "/manage/deadlines/overrides",
        data={"override-day": "31/02/2026", "override-is_working_day": "0", "override-reason": ""},
    ).get_data(as_text=True)

    assert "Số ngày phải từ 1 đến 365" in bad_rule and "Hãy chọn cách tính" in bad_rule
    assert "Ngày phải có dạng dd/mm/yyyy, ví dụ 05/03/2026." in bad_override and "Vui lòng nêu lý do" in bad_override
    assert db.session.scalar(select(DeadlineRule)) is None and db.session.scalar(select(HolidayOverride)) is None
    assert client.post("/manage/deadlines/rules/question/acknowledge", data={}).status_code == 404


def test_cli_seeds_lists_and_sets_rules(runner, app):
    result = runner.invoke(args=["deadlines", "seed"])
    assert result.exit_code == 0 and "Added 8 default rule(s)" in result.output
    assert "Added 0" in runner.invoke(args=["deadlines", "seed"]).output

    result = runner.invoke(args=["deadlines", "set-rule", "petition", "resolve", "20", "working_days"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["deadlines", "rules"]).output
    assert "petition" in listing and "20 working_days" in listing

    refused = runner.invoke(args=["deadlines", "set-rule", "question", "acknowledge", "3", "working_days"])
    assert refused.exit_code != 0 and "không có bước đó" in refused.output


def test_cli_overrides_recompute_and_report(runner, units):
    item = make_item(units[1], kind="question", received_on=date(2026, 2, 13))

    result = runner.invoke(
        args=["deadlines", "override", "2026-03-06", "--non-working", "--reason", "Nghỉ bù theo thông báo"]
    )
    assert result.exit_code == 0, result.output
    assert "changed on 1 open item(s)" in result.output
    assert _reload(item).resolve_due == date(2026, 3, 9)
    assert "2026-03-06  non-working" in runner.invoke(args=["deadlines", "rules"]).output

    result = runner.invoke(args=["deadlines", "remove-override", "2026-03-06"])
    assert result.exit_code == 0 and "changed on 1 open item(s)" in result.output
    assert _reload(item).resolve_due == date(2026, 3, 6)
    assert runner.invoke(args=["deadlines", "remove-override", "2026-03-06"]).exit_code != 0
    assert runner.invoke(args=["deadlines", "override", "06/03/2026", "--working", "--reason", "x"]).exit_code != 0


def test_a_rule_change_applies_to_periods_started_after_it(units, official):
    from datetime import timedelta

    from app.clock import local_today
    from app.feedback.admin import set_rule
    from app.feedback.calendar import due_date

    item = make_item(units[1], kind="petition", received_on=local_today() - timedelta(days=2))
    stored = item.resolve_due
    set_rule("petition", "resolve", 20, "working_days")
    db.session.commit()

    actions.acknowledge(item, official)  # a replay: the running period keeps the rule it started with
    assert item.resolve_due == stored
    actions.reply(item, official, "<p>Đã trả lời.</p>")
    actions.reopen(item, official, "Chưa xử lý xong.")  # a new period: the new rule
    assert item.resolve_due == due_date("petition", "resolve", local_today()).due_date
    assert due_dates.replay_clock(item).resolve.rule.amount == 20
