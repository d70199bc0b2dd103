"""The annual report a province sends on: per commune, the year's disclosure and response figures, the items
that missed a deadline, and the ranking, in one workbook with Vietnamese headings."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, not_, or_, select

from app.accounts.models import AdministrativeUnit
from app.clock import format_datetime, local_today, utcnow
from app.extensions import db
from app.feedback.models import Feedback
from app.inspection.deadline_conditions import acknowledged_moment, overdue_condition
from app.inspection.disclosure import DisclosureFigures
from app.inspection.exports import definition_rows, disclosure_columns, figure_columns, item_rows, write_sheets
from app.inspection.items import item_list_query
from app.inspection.queue_figures import QueueFigures
from app.inspection.report import build_report
from app.inspection.scope import AuditScope
from app.inspection.sqlcalendar import on_or_before_local_day

COMMUNE_KINDS = ("commune", "ward", "special_zone")


def late_condition(today):
    """SQL: the item missed a deadline: answered or acknowledged late, or overdue now."""
    acknowledged = acknowledged_moment()
    return or_(
        and_(
            Feedback.resolve_due.is_not(None),
            Feedback.answered_at.is_not(None),
            not_(on_or_before_local_day(Feedback.answered_at, Feedback.resolve_due)),
        ),
        and_(
            Feedback.acknowledge_due.is_not(None),
            acknowledged.is_not(None),
            not_(on_or_before_local_day(acknowledged, Feedback.acknowledge_due)),
        ),
        overdue_condition(today),
    )


def communes_of_year(unit, year):
    """The communes, wards and special zones under `unit` that existed at some time in `year`."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return db.session.scalars(
        select(AdministrativeUnit).where(
            unit.subtree_clause(),
            AdministrativeUnit.kind.in_(COMMUNE_KINDS),
            or_(AdministrativeUnit.valid_from.is_(None), AdministrativeUnit.valid_from <= last),
            or_(AdministrativeUnit.valid_to.is_(None), AdministrativeUnit.valid_to >= first),
        )
    ).all()


def _general_rows(report, year):
    scope = report.scope
    yield [_("BÁO CÁO KẾT QUẢ CÔNG KHAI THÔNG TIN VÀ GIẢI QUYẾT Ý KIẾN CỦA NGƯỜI DÂN NĂM %(year)s", year=year)]
    yield [_("Đơn vị"), f"{scope.unit.name} ({scope.unit.code})"]
    yield [_("Kỳ báo cáo"), f"{scope.start:%d/%m/%Y} – {scope.end:%d/%m/%Y}"]
    yield [_("Lập lúc"), format_datetime(utcnow())]
    yield [_("Xếp hạng chỉ tính đơn vị có ít nhất"), _("%(count)s hồ sơ", count=report.ranking_min_items)]
    yield []
    yield [_("Giải quyết ý kiến của người dân"), _("Toàn đơn vị")]
    for heading, getter in figure_columns():
        yield [heading, getter(report.total)]
    yield []
    yield [_("Công khai thông báo"), _("Toàn đơn vị")]
    for heading, getter in disclosure_columns():
        yield [heading, getter(report.disclosure)]


def _commune_rows(report, communes):
    ranks = {entry.unit.id: entry.rank for entry in report.ranking}
    disclosure = disclosure_columns()
    response = figure_columns()
    yield (
        [_("Mã"), _("Xã, phường"), _("Hạng")]
        + [heading for heading, _getter in disclosure]
        + [heading for heading, _getter in response]
    )
    units = {unit.id: unit for unit in communes} | report.units
    for unit in sorted(units.values(), key=lambda unit: (unit.name, unit.code)):
        figures = report.by_unit.get(unit.id, QueueFigures())
        notices = report.disclosure_by_unit.get(unit.id, DisclosureFigures())
        yield (
            [unit.code, unit.name, ranks.get(unit.id, _("Không xếp hạng"))]
            + [getter(notices) for _heading, getter in disclosure]
            + [getter(figures) for _heading, getter in response]
        )


def _ranking_rows(report):
    yield [
        _("Hạng"),
        _("Mã"),
        _("Xã, phường"),
        _("Hồ sơ tiếp nhận"),
        _("Trả lời đúng hạn (%)"),
        _("Tiếp nhận đúng hạn (%)"),
        _("Trả lời, trung vị (ngày làm việc)"),
    ]
    for entry in report.ranking:
        figures = entry.figures
        yield [
            entry.rank,
            entry.unit.code,
            entry.unit.name,
            figures.received,
            figures.answered_on_time_rate,
            figures.acknowledged_on_time_rate,
            figures.median("answer_days"),
        ]
    yield []
    yield [_("Không xếp hạng (dưới %(count)s hồ sơ trong năm)", count=report.ranking_min_items)]
    for entry in report.unranked:
        yield ["", entry.unit.code, entry.unit.name, entry.figures.received]


def annual_sheets(unit, year):
    """([(sheet title, rows)], summary) of the annual report of `unit` for `year`."""
    today = local_today()
    scope = AuditScope(unit, date(year, 1, 1), date(year, 12, 31))
    report = build_report(scope, today=today)
    communes = communes_of_year(unit, year)
    late = item_list_query(scope, today=today).where(late_condition(today))
    sheets = [
        (_("Tổng hợp"), _general_rows(report, year)),
        (_("Theo xã, phường"), _commune_rows(report, communes)),
        (_("Hồ sơ quá hạn"), item_rows(late, today)),
        (_("Xếp hạng"), _ranking_rows(report)),
        (_("Định nghĩa"), definition_rows()),
    ]
    summary = (
        f"{report.total.received} items, {report.disclosure.posted} notices, "
        f"{len(report.ranking)} units ranked (minimum {report.ranking_min_items} items)"
    )
    return sheets, summary


def annual_report_filename(unit, year):
    return f"bao-cao-nam-{year}-{unit.code}.xlsx"


def write_annual_report(stream, unit, year):
    """Write the annual report of `unit` for `year`; return a one-line summary."""
    sheets, summary = annual_sheets(unit, year)
    write_sheets(stream, sheets)
    return summary
