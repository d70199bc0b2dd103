"""The public /deadlines page: anyone can check the arithmetic of a due date.

The page and GET /api/v1/deadlines both call `explain_deadline`, which uses the deadline engine fed
from the database (`app.feedback.calendar.due_date`): the very code that dates the queue.
"""

from dataclasses import dataclass
from datetime import date

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.clock import local_today
from app.feedback import blueprint
from app.feedback.calendar import RESOLVE_FROM_ACCEPTANCE, due_date, load_calendar, load_rules
from app.feedback.deadlines import ACKNOWLEDGE, RESOLVE, SPECIAL_RULES, WORKING_DAYS, rule_for
from app.feedback.kinds import FEEDBACK_KINDS
from app.feedback.manage_forms import DeadlineQueryForm

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
STEPS = (ACKNOWLEDGE, RESOLVE)
WEEKDAYS = (
    _l("Thứ Hai"),
    _l("Thứ Ba"),
    _l("Thứ Tư"),
    _l("Thứ Năm"),
    _l("Thứ Sáu"),
    _l("Thứ Bảy"),
    _l("Chủ nhật"),
)


class DeadlineQueryError(ValueError):
    """A parameter of the calculator is wrong: `errors` maps each field to what to fix."""

    def __init__(self, errors, status=400):
        super().__init__(errors)
        self.errors = errors
        self.status = status


@dataclass(frozen=True)
class Explanation:
    kind: str
    step: str
    start: date
    circumstance: str | None
    rule: object  # deadlines.Rule
    due_date: date
    skipped: tuple  # ((date, reason), ...)


def weekday_name(day):
    return str(WEEKDAYS[day.weekday()])


def rule_text(rule):
    """ "10 ngày làm việc" / "30 ngày"."""
    if rule.unit == WORKING_DAYS:
        return _("%(amount)s ngày làm việc", amount=rule.amount)
    return _("%(amount)s ngày", amount=rule.amount)


def explain_deadline(kind, step, start, circumstance=None):
    """Return the Explanation of a step's due date, or raise DeadlineQueryError (404 for a missing step)."""
    errors = {}
    if kind not in FEEDBACK_KINDS:
        errors["kind"] = _("Loại ý kiến không hợp lệ; chọn một trong: %(kinds)s.", kinds=", ".join(FEEDBACK_KINDS))
    if step not in STEPS:
        errors["step"] = _("Bước phải là acknowledge (tiếp nhận, thụ lý) hoặc resolve (giải quyết).")
    if start is None:
        errors["from"] = _("Vui lòng nhập ngày bắt đầu theo dạng YYYY-MM-DD.")
    elif not EARLIEST_YEAR <= start.year <= LATEST_YEAR:
        errors["from"] = _(
            "Ngày bắt đầu phải trong khoảng năm %(first)s–%(last)s.", first=EARLIEST_YEAR, last=LATEST_YEAR
        )
    if circumstance and not errors.get("kind") and not errors.get("step"):
        if (kind, step, circumstance) not in SPECIAL_RULES:
            errors["circumstance"] = _("Trường hợp này không áp dụng cho loại ý kiến và bước đã chọn.")
    if errors:
        raise DeadlineQueryError(errors)
    rules = load_rules()
    rule = rule_for(kind, step, circumstance, rules)
    if rule is None:
        raise DeadlineQueryError(
            {
                "step": _(
                    "%(kind)s không có bước tiếp nhận riêng; hãy tính bước giải quyết.", kind=FEEDBACK_KINDS[kind].label
                )
            },
            status=404,
        )
    deadline = due_date(kind, step, start, circumstance, calendar=load_calendar(), rules=rules)
    return Explanation(kind, step, start, circumstance or None, rule, deadline.due_date, deadline.skipped)


def rules_table():
    """Rows of (kind, acknowledge rule or None, resolve rule, special rules) for the page."""
    rules = load_rules()
    rows = []
    for identifier, kind in FEEDBACK_KINDS.items():
        specials = [
            (circumstance, rule)
            for (special_kind, _step, circumstance), rule in SPECIAL_RULES.items()
            if special_kind == identifier
        ]
        rows.append(
            {
                "kind": kind,
                "acknowledge": rules.get((identifier, ACKNOWLEDGE)),
                "resolve": rules.get((identifier, RESOLVE)),
                "from_acceptance": identifier in RESOLVE_FROM_ACCEPTANCE,
                "specials": specials,
            }
        )
    return rows


@blueprint.get("/deadlines")
def deadlines():
    """The calculator: a kind, a step, a start day → the due date and every day not counted."""
    form = DeadlineQueryForm(request.args if request.args else None)
    explanation = None
    errors = {}
    if request.args:
        if form.validate():
            try:
                explanation = explain_deadline(
                    form.kind.data, form.step.data, form.start.data, form.circumstance.data or None
                )
            except DeadlineQueryError as error:
                errors = error.errors
                for name, message in error.errors.items():
                    field = form.start if name == "from" else getattr(form, name, None)
                    if field is not None:
                        field.errors = [*field.errors, message]
    else:
        form.kind.data, form.step.data, form.start.data = "question", RESOLVE, local_today()
    return render_template(
        "feedback/deadlines.html",
        form=form,
        explanation=explanation,
        errors=errors,
        rules=rules_table(),
        rule_text=rule_text,
        weekday_name=weekday_name,
    )
