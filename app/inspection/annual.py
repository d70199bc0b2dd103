"""The annual report a province sends on: per commune, the year's disclosure and response figures, the items
that missed a deadline, and the ranking, in one workbook with Vietnamese headings."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, not_, or_

from app.clock import format_datetime, local_today, utcnow
from app.feedback.models import Feedback
from app.inspection.consultation_figures import consultation_report, consultation_rows
from app.inspection.deadline_conditions import acknowledged_moment, overdue_condition
from app.inspection.disclosure import DisclosureFigures
from app.inspection.exports import (
    definition_rows,
    disclosure_columns,
    figure_columns,
    item_rows,
    period_columns,
    today_columns,
    write_sheets,
)
from app.inspection.figures import item_conditions, unit_conditions
from app.inspection.items import items_where
from app.inspection.report import build_report
from app.inspection.scope import AuditScope
from app.inspection.sqlcalendar import on_or_before_local_day


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


def _general_rows(report, year):
    scope = report.scope
    yield [_("BÁO CÁO KẾT QUẢ CÔNG KHAI THÔNG TIN VÀ GIẢI QUYẾT Ý KIẾN CỦA NGƯỜI DÂN NĂM %(year)s", year=year)]
    yield [_("Đơn vị"), f"{scope.unit.name} ({scope.unit.code})"]
    yield [_("Kỳ báo cáo"), f"{scope.start:%d/%m/%Y} – {scope.end:%d/%m/%Y}"]
    yield [_("Lập lúc"), format_datetime(utcnow())]
    yield [_("Xếp hạng chỉ tính đơn vị có ít nhất"), _("%(count)s hồ sơ", count=report.ranking_min_items)]
    yield []
    yield [_("Giải quyết ý kiến của người dân"), _("Toàn đơn vị")]
    yield [
        _(
            "Trong kỳ: hồ sơ tiếp nhận từ %(start)s đến %(end)s",
            start=f"{scope.start:%d/%m/%Y}",
            end=f"{scope.end:%d/%m/%Y}",
        )
    ]
    for heading, getter in period_columns():
        yield [heading, getter(report.total)]
    yield [_("Hôm nay, %(today)s: mọi hồ sơ chưa xong, dù tiếp nhận lúc nào", today=f"{report.today:%d/%m/%Y}")]
    for heading, getter in today_columns():
        yield [heading, getter(report.total)]
    yield []
    yield [_("Công khai thông báo"), _("Toàn đơn vị")]
    for heading, getter in disclosure_columns():
        yield [heading, getter(report.disclosure)]


def _commune_rows(report):
    """A row per commune and ward (each listed, zeros when silent), and per other unit with items or notices."""
    ranks = {entry.unit.id: entry.rank for entry in report.ranking}
    disclosure = disclosure_columns()
    response = figure_columns()
    yield (
        [_("Mã"), _("Xã, phường"), _("Hạng")]
        + [heading for heading, _getter in disclosure]
        + [heading for heading, _getter in response]
    )
    for unit, figures, notices in report.unit_rows():
        notices = notices or DisclosureFigures()
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
    # The year's items that missed a deadline, and every item overdue today, whenever it was received.
    late = items_where(
        or_(
            and_(*item_conditions(scope), late_condition(today)),
            and_(*unit_conditions(scope), overdue_condition(today)),
        )
    )
    sheets = [
        (_("Tổng hợp"), _general_rows(report, year)),
        (_("Theo xã, phường"), _commune_rows(report)),
        (_("Hồ sơ quá hạn"), item_rows(late, today)),
        (_("Xếp hạng"), _ranking_rows(report)),
        (_("Lấy ý kiến Nhân dân"), consultation_rows(consultation_report(scope, today))),
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
