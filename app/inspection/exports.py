"""CSV and XLSX exports of the figures and of the item list, and the annual report workbook.

CSV is streamed row by row; XLSX is written with openpyxl's write-only mode (constant memory) into a
temporary file, then sent. Column headings are Vietnamese; no submitter identity or contact ever appears.
"""

import csv
import io
import tempfile

from flask import Response, send_file, stream_with_context
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from app.clock import format_datetime, local_today
from app.extensions import db
from app.feedback.calendar import load_calendar
from app.feedback.kinds import channel_label, kind_label
from app.feedback.states import STATUSES
from app.inspection.consultation_figures import consultation_rows
from app.inspection.definitions import DEFINITIONS
from app.inspection.disclosure import DisclosureFigures
from app.inspection.items import timeliness

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STREAM_BATCH = 1000
MEMORY_LIMIT = 8 * 1024 * 1024  # XLSX files larger than this spill to disk while written
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def figure_columns():
    """(heading, getter) of every queue figure: the period's, then today's."""
    return period_columns() + today_columns()


def today_columns():
    """(heading, getter) of the figures of today: every item open today, whenever it was received."""
    return [
        (_("Đang xử lý hiện nay"), lambda f: f.open_now),
        (_("Quá hạn hiện nay"), lambda f: f.overdue_now),
        (_("Quá hạn lâu nhất hiện nay (ngày)"), lambda f: f.overdue_age_max if f.overdue_now else None),
        (_("Quá hạn trung bình hiện nay (ngày)"), lambda f: f.overdue_age_average),
    ]


def period_columns():
    """(heading, getter) of the figures of the items received in the period."""
    return [
        (_("Hồ sơ tiếp nhận"), lambda f: f.received),
        (_("Đến hạn tiếp nhận"), lambda f: f.acknowledge_due),
        (_("Tiếp nhận đúng hạn"), lambda f: f.acknowledged_on_time),
        (_("Tiếp nhận đúng hạn (%)"), lambda f: f.acknowledged_on_time_rate),
        (_("Đến hạn trả lời"), lambda f: f.answer_due),
        (_("Trả lời đúng hạn"), lambda f: f.answered_on_time),
        (_("Trả lời đúng hạn (%)"), lambda f: f.answered_on_time_rate),
        (_("Đã trả lời"), lambda f: f.answered),
        (_("Phản hồi đầu tiên, trung vị (ngày làm việc)"), lambda f: f.median("first_response_days")),
        (_("Phản hồi đầu tiên, phân vị 90 (ngày làm việc)"), lambda f: f.p90("first_response_days")),
        (_("Trả lời, trung vị (ngày làm việc)"), lambda f: f.median("answer_days")),
        (_("Trả lời, phân vị 90 (ngày làm việc)"), lambda f: f.p90("answer_days")),
        (_("Phản hồi đầu tiên, trung vị (giờ)"), lambda f: f.median("first_response_hours")),
        (_("Phản hồi đầu tiên, phân vị 90 (giờ)"), lambda f: f.p90("first_response_hours")),
        (_("Trả lời, trung vị (giờ)"), lambda f: f.median("answer_hours")),
        (_("Trả lời, phân vị 90 (giờ)"), lambda f: f.p90("answer_hours")),
        (_("Mở lại"), lambda f: f.reopened),
        (_("Mở lại (%)"), lambda f: f.reopened_rate),
        (_("Điểm đánh giá trung bình"), lambda f: f.rating_average),
        (_("Số lượt đánh giá"), lambda f: f.rating_count),
        (_("Chuyển đến"), lambda f: f.forwarded_in),
        (_("Chuyển đi"), lambda f: f.forwarded_out),
    ]


def disclosure_columns():
    return [
        (_("Thông báo đã niêm yết"), lambda d: d.posted),
        (_("Có ngày ban hành"), lambda d: d.with_issue_date),
        (_("Từ ban hành đến niêm yết, trung vị (ngày làm việc)"), lambda d: d.delay_median),
        (_("Niêm yết trong 3 ngày làm việc"), lambda d: d.posted_within_limit),
        (_("Niêm yết trong 3 ngày làm việc (%)"), lambda d: d.posted_within_limit_rate),
        (_("Niêm yết đủ 30 ngày"), lambda d: d.posting_long_enough),
        (_("Niêm yết đủ 30 ngày (%)"), lambda d: d.posting_long_enough_rate),
        (_("Đính chính"), lambda d: d.corrections),
        (_("Thu hồi"), lambda d: d.withdrawals),
    ]


def figure_rows(report):
    """Header and one row per group: the whole scope, each unit, kind, month and official."""
    columns = figure_columns()
    yield [_("Nhóm"), _("Mã"), _("Tên")] + [heading for heading, _getter in columns]

    def row(group, code, name, figures):
        return [group, code, name] + [getter(figures) for _heading, getter in columns]

    scope = report.scope
    yield row(_("Toàn bộ"), scope.unit.code, scope.unit.name, report.total)
    for unit, figures, _disclosure in report.unit_rows():
        yield row(_("Đơn vị"), unit.code, unit.name, figures)
    for kind, figures in sorted(report.by_kind.items()):
        yield row(_("Loại hồ sơ"), kind, str(kind_label(kind)), figures)
    for day, figures in zip(scope.months(), report.by_month, strict=True):
        yield row(_("Tháng tiếp nhận"), day.strftime("%Y-%m"), day.strftime("%m/%Y"), figures)
    for user_id, figures in sorted((report.by_official or {}).items(), key=lambda pair: pair[0] or 0):
        official = report.officials.get(user_id)
        name = official.display_name if official else _("Chưa phân công")
        yield row(_("Cán bộ"), official.username if official else "", name, figures)


def disclosure_rows(report):
    columns = disclosure_columns()
    yield [_("Mã"), _("Tên")] + [heading for heading, _getter in columns]
    yield [report.scope.unit.code, report.scope.unit.name] + [getter(report.disclosure) for _h, getter in columns]
    for unit, _figures, disclosure in report.unit_rows():
        disclosure = disclosure or DisclosureFigures()
        yield [unit.code, unit.name] + [getter(disclosure) for _h, getter in columns]


def item_columns():
    """(heading, getter(item, timeliness)) of the item list: every timestamp, no personal data."""
    return [
        (_("Mã hồ sơ"), lambda i, t: i.tracking_code),
        (_("Loại"), lambda i, t: str(kind_label(i.kind))),
        (_("Kênh tiếp nhận"), lambda i, t: str(channel_label(i.channel))),
        (_("Mã đơn vị"), lambda i, t: i.unit.code),
        (_("Đơn vị"), lambda i, t: i.unit.name),
        (_("Trạng thái"), lambda i, t: str(STATUSES.get(i.status, i.status))),
        (_("Tiếp nhận lúc"), lambda i, t: format_datetime(i.received_at)),
        (_("Hạn tiếp nhận"), lambda i, t: _day(i.acknowledge_due)),
        (_("Xác nhận tiếp nhận lúc"), lambda i, t: format_datetime(i.acknowledged_at)),
        (_("Phản hồi đầu tiên lúc"), lambda i, t: format_datetime(i.first_response_at)),
        (_("Hạn giải quyết"), lambda i, t: _day(i.resolve_due)),
        (_("Trả lời lúc"), lambda i, t: format_datetime(i.answered_at)),
        (_("Kết thúc lúc"), lambda i, t: format_datetime(i.closed_at)),
        (_("Tạm dừng từ"), lambda i, t: format_datetime(i.paused_at)),
        (_("Đánh giá lúc"), lambda i, t: format_datetime(i.rated_at)),
        (_("Điểm đánh giá"), lambda i, t: i.rating),
        (_("Số lần gia hạn"), lambda i, t: i.extension_count),
        (_("Số lần mở lại"), lambda i, t: i.reopen_count),
        (_("Chuyển từ đơn vị"), lambda i, t: i.forwarded_from.code if i.forwarded_from else ""),
        (_("Cán bộ xử lý"), lambda i, t: i.assigned_to.username if i.assigned_to else ""),
        (_("Tiếp nhận đúng hạn"), lambda i, t: _yes_no(t.acknowledged_on_time)),
        (_("Trả lời đúng hạn"), lambda i, t: _yes_no(t.answered_on_time)),
        (_("Số ngày quá hạn"), lambda i, t: t.overdue_days),
        (_("Phản hồi đầu tiên (ngày làm việc)"), lambda i, t: t.first_response_working_days),
        (_("Trả lời (ngày làm việc)"), lambda i, t: t.answer_working_days),
    ]


def _day(value):
    return value.strftime("%d/%m/%Y") if value else ""


def _yes_no(value):
    if value is None:
        return ""
    return _("Có") if value else _("Không")


def item_rows(query, today=None):
    """Header and one row per item of `query`, read from the database in batches."""
    today = today or local_today()
    calendar = load_calendar()
    columns = item_columns()
    yield [heading for heading, _getter in columns]
    for item in db.session.scalars(query.execution_options(yield_per=STREAM_BATCH)):
        judged = timeliness(item, calendar, today)
        yield [getter(item, judged) for _heading, getter in columns]


def csv_cell(value):
    """A CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value


def _csv_lines(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"  # a BOM, so spreadsheet programs read the Vietnamese text as UTF-8
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _filename(prefix, scope, extension):
    return f"{prefix}-{scope.unit.code}-{scope.start.isoformat()}-{scope.end.isoformat()}.{extension}"


def csv_response(rows, filename):
    response = Response(stream_with_context(_csv_lines(rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def xlsx_response(write, filename):
    """Send the workbook `write(stream)` produces; large workbooks spill to a temporary file, not memory."""
    stream = tempfile.SpooledTemporaryFile(max_size=MEMORY_LIMIT)  # noqa: SIM115 (send_file closes it)
    write(stream)
    stream.seek(0)
    response = send_file(stream, mimetype=XLSX_TYPE, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def xlsx_cell(sheet, value):
    """An XLSX cell: text stays text even when it starts with "=" (openpyxl would store a formula)."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_sheets(stream, sheets):
    """Write [(title, rows)] as a write-only workbook (rows are streamed, never held in memory)."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
    workbook.save(stream)


def figures_csv_response(report):
    return csv_response(figure_rows(report), _filename("so-lieu", report.scope, "csv"))


def figures_xlsx_response(report, consultations=None):
    """The figures workbook: handling, disclosure, the consultations (a ConsultationReport of the same scope,
    when given) and the definitions."""

    def write(stream):
        sheets = [(_("Giải quyết hồ sơ"), figure_rows(report)), (_("Công khai thông báo"), disclosure_rows(report))]
        if consultations is not None:
            sheets.append((_("Lấy ý kiến Nhân dân"), consultation_rows(consultations)))
        write_sheets(stream, [*sheets, (_("Định nghĩa"), definition_rows())])

    return xlsx_response(write, _filename("so-lieu", report.scope, "xlsx"))


def items_csv_response(scope, query):
    return csv_response(item_rows(query), _filename("ho-so", scope, "csv"))


def items_xlsx_response(scope, query):
    return xlsx_response(
        lambda stream: write_sheets(stream, [(_("Hồ sơ"), item_rows(query))]), _filename("ho-so", scope, "xlsx")
    )


def definition_rows():
    yield [_("Số liệu"), _("Cách tính")]
    for definition in DEFINITIONS:
        yield [str(definition.label), str(definition.text)]
