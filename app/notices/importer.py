"""Import notices from JSON Lines, each line checked with the web form's own rules.

One notice per line:

    {"unit": "07627", "category": "budget", "title": "…", "summary": "…", "body_html": "<p>…</p>",
     "legal_reference": "Quyết định số 12/QĐ-UBND", "issued_on": "2026-03-02",
     "posting_start": "2026-03-03", "posting_end": "2026-04-02", "status": "published",
     "contact": {"name": "…", "position": "…", "phone": "0912 345 678"},
     "place": "…", "opinion_end": "2026-03-20"}

`status` is "draft" (the default when it is missing) or "published"; dates are YYYY-MM-DD.
Good lines are saved through the notice services (so they get audit entries, short codes
and version 1 like any notice), one transaction per batch.
"""

import json
import re
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.accounts.models import AdministrativeUnit
from app.extensions import db
from app.notices.forms import NoticeForm
from app.notices.services import create_notice, publish_notice, timeliness_warnings

DEFAULT_BATCH_SIZE = 500
FORM_FIELDS = (
    "category",
    "title",
    "summary",
    "body_html",
    "legal_reference",
    "issued_on",
    "posting_start",
    "posting_end",
    "opinion_end",
    "place",
)
DATE_FIELDS = ("issued_on", "posting_start", "posting_end", "opinion_end")
CONTACT_FIELDS = {"name": "contact_name", "position": "contact_position", "phone": "contact_phone"}
KNOWN_FIELDS = frozenset({"unit", "status", "contact", *FORM_FIELDS})
STATUSES = ("draft", "published")
# Form field -> the name the file uses, in the order problems are reported.
REPORTED_NAMES = {
    **{name: name for name in FORM_FIELDS},
    **{form_name: f"contact.{key}" for key, form_name in CONTACT_FIELDS.items()},
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class ImportReport:
    dry_run: bool = False
    published: int = 0
    drafts: int = 0
    invalid_lines: int = 0
    failed_lines: int = 0

    def count(self, status):
        """Count one notice imported (or found valid, in a dry run)."""
        if status == "published":
            self.published += 1
        else:
            self.drafts += 1

    @property
    def is_complete(self):
        """Whether every non-blank line was (or, in a dry run, would be) imported."""
        return self.invalid_lines == 0 and self.failed_lines == 0

    def summary(self):
        total = self.published + self.drafts
        counts = f"({self.published} published, {self.drafts} drafts); skipped {self.invalid_lines} invalid lines"
        if self.dry_run:
            return f"Dry run: {total} valid notices {counts}; nothing saved"
        text = f"Imported {total} notices {counts}"
        if self.failed_lines:
            text += f"; {self.failed_lines} valid lines not saved because their batch failed"
        return text


@dataclass
class ValidLine:
    number: int
    unit_id: int
    fields: dict
    status: str


class LineChecker:
    """Turn one line of the file into a ValidLine, or into a list of (field, message)."""

    def __init__(self):
        self._unit_ids = {}

    def check(self, data):
        """Return (ValidLine-ready values or None, problems, warnings) for a decoded JSON object."""
        problems, warnings = [], []
        for key in sorted(set(data) - KNOWN_FIELDS):
            warnings.append((key, _("Cảnh báo: trường không được hỗ trợ, đã bỏ qua.")))
        unit_id = self._unit_id(data.get("unit"), problems)
        status = "draft" if data.get("status") is None else data["status"]
        if status not in STATUSES:
            problems.append(("status", _("Trạng thái phải là draft hoặc published.")))
        formdata, reported = self._formdata(data, problems, warnings)
        form = NoticeForm(formdata=MultiDict(formdata), meta={"csrf": False})
        if not form.validate():
            for name, label in REPORTED_NAMES.items():
                if label in reported:
                    continue  # already explained in the file's own terms
                for message in getattr(form, name).errors:
                    problems.append((label, str(message)))
        if problems:
            return None, problems, warnings
        fields = form.notice_fields()
        for message in timeliness_warnings(fields["posting_start"], fields["posting_end"], fields["issued_on"]):
            warnings.append(("posting_start", _("Cảnh báo: %(message)s", message=str(message))))
        return (unit_id, fields, status), problems, warnings

    def _unit_id(self, code, problems):
        if code is None or (isinstance(code, str) and not code.strip()):
            problems.append(("unit", _("Vui lòng ghi mã đơn vị hành chính (mã GSO, ví dụ 07627).")))
            return None
        if not isinstance(code, str | int) or isinstance(code, bool):
            problems.append(("unit", _('Mã đơn vị hành chính phải là chuỗi ký tự, ví dụ "07627".')))
            return None
        code = str(code).strip()
        if code not in self._unit_ids:
            unit = AdministrativeUnit.by_code(code)
            self._unit_ids[code] = unit.id if unit is not None else None
        if self._unit_ids[code] is None:
            padded = code.zfill(5)
            if code.isdigit() and padded != code and AdministrativeUnit.by_code(padded) is not None:
                # Spreadsheets drop the leading zero of commune codes.
                message = _("Không có đơn vị hành chính mã %(code)s; có phải mã %(padded)s?", code=code, padded=padded)
            else:
                message = _("Không có đơn vị hành chính mã %(code)s.", code=code[:20])
            problems.append(("unit", message))
        return self._unit_ids[code]

    def _formdata(self, data, problems, warnings):
        """Return the form's input as (name, text) pairs and the fields already reported."""
        pairs, reported = [], set()
        values = {name: data.get(name) for name in FORM_FIELDS}
        contact = data.get("contact")
        if contact is None:
            contact = {}
        elif not isinstance(contact, dict):
            problems.append(("contact", _("Thông tin liên hệ phải là đối tượng có name, position, phone.")))
            reported.update(f"contact.{key}" for key in CONTACT_FIELDS)
            contact = {}
        for key in sorted(set(contact) - set(CONTACT_FIELDS)):
            warnings.append((f"contact.{key}", _("Cảnh báo: trường không được hỗ trợ, đã bỏ qua.")))
        for key, form_name in CONTACT_FIELDS.items():
            values[form_name] = contact.get(key)
        for name, value in values.items():
            label = REPORTED_NAMES[name]
            if value is None:
                continue
            if isinstance(value, bool | list | dict):
                problems.append((label, _("Giá trị phải là chuỗi ký tự.")))
                reported.add(label)
                continue
            text = str(value)
            if name in DATE_FIELDS and text.strip() and not _is_iso_date(text.strip()):
                problems.append((label, _("Ngày không hợp lệ; hãy ghi theo dạng YYYY-MM-DD, ví dụ 2026-03-15.")))
                reported.add(label)
                continue
            pairs.append((name, text))
        return pairs, reported


def _is_iso_date(text):
    if not _ISO_DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _decode(number, raw):
    try:
        return raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError:
        return None


def _save(batch, report, on_problem):
    """Save one batch in one transaction; on any failure roll back this batch only."""
    try:
        for line in batch:
            notice = create_notice(db.session.get(AdministrativeUnit, line.unit_id), line.fields, None)
            if line.status == "published":
                publish_notice(notice, None, imported=True)
        db.session.commit()
    except Exception as error:  # any failure (database, constraint, state) loses this batch, never the others
        db.session.rollback()
        report.failed_lines += len(batch)
        detail = (str(error).splitlines() or [type(error).__name__])[0][:300]
        message = _("Không lưu được lô này; không dòng nào trong lô được nhập. Lỗi: %(error)s", error=detail)
        on_problem(f"lines {batch[0].number}-{batch[-1].number}: batch: {message}")
        return
    for line in batch:
        report.count(line.status)


def import_notices(stream, batch_size=DEFAULT_BATCH_SIZE, dry_run=False, on_problem=print):
    """Check and import every line of a binary stream of JSON Lines; return an ImportReport.

    Problems are reported through `on_problem` as "line N: field: message".
    """
    report = ImportReport(dry_run=dry_run)
    checker = LineChecker()
    batch = []

    def problem(number, field, message):
        on_problem(f"line {number}: {field}: {message}")

    # The form needs a request (it reads the locale); a POST so that it never fills in defaults.
    with current_app.test_request_context(method="POST"):
        for number, raw in enumerate(stream, 1):
            text = _decode(number, raw)
            if text is None:
                problem(number, "line", _("Dòng không phải văn bản UTF-8; hãy lưu tệp với mã hóa UTF-8."))
                report.invalid_lines += 1
                continue
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                problem(number, "json", _("Dòng không phải JSON hợp lệ (lỗi ở cột %(column)s).", column=error.colno))
                report.invalid_lines += 1
                continue
            if not isinstance(data, dict):
                problem(number, "json", _("Mỗi dòng phải là một đối tượng JSON {…}."))
                report.invalid_lines += 1
                continue
            values, problems, warnings = checker.check(data)
            for field, message in problems + warnings:
                problem(number, field, message)
            if values is None:
                report.invalid_lines += 1
                continue
            unit_id, fields, status = values
            if dry_run:
                report.count(status)
                continue
            batch.append(ValidLine(number, unit_id, fields, status))
            if len(batch) >= batch_size:
                _save(batch, report, on_problem)
                batch = []
        if batch:
            _save(batch, report, on_problem)
    return report
