"""The /search page."""

from flask import render_template, request, url_for
from sqlalchemy import select

from app.accounts.models import AdministrativeUnit
from app.extensions import db
from app.glossary import NOTICE_CATEGORIES, PUBLIC_STATUS_FILTERS
from app.notices.queries import NoticeFilters
from app.search import blueprint, services

SEARCH_ARGS = ("q", "unit", "category", "status", "from", "to", "sort")
CLEARED_FILTERS = {"unit": None, "category": None, "status": None, "from": None, "to": None}


def _unit_choices(current):
    """Units offered in the filter: the chosen unit's ancestors, itself and its children."""
    base = current
    if base is None:
        roots = db.session.scalars(
            select(AdministrativeUnit).where(AdministrativeUnit.parent_id.is_(None)).order_by(AdministrativeUnit.name)
        ).all()
        if len(roots) != 1:
            return [(unit, 0) for unit in roots]
        base = roots[0]
    chain = [*base.ancestors(), base]
    return [(unit, depth) for depth, unit in enumerate(chain)] + [(child, len(chain)) for child in base.children]


def _page_numbers(page, pages):
    """Page numbers to link, with None for a gap: 1 … 4 5 6 … 20."""
    shown = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    numbers = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def _url_builder(values):
    def search_url(changes=None):
        """Return the URL of this search with some arguments changed (None removes one); page resets."""
        changes = changes or {}
        arguments = {**values, "page": None, **changes}
        return url_for("search.search", **{key: value for key, value in arguments.items() if value})

    return search_url


@blueprint.route("/search")
def search():
    """Full-text search with filters, facets and highlighted snippets."""
    filter_error = None
    try:
        query_text, filters, sort, page = services.parse_search_args(request.args, typed_dates=True)
    except services.FilterError as error:
        filter_error = error
        query_text, filters, sort, page = request.args.get("q") or "", NoticeFilters(), "relevance", 1
    result = services.search(query_text, filters, sort, page)
    values = {"q": query_text[:500], **filters.as_args(), "sort": sort if sort != "relevance" else None}
    return render_template(
        "search/search.html",
        result=result,
        values={name: values.get(name) or "" for name in SEARCH_ARGS},
        search_url=_url_builder(values),
        active_filters=bool(filters.as_args()),
        cleared_filters=CLEARED_FILTERS,
        filter_error=filter_error,
        unit_choices=_unit_choices(filters.unit),
        unit_facets=[(unit.code, unit.name, count) for unit, count in result.unit_facets],
        chosen_unit_name=filters.unit.name if filters.unit else None,
        categories=NOTICE_CATEGORIES,
        statuses=PUBLIC_STATUS_FILTERS,
        page_numbers=_page_numbers(result.page, result.pages),
    )
