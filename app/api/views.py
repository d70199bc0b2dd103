"""API v1 endpoints: units and public notices (read only)."""

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.accounts.models import AdministrativeUnit
from app.api import blueprint
from app.api.consultation_items import CONSULTATION_SCHEMA, DECISION_SCHEMA, notice_consultation_fields
from app.api.openapi import array, component, integer, json_response, nullable, obj, operation, query, string
from app.api.serializers import NOTICE_SCHEMA, UNIT_SCHEMA, notice_item, unit_item
from app.errors import error_response
from app.extensions import db
from app.glossary import NOTICE_CATEGORIES, PUBLIC_STATUS_FILTERS, UNIT_KINDS
from app.notices.models import Notice, NoticeVersion
from app.notices.queries import FilterError, NoticeFilters, paginate, public_notices_query

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 10**9  # keeps OFFSET inside a 64-bit integer on every database
MAX_ID = 2**31 - 1  # ids are 32-bit integers in PostgreSQL: a larger one finds nothing

# What notice_item reads, loaded in a fixed number of queries per page (never one per notice).
# Versions carry a full snapshot each; the API lists only their number, time and reason.
NOTICE_ITEM_LOADING = (
    selectinload(Notice.attachments),
    selectinload(Notice.versions).load_only(NoticeVersion.number, NoticeVersion.created_at, NoticeVersion.reason),
)


def page_parameters(what):
    """?page= and ?per_page= as positive_int_arg reads them."""
    return [
        query("page", integer(minimum=1, maximum=MAX_PAGE, default=1), _l("Số trang, từ 1.")),
        query(
            "per_page",
            integer(minimum=1, maximum=MAX_PAGE, default=DEFAULT_PER_PAGE),
            _l("Số %(what)s mỗi trang; trên %(max)s thì trả %(max)s.", what=what, max=MAX_PER_PAGE),
        ),
    ]


# The filters of NoticeFilters.from_args, shared with /search.
NOTICE_FILTER_PARAMETERS = [
    query("unit", string(), _l("Mã đơn vị: thông báo của đơn vị đó và mọi đơn vị trực thuộc.")),
    query("category", string(enum=list(NOTICE_CATEGORIES)), _l("Lĩnh vực.")),
    query(
        "status",
        string(enum=[*PUBLIC_STATUS_FILTERS, "all"]),
        _l(
            "current: đang niêm yết; expired: hết hạn; withdrawn: đã thu hồi; all: cả ba. Mặc định: current và expired."
        ),
    ),
    query("from", string(format="date"), _l("Niêm yết từ ngày (YYYY-MM-DD).")),
    query("to", string(format="date"), _l("Niêm yết đến ngày (YYYY-MM-DD), không trước from.")),
]
NOTICE_PAGE_SCHEMA = component(
    "NoticePage",
    obj(
        {
            "items": array(NOTICE_SCHEMA),
            "page": integer(minimum=1),
            "per_page": integer(minimum=1, maximum=MAX_PER_PAGE),
            "pages": integer(minimum=0),
            "total": integer(minimum=0),
        }
    ),
)
NOTICE_DETAIL_SCHEMA = component(
    "NoticeDetail",
    {
        "allOf": [
            NOTICE_SCHEMA,
            obj(
                {
                    "consultation": nullable(CONSULTATION_SCHEMA),
                    "community_decisions": array(DECISION_SCHEMA, _l("Quyết định của cộng đồng dân cư.")),
                }
            ),
        ]
    },
)
NOTICE_ID = {"notice_id": _l("Số của thông báo.")}


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


@operation(
    _l("Danh sách đơn vị hành chính"),
    tag="units",
    description=_l("Theo mã, gồm cả đơn vị cũ đã sắp xếp (có valid_to và successor)."),
    parameters=[
        query("parent", string(), _l("Mã đơn vị cấp trên: chỉ các đơn vị trực thuộc.")),
        query("kind", string(enum=list(UNIT_KINDS)), _l("Cấp đơn vị.")),
    ],
    examples={"parent": "24", "kind": "commune"},
    responses={200: json_response(_l("Các đơn vị."), obj({"items": array(UNIT_SCHEMA), "total": integer(minimum=0)}))},
    errors=(400, 404, 503),
)
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


@operation(
    _l("Danh sách thông báo công khai"),
    tag="notices",
    description=_l("Mới niêm yết trước; cùng bộ lọc với trang danh sách thông báo."),
    parameters=[*NOTICE_FILTER_PARAMETERS, *page_parameters(_l("thông báo"))],
    examples={"unit": "24", "status": "current", "per_page": 5},
    responses={200: json_response(_l("Một trang thông báo."), NOTICE_PAGE_SCHEMA)},
    errors=(400, 503),
)
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


@operation(
    _l("Một thông báo"),
    tag="notices",
    description=_l("Kèm đợt lấy ý kiến (nếu có) và quyết định của cộng đồng dân cư. Bản nháp không tồn tại với API."),
    path=NOTICE_ID,
    examples={"notice_id": 1},
    responses={200: json_response(_l("Thông báo."), NOTICE_DETAIL_SCHEMA)},
    errors=(404, 503),
)
@blueprint.get("/notices/<int:notice_id>")
def get_notice(notice_id):
    """One public notice; drafts do not exist for the API."""
    if notice_id > MAX_ID:
        abort(404)
    query = select(Notice).options(joinedload(Notice.unit), *NOTICE_ITEM_LOADING).where(Notice.id == notice_id)
    notice = db.session.scalar(query)
    if notice is None or not notice.is_public:
        abort(404)
    return jsonify({**notice_item(notice), **notice_consultation_fields(notice)})
