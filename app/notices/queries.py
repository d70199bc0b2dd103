"""Read queries for notices shared by the pages and the API."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.accounts.models import AdministrativeUnit
from app.clock import local_today
from app.dates import DateFormatError, parse_day
from app.extensions import db
from app.glossary import NOTICE_CATEGORIES, PUBLIC_STATUS_FILTERS
from app.notices.models import Notice


class FilterError(ValueError):
    """A filter value is not valid; `field` says which, `message` what to fix (Vietnamese).

    The message is a plain str built with gettext at raise time, never a lazy string:
    lazy strings count as safe markup in Jinja and the message may quote the visitor's input.
    """

    def __init__(self, field, message):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass
class NoticeFilters:
    unit: AdministrativeUnit | None = None
    category: str | None = None
    status: str | None = None  # None: published notices already posted (current and expired)
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_args(cls, args, typed_dates=False):
        """Parse unit, category, status, from, to from query arguments; raise FilterError.

        Pages pass `typed_dates`: their boxes send dd/mm/yyyy as typed (ISO from links still reads); the API
        speaks ISO only.
        """
        filters = cls()
        unit_code = (args.get("unit") or "").strip()
        if unit_code:
            filters.unit = AdministrativeUnit.by_code(unit_code)
            if filters.unit is None:
                raise FilterError("unit", _("Không có đơn vị hành chính mã %(code)s.", code=unit_code[:20]))
        category = (args.get("category") or "").strip()
        if category:
            if category not in NOTICE_CATEGORIES:
                raise FilterError("category", _("Lĩnh vực không hợp lệ."))
            filters.category = category
        status = (args.get("status") or "").strip()
        if status:
            if status not in PUBLIC_STATUS_FILTERS and status != "all":
                raise FilterError("status", _("Trạng thái phải là current, expired, withdrawn hoặc all."))
            filters.status = status
        for name, attribute in (("from", "date_from"), ("to", "date_to")):
            text = (args.get(name) or "").strip()
            if text:
                try:
                    setattr(filters, attribute, parse_day(text) if typed_dates else date.fromisoformat(text))
                except DateFormatError as error:
                    raise FilterError(name, str(error)) from error
                except ValueError as error:
                    raise FilterError(name, _("Ngày phải có dạng YYYY-MM-DD.")) from error
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            raise FilterError("to", _("Ngày kết thúc phải sau ngày bắt đầu."))
        return filters

    def as_args(self):
        """Return the filters as query arguments (for pagination links)."""
        args = {
            "unit": self.unit.code if self.unit else None,
            "category": self.category,
            "status": self.status,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }
        return {key: value for key, value in args.items() if value}


def public_notices_query(filters, today=None, include_upcoming=False):
    """Return a SELECT of public notices matching the filters, newest posting first.

    A published notice whose posting has not started yet ("sắp niêm yết") is in no list: sorted by
    posting date it would stand above everything posted today. It is read through its QR code or
    short URL, and search finds it (`include_upcoming`), both marking it as upcoming with its start date.
    """
    today = today or local_today()
    # Units come in a second query (selectinload): a JOIN here would make SQLite read the table row of
    # every notice an OFFSET skips; without it, deep pages are walked in the index alone.
    query = select(Notice).options(selectinload(Notice.unit))
    posted = Notice.status == "published"
    if not include_upcoming:
        posted = and_(posted, Notice.posting_start <= today)
    if filters.status == "withdrawn":
        query = query.where(Notice.status == "withdrawn")
    elif filters.status == "all":
        query = query.where(or_(posted, Notice.status == "withdrawn"))
    else:
        query = query.where(posted)
        if filters.status == "current":
            query = query.where(Notice.posting_end >= today)
        elif filters.status == "expired":
            query = query.where(Notice.posting_end < today)
    if filters.unit is not None:
        subtree = select(AdministrativeUnit.id).where(filters.unit.subtree_clause())
        query = query.where(Notice.unit_id.in_(subtree))
    if filters.category:
        query = query.where(Notice.category == filters.category)
    if filters.date_from:
        query = query.where(Notice.posting_start >= filters.date_from)
    if filters.date_to:
        query = query.where(Notice.posting_start <= filters.date_to)
    return query.order_by(Notice.posting_start.desc(), Notice.id.desc())


def closing_soon_query(days=7, today=None):
    """Current notices whose posting period ends within `days` days, soonest first."""
    today = today or local_today()
    return (
        select(Notice)
        .options(selectinload(Notice.unit))
        .where(
            Notice.status == "published",
            Notice.posting_start <= today,
            Notice.posting_end >= today,
            Notice.posting_end <= date.fromordinal(today.toordinal() + days),
        )
        .order_by(Notice.posting_end, Notice.id)
    )


MAX_PAGE = 1_000_000


def page_number(text, maximum=MAX_PAGE):
    """?page= as a number from 1 to `maximum`; anything that is not a whole number is page 1."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    digits = text.lstrip("0") or "0"
    # Longer numbers are clamped anyway, and int() refuses strings of over 4,300 digits.
    return maximum if len(digits) > len(str(maximum)) else min(max(int(digits), 1), maximum)


def paginate(query, page, per_page):
    """Paginate a SELECT with Flask-SQLAlchemy (404-free: out-of-range pages are empty)."""
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def count_by_unit(unit_ids):
    """Return {unit_id: number of current notices} for the given units."""
    today = local_today()
    rows = db.session.execute(
        select(Notice.unit_id, func.count())
        .where(
            Notice.unit_id.in_(unit_ids),
            Notice.status == "published",
            Notice.posting_start <= today,
            Notice.posting_end >= today,
        )
        .group_by(Notice.unit_id)
    )
    return dict(rows.all())


__all__ = ["FilterError", "NoticeFilters", "closing_soon_query", "count_by_unit", "paginate", "public_notices_query"]
