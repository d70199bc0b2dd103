"""Inspectors' figures of consultations ("Dân bàn"), per commune and period.

A consultation is counted for the period when its last day (its end, or the day it was closed early) falls
in it. For those: how long they lasted, how many opinions came in per household (where the commune gave the
households of the area), whether the result came out within the rule's working days after the last day
(results due: the deadline has passed or the result is out), and the comments still waiting for moderation.
Community decisions count by the day they were taken. Few rows per commune: read live, no rollups needed.
"""

import statistics
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import AdministrativeUnit
from app.clock import local_today, to_local
from app.consultations.models import CommunityDecision, Consultation, ConsultationResult, Opinion
from app.consultations.rules import load_rules, result_due_date
from app.extensions import db
from app.notices.models import Notice


def _rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


@dataclass
class ConsultationFigures:
    held: int = 0
    open_now: int = 0
    lengths: list = field(default_factory=list)  # days of each consultation held
    opinions: int = 0
    opinions_counted_per_household: int = 0  # opinions of the consultations whose households are known
    households: int = 0
    results_due: int = 0
    results_on_time: int = 0
    results_late: int = 0
    results_missing: int = 0
    comments_pending: int = 0
    decisions: int = 0
    decisions_adopted: int = 0

    @property
    def median_length(self):
        return statistics.median(self.lengths) if self.lengths else None

    @property
    def opinions_per_household(self):
        if not self.households:
            return None
        return round(self.opinions_counted_per_household / self.households, 3)

    @property
    def results_on_time_rate(self):
        return _rate(self.results_on_time, self.results_due)

    def merge(self, other):
        for name in (
            "held",
            "open_now",
            "opinions",
            "opinions_counted_per_household",
            "households",
            "results_due",
            "results_on_time",
            "results_late",
            "results_missing",
            "comments_pending",
            "decisions",
            "decisions_adopted",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.lengths.extend(other.lengths)
        return self


@dataclass
class ConsultationReport:
    scope: object
    today: object
    total: ConsultationFigures = field(default_factory=ConsultationFigures)
    by_unit: dict = field(default_factory=dict)  # unit id -> ConsultationFigures
    units: dict = field(default_factory=dict)

    def unit_rows(self):
        rows = [(self.units[unit_id], figures) for unit_id, figures in self.by_unit.items() if unit_id in self.units]
        return sorted(rows, key=lambda row: (row[0].name, row[0].code))


def _grouped(query):
    return dict(db.session.execute(query).all())


def _consultations(scope):
    query = (
        select(Consultation, Notice.unit_id)
        .join(Notice, Notice.id == Consultation.notice_id)
        .where(Notice.unit_id.in_(scope.unit_ids()), Notice.status.in_(("published", "withdrawn")))
    )
    return db.session.execute(query).all()


def _add_consultation(figures, consultation, counts, today, rule_values):
    status = consultation.status()
    if status == "open":
        figures.open_now += 1
        figures.comments_pending += counts["pending"].get(consultation.id, 0)
        return
    figures.held += 1
    last_day = consultation.last_day
    figures.lengths.append((last_day - consultation.starts_on).days + 1)
    opinions = counts["opinions"].get(consultation.id, 0)
    figures.opinions += opinions
    if consultation.households:
        figures.households += consultation.households
        figures.opinions_counted_per_household += opinions
    figures.comments_pending += counts["pending"].get(consultation.id, 0)
    due = result_due_date(last_day, rule_values)
    published = counts["published"].get(consultation.id)
    if published is None and due >= today:
        return  # not due yet
    figures.results_due += 1
    if published is None:
        figures.results_missing += 1
    elif to_local(published).date() <= due:
        figures.results_on_time += 1
    else:
        figures.results_late += 1


def consultation_report(scope, today=None):
    """ConsultationReport of the scope: totals and per unit (every commune of the scope listed)."""
    today = today or local_today()
    report = ConsultationReport(scope=scope, today=today)
    rows = _consultations(scope)
    ids = [consultation.id for consultation, _unit in rows]
    counts = {
        "opinions": _grouped(
            select(Opinion.consultation_id, func.count())
            .where(Opinion.consultation_id.in_(ids))
            .group_by(Opinion.consultation_id)
        ),
        "pending": _grouped(
            select(Opinion.consultation_id, func.count())
            .where(Opinion.consultation_id.in_(ids), Opinion.comment_status == "pending")
            .group_by(Opinion.consultation_id)
        ),
        "published": _grouped(
            select(ConsultationResult.consultation_id, func.min(ConsultationResult.published_at))
            .where(ConsultationResult.consultation_id.in_(ids))
            .group_by(ConsultationResult.consultation_id)
        ),
    }
    rule_values = load_rules()
    for consultation, unit_id in rows:
        status = consultation.status()
        last_day = consultation.last_day
        in_period = last_day is not None and scope.start <= last_day <= scope.end
        if status == "open" or (status == "closed" and in_period):
            figures = report.by_unit.setdefault(unit_id, ConsultationFigures())
            _add_consultation(figures, consultation, counts, today, rule_values)
    decisions = (
        select(Notice.unit_id, CommunityDecision.is_adopted, func.count())
        .join(Notice, Notice.id == CommunityDecision.notice_id)
        .where(
            Notice.unit_id.in_(scope.unit_ids()),
            CommunityDecision.decided_on >= scope.start,
            CommunityDecision.decided_on <= scope.end,
        )
        .group_by(Notice.unit_id, CommunityDecision.is_adopted)
    )
    for unit_id, is_adopted, count in db.session.execute(decisions):
        figures = report.by_unit.setdefault(unit_id, ConsultationFigures())
        figures.decisions += count
        figures.decisions_adopted += count if is_adopted else 0
    for unit_id in db.session.scalars(scope.commune_ids()):
        report.by_unit.setdefault(unit_id, ConsultationFigures())
    for figures in report.by_unit.values():
        report.total.merge(figures)
    units = db.session.scalars(select(AdministrativeUnit).where(AdministrativeUnit.id.in_(list(report.by_unit))))
    report.units = {unit.id: unit for unit in units}
    return report


def consultation_columns():
    """(heading, getter) of each figure, for the page, the exports and the annual report."""
    return [
        (_("Đợt lấy ý kiến đã kết thúc"), lambda f: f.held),
        (_("Đang lấy ý kiến"), lambda f: f.open_now),
        (_("Thời gian lấy ý kiến, trung vị (ngày)"), lambda f: f.median_length),
        (_("Số ý kiến"), lambda f: f.opinions),
        (_("Ý kiến trên mỗi hộ (nơi biết số hộ)"), lambda f: f.opinions_per_household),
        (_("Kết quả đến hạn công bố"), lambda f: f.results_due),
        (_("Công bố đúng hạn"), lambda f: f.results_on_time),
        (_("Công bố đúng hạn (%)"), lambda f: f.results_on_time_rate),
        (_("Công bố trễ hạn"), lambda f: f.results_late),
        (_("Quá hạn chưa công bố"), lambda f: f.results_missing),
        (_("Bình luận chưa duyệt"), lambda f: f.comments_pending),
        (_("Quyết định của Nhân dân"), lambda f: f.decisions),
        (_("Được thông qua"), lambda f: f.decisions_adopted),
    ]


def consultation_rows(report):
    """Rows for a sheet: a heading, one row per commune, then the whole scope."""
    columns = consultation_columns()
    yield [_("Mã"), _("Xã, phường")] + [heading for heading, _getter in columns]
    for unit, figures in report.unit_rows():
        yield [unit.code, unit.name] + [getter(figures) for _heading, getter in columns]
    yield ["", _("Toàn đơn vị")] + [getter(report.total) for _heading, getter in columns]
