"""Deadline rules and holiday overrides: the administrators' services and their page /manage/deadlines.

A change of a holiday override recomputes the stored due dates of the open items it affects, in the
same transaction, and says how many changed. A change of a rule applies to the steps taken from now on.
"""

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts.sessions import current_actor
from app.extensions import db
from app.feedback import blueprint
from app.feedback.calendar import load_rules
from app.feedback.deadlines import ACKNOWLEDGE, CALENDAR_DAYS, DEFAULT_RULES, WORKING_DAYS
from app.feedback.due_dates import RULE_CHANGE_ACTION, recompute_due_dates_for_override
from app.feedback.kinds import kind_label
from app.feedback.manage_forms import ConfirmForm, OverrideForm, RuleForm
from app.feedback.models import DeadlineRule, HolidayOverride
from app.feedback.permissions import can_manage_deadline_rules
from app.ledger.chain import record

MAX_RULE_DAYS = 365
MAX_REASON_LENGTH = 200


class DeadlineAdminError(ValueError):
    """A rule or override that cannot be stored; the message says why, in Vietnamese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# --- services -------------------------------------------------------------------------------


def set_rule(kind, step, amount, unit, actor=None):
    """Store the period of one (kind, step); return the row."""
    if (kind, step) not in DEFAULT_RULES:
        raise DeadlineAdminError(_("Loại ý kiến này không có bước đó; chỉ sửa được các quy định có sẵn."))
    if unit not in (WORKING_DAYS, CALENDAR_DAYS):
        raise DeadlineAdminError(_("Cách tính phải là ngày làm việc hoặc ngày (kể cả ngày nghỉ)."))
    if not 1 <= int(amount) <= MAX_RULE_DAYS:
        raise DeadlineAdminError(_("Số ngày phải từ 1 đến %(max)s.", max=MAX_RULE_DAYS))
    row = db.session.scalar(select(DeadlineRule).where(DeadlineRule.kind == kind, DeadlineRule.step == step))
    current = load_rules()[(kind, step)]
    if row is None:
        row = DeadlineRule(kind=kind, step=step, amount=current.amount, unit=current.unit)
        db.session.add(row)
    before = [row.amount, row.unit]
    row.amount, row.unit = int(amount), unit
    db.session.flush()
    record(
        RULE_CHANGE_ACTION,
        row,
        f"{kind}/{step}: {before[0]} {before[1]} → {row.amount} {row.unit}",
        {"kind": kind, "step": step, "before": before, "after": [row.amount, row.unit]},
        actor,
    )
    return row


def _check_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise DeadlineAdminError(_("Vui lòng nêu lý do, căn cứ của ngày nghỉ hoặc ngày làm bù."))
    if len(reason) > MAX_REASON_LENGTH:
        raise DeadlineAdminError(_("Lý do tối đa %(max)s ký tự.", max=MAX_REASON_LENGTH))
    return reason


def set_override(day, is_working_day, reason, actor=None):
    """Declare `day` working or not; recompute the affected due dates. Return (row, items changed)."""
    reason = _check_reason(reason)
    row = db.session.scalar(select(HolidayOverride).where(HolidayOverride.day == day))
    before = None if row is None else [row.is_working_day, row.reason]
    if row is None:
        row = HolidayOverride(day=day, is_working_day=bool(is_working_day), reason=reason)
        db.session.add(row)
    else:
        row.is_working_day, row.reason = bool(is_working_day), reason
    db.session.flush()
    record(
        "holiday_override.set",
        row,
        f"{day.isoformat()}: {'làm việc' if is_working_day else 'nghỉ'}",
        {"day": day.isoformat(), "before": before, "after": [bool(is_working_day), reason]},
        actor,
    )
    return row, recompute_due_dates_for_override(day, actor)


def remove_override(day, actor=None):
    """Remove the override of `day` and recompute the affected due dates; None if there was none."""
    row = db.session.scalar(select(HolidayOverride).where(HolidayOverride.day == day))
    if row is None:
        return None
    record(
        "holiday_override.removed",
        row,
        day.isoformat(),
        {"day": day.isoformat(), "before": [row.is_working_day, row.reason]},
        actor,
    )
    db.session.delete(row)
    db.session.flush()
    return recompute_due_dates_for_override(day, actor)


def list_overrides():
    return db.session.scalars(select(HolidayOverride).order_by(HolidayOverride.day.desc())).all()


# --- the page ---------------------------------------------------------------------------------


def _require_admin():
    if not can_manage_deadline_rules(current_user):
        abort(403)


def _rule_forms(bound=None):
    rules = load_rules()
    forms = []
    for kind, step in DEFAULT_RULES:
        prefix = f"{kind}-{step}"
        if bound is not None and bound[0] == (kind, step):
            form = bound[1]
        else:
            rule = rules[(kind, step)]
            form = RuleForm(formdata=None, prefix=prefix, amount=rule.amount, unit=rule.unit)
        forms.append({"kind": kind, "step": step, "label": kind_label(kind), "form": form})
    return forms


def _render(bound_rule=None, override_form=None, status=200):
    return (
        render_template(
            "feedback/manage/deadlines_admin.html",
            rule_forms=_rule_forms(bound_rule),
            overrides=list_overrides(),
            override_form=override_form or OverrideForm(formdata=None, prefix="override"),
            acknowledge=ACKNOWLEDGE,
        ),
        status,
    )


def _changed_message(changed):
    return _("Đã tính lại hạn của %(count)s ý kiến đang mở.", count=changed)


@blueprint.get("/manage/deadlines")
@login_required
def manage_deadlines():
    """The deadline rules and the holiday overrides, with forms to change them."""
    _require_admin()
    return _render()


@blueprint.post("/manage/deadlines/rules/<kind>/<step>")
@login_required
def manage_set_rule(kind, step):
    """Change the period of one step of one kind."""
    _require_admin()
    if (kind, step) not in DEFAULT_RULES:
        abort(404)
    form = RuleForm(prefix=f"{kind}-{step}")
    if not form.validate_on_submit():
        flash(_("Chưa lưu: vui lòng sửa ô được đánh dấu."), "error")
        return _render(bound_rule=((kind, step), form))
    try:
        set_rule(kind, step, form.amount.data, form.unit.data, current_actor())
    except DeadlineAdminError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("feedback.manage_deadlines"))
    db.session.commit()
    flash(_("Đã lưu quy định; áp dụng cho các bước xử lý từ nay."), "success")
    return redirect(url_for("feedback.manage_deadlines"))


@blueprint.post("/manage/deadlines/overrides")
@login_required
def manage_set_override():
    """Declare a day working or non-working (the government's yearly announcements)."""
    _require_admin()
    form = OverrideForm(prefix="override")
    if not form.validate_on_submit():
        flash(_("Chưa lưu: vui lòng sửa ô được đánh dấu."), "error")
        return _render(override_form=form)
    try:
        changed = set_override(form.day.data, form.is_working_day.data == "1", form.reason.data, current_actor())[1]
    except DeadlineAdminError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("feedback.manage_deadlines"))
    db.session.commit()
    flash(
        _("Đã lưu ngày %(day)s.", day=form.day.data.strftime("%d/%m/%Y")) + " " + _changed_message(changed), "success"
    )
    return redirect(url_for("feedback.manage_deadlines"))


@blueprint.post("/manage/deadlines/overrides/<day>/delete")
@login_required
def manage_remove_override(day):
    """Remove an override: the day follows the official calendar again."""
    _require_admin()
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    changed = remove_override(parsed, current_actor())
    if changed is None:
        abort(404)
    db.session.commit()
    flash(
        _("Đã bỏ ngày %(day)s khỏi danh sách điều chỉnh.", day=parsed.strftime("%d/%m/%Y"))
        + " "
        + _changed_message(changed),
        "success",
    )
    return redirect(url_for("feedback.manage_deadlines"))
