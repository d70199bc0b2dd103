"""GET /api/v1/search."""

from flask import jsonify, request

from app.api import blueprint
from app.api.serializers import notice_item
from app.errors import error_response
from app.search import services


def _search_item(notice, highlights):
    item = notice_item(notice)
    item["highlights"] = {field: str(markup) for field, markup in highlights.items()}
    return item


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
