"""API v1 endpoints: units and public notices (read only)."""

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import AdministrativeUnit
from app.api import blueprint
from app.api.serializers import notice_item, unit_item
from app.errors import error_response
from app.extensions import db
from app.glossary import UNIT_KINDS
from app.notices.models import Notice, NoticeVersion
from app.notices.queries import FilterError, NoticeFilters, paginate, public_notices_query

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 10**9  # keeps OFFSET inside a 64-bit integer on every database

# What notice_item reads, loaded in a fixed number of queries per page (never one per notice).
# Versions carry a full snapshot each; the API lists only their number, time and reason.
NOTICE_ITEM_LOADING = (
    selectinload(Notice.attachments),
    selectinload(Notice.versions).load_only(NoticeVersion.number, NoticeVersion.created_at, NoticeVersion.reason),
)


def positive_int_arg(name, default, message):
    """Return a whole number >= 1 (and <= MAX_PAGE) from the query, or raise FilterError with `message`."""
    text = request.args.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text, 10)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_PAGE:
        raise FilterError(name, message)
    return value


@blueprint.get("/units")
def list_units():
    """List administrative units by code, former ones included; filter by parent and kind."""
    query = (
        select(AdministrativeUnit)
        .options(selectinload(AdministrativeUnit.parent), selectinload(AdministrativeUnit.successor))
        .order_by(AdministrativeUnit.code)
    )
    parent_code = request.args.get("parent", "").strip()
    if parent_code:
        parent = AdministrativeUnit.by_code(parent_code)
        if parent is None:
            return error_response(404, _("Không có đơn vị hành chính mã %(code)s.", code=parent_code[:20]))
        query = query.where(AdministrativeUnit.parent_id == parent.id)
    kind = request.args.get("kind", "").strip()
    if kind:
        if kind not in UNIT_KINDS:
            raise FilterError("kind", _l("Loại đơn vị phải là một trong: %(kinds)s.", kinds=", ".join(UNIT_KINDS)))
        query = query.where(AdministrativeUnit.kind == kind)
    items = [unit_item(unit) for unit in db.session.scalars(query)]
    return jsonify(items=items, total=len(items))


@blueprint.get("/notices")
def list_notices():
    """List public notices with the list page's filters, paginated."""
    filters = NoticeFilters.from_args(request.args)
    page = positive_int_arg("page", 1, _l("Số trang (page) phải là số nguyên từ 1 trở lên."))
    per_page = positive_int_arg(
        "per_page",
        DEFAULT_PER_PAGE,
        _l("Số thông báo mỗi trang (per_page) phải là số nguyên từ 1 trở lên (tối đa %(max)s).", max=MAX_PER_PAGE),
    )
    per_page = min(per_page, MAX_PER_PAGE)  # larger requests are served at the maximum, not refused
    pagination = paginate(public_notices_query(filters).options(*NOTICE_ITEM_LOADING), page, per_page)
    return jsonify(
        items=[notice_item(notice) for notice in pagination.items],
        page=page,
        per_page=per_page,
        pages=pagination.pages,
        total=pagination.total,
    )


@blueprint.get("/notices/<int:notice_id>")
def get_notice(notice_id):
    """One public notice; drafts do not exist for the API."""
    query = select(Notice).options(joinedload(Notice.unit), *NOTICE_ITEM_LOADING).where(Notice.id == notice_id)
    notice = db.session.scalar(query)
    if notice is None or not notice.is_public:
        abort(404)
    return jsonify(notice_item(notice))
