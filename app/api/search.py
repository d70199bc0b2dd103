"""GET /api/v1/search."""

from flask import jsonify, request
from flask_babel import lazy_gettext as _l

from app.api import blueprint
from app.api.openapi import array, component, integer, json_response, nullable, obj, operation, query, string
from app.api.serializers import NOTICE_SCHEMA, notice_item
from app.api.views import NOTICE_FILTER_PARAMETERS
from app.errors import error_response
from app.search import services
from app.search.query import SORTS
from app.search.ranking import MAX_PAGE

FACETS = array(obj({"value": string(), "label": string(), "count": integer(minimum=0)}))
SEARCH_PAGE_SCHEMA = component(
    "SearchPage",
    obj(
        {
            "items": array(
                {
                    "allOf": [
                        NOTICE_SCHEMA,
                        obj(
                            {
                                "highlights": {
                                    "type": "object",
                                    "additionalProperties": string(),
                                    "description": _l("title, summary, body: đoạn trích HTML, từ khớp trong <mark>."),
                                }
                            }
                        ),
                    ]
                }
            ),
            "total": integer(minimum=0),
            "page": integer(minimum=1, maximum=MAX_PAGE),
            "pages": integer(minimum=0),
            "per_page": integer(minimum=1),
            "facets": obj({"category": FACETS, "unit": FACETS}),
            "suggestion": nullable(string(_l("Gợi ý sửa chính tả cho từ khóa."))),
            "degraded": {"type": "boolean", "description": _l("true khi chỉ mục tìm kiếm tạm không dùng được.")},
            "notes": array(string(), _l("Ghi chú hiển thị trên kết quả.")),
        }
    ),
)


def _search_item(notice, highlights):
    item = notice_item(notice)
    item["highlights"] = {field: str(markup) for field, markup in highlights.items()}
    return item


@operation(
    _l("Tìm kiếm thông báo"),
    tag="search",
    description=_l(
        "Không phân biệt hoa thường và dấu (đ → d); cụm từ trong dấu ngoặc kép; 20 kết quả mỗi trang, "
        "có đoạn trích tô sáng và số lượng theo lĩnh vực, đơn vị."
    ),
    parameters=[
        query("q", string(), _l("Từ khóa.")),
        *NOTICE_FILTER_PARAMETERS,
        query("sort", string(enum=list(SORTS), default="relevance"), _l("relevance: phù hợp nhất; newest: mới nhất.")),
        query(
            "page",
            integer(minimum=1, default=1),
            _l("Số trang, từ 1; trên %(max)s thì trả trang %(max)s.", max=MAX_PAGE),
        ),
    ],
    examples={"q": "giai phong mat bang", "sort": "relevance"},
    responses={200: json_response(_l("Một trang kết quả."), SEARCH_PAGE_SCHEMA)},
    errors=(400, 503),
)
@blueprint.route("/search")
def search_notices():
    """Search public notices: q, unit, category, status, from, to, sort, page; 20 items a page."""
    try:
        query_text, filters, sort, page = services.parse_search_args(request.args)
    except services.FilterError as error:
        message = str(error.message)
        return error_response(400, message, errors={error.field: message})
    result = services.search(query_text, filters, sort, page)
    return jsonify(
        items=[_search_item(notice, result.highlights.get(notice.id, {})) for notice in result.notices],
        total=result.total,
        page=result.page,
        pages=result.pages,
        per_page=result.per_page,
        facets=result.facets_as_dict(),
        suggestion=result.suggestion,
        degraded=result.degraded,
        notes=[str(note) for note in result.notes],
    )
