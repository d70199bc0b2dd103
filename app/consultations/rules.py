"""The rules of consultations, editable by an administrator like the queue's deadline rules.

- the shortest opinion period, per notice category (calendar days, the first day counted);
- how many working days after the last day of the period the result must be published;
- the share of a village's households that must agree for a community decision to be adopted.

Each default names its source. Where the law sets no figure the default is labelled as the commune's own
standard. Working days come from app.workdays (Vietnamese public holidays, make-up Saturdays and the
administrators' overrides).
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import workdays
from app.consultations.models import ConsultationRule
from app.extensions import db
from app.glossary import NOTICE_CATEGORIES
from app.ledger.chain import record

DAYS, WORKING_DAYS, PERCENT = "days", "working_days", "percent"
RESULT_WORKING_DAYS = "result_working_days"
ADOPTION_PERCENT = "adoption_percent"
OPINION_DAYS_PREFIX = "opinion_days:"

_LAND_LAW_ZONING = _l(
    "Luật Đất đai 2024 (31/2024/QH15), Điều 70: lấy ý kiến Nhân dân về quy hoạch sử dụng đất trong 30 ngày."
)
_LAND_LAW_COMPENSATION = _l(
    "Luật Đất đai 2024 (31/2024/QH15), Điều 87: phương án bồi thường, hỗ trợ, tái định cư được niêm yết "
    "và nhận ý kiến đóng góp trong 30 ngày."
)
_CONVENTION_DECREE = _l(
    "Nghị định 61/2023/NĐ-CP về hương ước, quy ước: dự thảo được niêm yết để lấy ý kiến không ít hơn 30 ngày."
)
_OWN_PERIOD = _l("Chuẩn riêng của xã: pháp luật không quy định thời gian lấy ý kiến tối thiểu cho lĩnh vực này.")
_OWN_RESULT = _l(
    "Chuẩn riêng của xã: Luật Thực hiện dân chủ ở cơ sở (10/2022/QH15) yêu cầu công khai kết quả lấy ý kiến "
    "và việc tiếp thu, giải trình nhưng không quy định số ngày."
)
_ADOPTION_LAW = _l(
    "Luật Thực hiện dân chủ ở cơ sở (10/2022/QH15), phần Nhân dân bàn và quyết định, và Nghị định "
    "59/2023/NĐ-CP: nội dung được quyết định khi có trên 50% tổng số hộ gia đình trong thôn, tổ dân phố tán thành."
)

# Categories with a statutory opinion period: (days, source).
STATUTORY_PERIODS = {
    "zoning": (30, _LAND_LAW_ZONING),
    "land_recovery": (30, _LAND_LAW_COMPENSATION),
    "site_clearance": (30, _LAND_LAW_COMPENSATION),
    "compensation_resettlement": (30, _LAND_LAW_COMPENSATION),
    "village_convention": (30, _CONVENTION_DECREE),
}
OWN_STANDARD_PERIOD_DAYS = 10
OWN_STANDARD_RESULT_WORKING_DAYS = 10
STATUTORY_ADOPTION_PERCENT = 50


@dataclass(frozen=True)
class RuleSpec:
    """One editable rule: its default, unit, what it means, where the default comes from."""

    name: str
    default: int
    unit: str
    label: object
    source: object
    is_own_standard: bool
    minimum: int
    maximum: int


def _period_spec(category, label):
    days, source = STATUTORY_PERIODS.get(category, (OWN_STANDARD_PERIOD_DAYS, _OWN_PERIOD))
    return RuleSpec(
        name=OPINION_DAYS_PREFIX + category,
        default=days,
        unit=DAYS,
        label=_l("Thời gian lấy ý kiến tối thiểu: %(category)s", category=label),
        source=source,
        is_own_standard=category not in STATUTORY_PERIODS,
        minimum=days if category in STATUTORY_PERIODS else 1,  # a commune may ask more than the law, never less
        maximum=365,
    )


RULES = {
    spec.name: spec
    for spec in [
        *(_period_spec(category, label) for category, label in NOTICE_CATEGORIES.items()),
        RuleSpec(
            RESULT_WORKING_DAYS,
            OWN_STANDARD_RESULT_WORKING_DAYS,
            WORKING_DAYS,
            _l("Công bố kết quả lấy ý kiến chậm nhất sau ngày cuối cùng của thời gian lấy ý kiến"),
            _OWN_RESULT,
            True,
            1,
            120,
        ),
        RuleSpec(
            ADOPTION_PERCENT,
            STATUTORY_ADOPTION_PERCENT,
            PERCENT,
            _l("Nội dung Nhân dân quyết định được thông qua khi số hộ tán thành vượt quá"),
            _ADOPTION_LAW,
            False,
            STATUTORY_ADOPTION_PERCENT,
            99,
        ),
    ]
}


class RuleError(ValueError):
    """A rule value that cannot be stored; the message says why, in Vietnamese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def load_rules():
    """{name: amount}: the administrator's values over the defaults."""
    values = {name: spec.default for name, spec in RULES.items()}
    for row in db.session.scalars(select(ConsultationRule)):
        if row.name in values:
            values[row.name] = row.amount
    return values


def rule_value(name, rules=None):
    return (rules if rules is not None else load_rules())[name]


def minimum_opinion_days(category, rules=None):
    """The shortest opinion period of a notice of `category`, in calendar days (first and last day counted)."""
    return rule_value(OPINION_DAYS_PREFIX + (category if category in NOTICE_CATEGORIES else "other"), rules)


def period_days(starts_on, ends_on):
    """Days in the opinion period, both the first and the last counted."""
    return (ends_on - starts_on).days + 1


def result_due_date(last_day, rules=None):
    """The last day the result may be published: N working days after `last_day` (that day not counted)."""
    if last_day is None:
        return None
    return workdays.add_working_days(last_day, rule_value(RESULT_WORKING_DAYS, rules))


def adoption_percent(rules=None):
    return rule_value(ADOPTION_PERCENT, rules)


def amount_text(spec, amount):
    """ "30 ngày", "10 ngày làm việc", "50%"."""
    if spec.unit == WORKING_DAYS:
        return _("%(amount)s ngày làm việc", amount=amount)
    if spec.unit == PERCENT:
        return _("%(amount)s%% số hộ", amount=amount)
    return _("%(amount)s ngày", amount=amount)


def rule_rows():
    """Every rule with its current value, for the rules page: (spec, amount)."""
    values = load_rules()
    return [(spec, values[name]) for name, spec in RULES.items()]


def set_rule(name, amount, actor=None):
    """Store the value of one rule (audited); return the row."""
    spec = RULES.get(name)
    if spec is None:
        raise RuleError(_("Không có quy định này; chỉ sửa được các quy định có sẵn."))
    if isinstance(amount, bool) or not isinstance(amount, int) or not spec.minimum <= amount <= spec.maximum:
        raise RuleError(_("Giá trị phải là số nguyên từ %(low)s đến %(high)s.", low=spec.minimum, high=spec.maximum))
    row = db.session.scalar(select(ConsultationRule).where(ConsultationRule.name == name))
    before = row.amount if row is not None else spec.default
    if row is None:
        row = ConsultationRule(name=name, amount=amount)
        db.session.add(row)
    row.amount = amount
    db.session.flush()
    record("consultation_rule.changed", row, f"{name}: {before} → {amount}", {"before": before, "after": amount}, actor)
    return row
