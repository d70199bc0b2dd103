"""A published result as CSV or XLSX: the question, the frozen tallies (by choice and village), the
summary and the commune's answers. Never a name or a phone: the result holds none."""

import csv
import io

from flask import Response
from flask_babel import gettext as _
from openpyxl import Workbook

from app.clock import format_datetime
from app.consultations.choices import choice_label, village_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """A text cell a spreadsheet would run as a formula, quoted (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def result_rows(consultation, result):
    """The result as rows of cells, in the reader's language."""
    document = result.tallies
    keys = [choice["key"] for choice in document["choices"]]
    yield [_("Kết quả lấy ý kiến Nhân dân")]
    yield [_("Thông báo"), consultation.notice.title]
    yield [_("Đơn vị"), consultation.notice.unit.name]
    yield [_("Câu hỏi"), document["question"]]
    yield [_("Phiên bản"), result.number, _("Công bố lúc"), format_datetime(result.published_at)]
    yield [_("Mã băm SHA-256 của số liệu"), result.tallies_sha256]
    yield []
    yield [_("Phương án"), _("Số ý kiến")]
    for choice in document["choices"]:
        yield [choice_label(consultation, choice["key"]), choice["count"]]
    yield [_("Tổng số ý kiến"), document["total"]]
    yield []
    yield [_("Thôn, tổ dân phố"), _("Tổng")] + [choice_label(consultation, key) for key in keys]
    for row in document["by_village"]:
        yield [str(village_label(row["village"] or "")), row["total"]] + [row["counts"].get(key, 0) for key in keys]
    yield []
    yield [_("Ý kiến bình luận đã công khai"), document["comments"]["approved"]]
    yield [_("Ý kiến bình luận bị ẩn (vẫn được tính)"), document["comments"]["hidden"]]
    yield []
    yield [_("Tổng hợp ý kiến"), result.summary]
    yield [_("Nhóm ý kiến"), _("Tiếp thu, giải trình của xã")]
    for group in result.answers:
        yield [group["opinions"], group["answer"]]


def _filename(consultation, result, extension):
    return f"ket-qua-lay-y-kien-{consultation.notice_id}-v{result.number}.{extension}"


def result_csv(consultation, result):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in result_rows(consultation, result):
        writer.writerow([_safe(str(cell)) if cell is not None else "" for cell in row])
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(consultation, result, "csv")}"'
    return response


def result_xlsx(consultation, result):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Kết quả"))
    for row in result_rows(consultation, result):
        sheet.append([_safe(cell) if not isinstance(cell, int) else cell for cell in map(_plain, row)])
    stream = io.BytesIO()
    workbook.save(stream)
    response = Response(stream.getvalue(), mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(consultation, result, "xlsx")}"'
    return response


def _plain(cell):
    return cell if isinstance(cell, int) or cell is None else str(cell)
