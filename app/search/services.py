"""The search interface the rest of the app calls. Nothing outside app/search imports Whoosh.

- notice_changed(notice): note, in the caller's transaction, that the index must follow;
- search(q, filters, sort, page): one page of results with highlights and facets;
- rebuild(progress), sync(), status(), prune_changes(days): maintenance (CLI).

The index is derived data: every function here copes with a missing or broken index.
"""

import logging
import math
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.accounts.models import AdministrativeUnit
from app.clock import local_today, utcnow
from app.extensions import db
from app.glossary import NOTICE_CATEGORIES
from app.notices.models import Notice
from app.notices.queries import FilterError, NoticeFilters, page_number
from app.search import changes
from app.search.backend import SearchIndex
from app.search.documents import html_to_text
from app.search.fallback import database_search
from app.search.generations import RebuildRunning
from app.search.highlight import SNIPPET_CHARS, highlight
from app.search.index_errors import IndexUnavailable
from app.search.parallel import RebuildFailed
from app.search.query import SORTS, SearchRequest, parse_query
from app.search.ranking import MAX_PAGE
from app.search.synonyms import current_synonyms

log = logging.getLogger(__name__)

PER_PAGE = 20
SEARCH_APPLY_TIMEOUT = 2.0  # a citizen's search waits at most this long for the index writer
REQUEST_APPLY_TIMEOUT = 15.0  # the request that published waits longer, so it finds its notice
SYNC_APPLY_TIMEOUT = 120.0
MAX_FACET_VALUES = 20
DEGRADED_NOTE = _l("Chức năng tìm kiếm đầy đủ đang được khôi phục; kết quả dưới đây là tìm kiếm đơn giản.")

__all__ = [
    "FilterError",
    "RebuildFailed",
    "RebuildRunning",
    "SearchPage",
    "notice_changed",
    "parse_search_args",
    "prune_changes",
    "rebuild",
    "search",
    "status",
    "sync",
]


def get_index():
    """Return this node's index (SEARCH_INDEX_DIR)."""
    return SearchIndex(current_app.config["SEARCH_INDEX_DIR"])


# --- keeping the index in step with the database ---------------------------------------------


def notice_changed(notice):
    """Note, in the current transaction, that a notice's public content changed.

    Drafts are never indexed, so their changes are not logged.
    """
    if notice.status == "draft":
        return
    changes.record_change(notice)


def apply_committed():
    """After commit: index what this request or command committed, before it ends."""
    changes.apply_committed(get_index, REQUEST_APPLY_TIMEOUT)


def apply_pending(timeout=SEARCH_APPLY_TIMEOUT):
    """Apply this node's pending changes if any; return how many (never raises for a busy index)."""
    return changes.apply_if_pending(get_index(), timeout)


def rebuild(progress=None):
    """Rebuild this node's index from the database, into a new directory swapped in atomically.

    Commits the caller's session first: the index is built from committed data, read in
    short transactions so that the site keeps writing meanwhile. `progress(done, total)` is
    called after each notice. Changes committed during the rebuild are replayed from the
    change log afterwards. SEARCH_REBUILD_PROCESSES processes analyse the notices, sharing
    SEARCH_REBUILD_MEMORY_MB of sort buffers. Returns the number of notices indexed; raises
    RebuildRunning if another rebuild of this node's index is in progress, RebuildFailed if
    the new index came out incomplete (the live one keeps serving).
    """
    db.session.commit()
    with Session(db.engine) as session:
        # Read the log position before the notices: anything later is replayed, never lost.
        last_change_id = changes.latest_change_id(session)
        total = changes.count_indexable(session)
        session.rollback()
        report = None if progress is None else (lambda done: progress(done, total))
        count = get_index().rebuild(
            changes.all_documents(session),
            last_change_id,
            report,
            processes=current_app.config["SEARCH_REBUILD_PROCESSES"],
            memory_mb=current_app.config["SEARCH_REBUILD_MEMORY_MB"],
        )
    changes.apply_if_pending(get_index(), SYNC_APPLY_TIMEOUT, end_transactions=True)
    return count


def sync(progress=None):
    """Bring this node's index up to date: build it if missing or outdated, else apply pending changes.

    Commits the caller's session (before and after). Returns ("rebuilt", count) or ("applied", count).
    """
    index = get_index()
    if not index.exists():
        return "rebuilt", rebuild(progress)
    db.session.commit()
    return "applied", changes.apply_pending(index, SYNC_APPLY_TIMEOUT, end_transactions=True)


def status():
    """Return a dict describing this node's index and the change log."""
    index_status = get_index().status()
    session = db.session
    latest = changes.latest_change_id(session)
    pending = changes.pending_count(session, index_status.last_change_id) if index_status.healthy else None
    return {
        "directory": index_status.directory,
        "healthy": index_status.healthy,
        "problem": index_status.problem,
        "generation": index_status.generation,
        "built_at": index_status.built_at,
        "indexed": index_status.indexed,
        "indexable": changes.count_indexable(session),
        "last_applied_change": index_status.last_change_id,
        "latest_change": latest,
        "pending": pending,
    }


def prune_changes(days):
    """Delete change-log rows older than `days` days (every node must have applied them); return the count.

    The caller commits.
    """
    return changes.prune(db.session, utcnow() - timedelta(days=days))


# --- searching ---------------------------------------------------------------------------------


@dataclass
class SearchPage:
    """One page of search results, ready for the page and the API."""

    query_text: str = ""
    filters: NoticeFilters = field(default_factory=NoticeFilters)
    sort: str = "relevance"
    notices: list = field(default_factory=list)
    highlights: dict = field(default_factory=dict)  # notice id -> {"title"|"summary"|"body": Markup}
    total: int = 0
    page: int = 1
    pages: int = 0
    per_page: int = PER_PAGE
    category_facets: list = field(default_factory=list)  # [(identifier, label, count)]
    unit_facets: list = field(default_factory=list)  # [(AdministrativeUnit, count)]
    suggestion: str | None = None
    relaxed: bool = False
    degraded: bool = False
    truncated: bool = False
    searched: bool = False  # False when there was nothing to search for
    message: str | None = None

    @property
    def notes(self):
        """Notes to show above the results, most important first."""
        notes = []
        if self.degraded:
            notes.append(DEGRADED_NOTE)
        if self.message:
            notes.append(self.message)
        if self.truncated:
            notes.append(_l("Nội dung tìm kiếm quá dài nên chỉ dùng phần đầu."))
        if self.relaxed:
            notes.append(_l("Không có thông báo nào chứa đủ các từ đã nhập; dưới đây là các thông báo chứa một phần."))
        return notes

    def facets_as_dict(self):
        """Facets as the API shows them."""
        return {
            "category": [
                {"value": value, "label": str(label), "count": count} for value, label, count in self.category_facets
            ],
            "unit": [{"value": unit.code, "label": unit.name, "count": count} for unit, count in self.unit_facets],
        }


def parse_search_args(args, typed_dates=False):
    """Return (q, filters, sort, page) from query arguments; raise FilterError for a bad filter."""
    query_text = args.get("q") or ""
    filters = NoticeFilters.from_args(args, typed_dates)
    sort = (args.get("sort") or "relevance").strip()
    if sort not in SORTS:
        raise FilterError("sort", _l("Cách sắp xếp phải là relevance hoặc newest."))
    return query_text, filters, sort, page_number(args.get("page"), MAX_PAGE)


def _load_notices(ids, filters):
    if not ids:
        return []
    found = db.session.scalars(
        select(Notice)
        .options(joinedload(Notice.unit), selectinload(Notice.attachments), selectinload(Notice.versions))
        .where(Notice.id.in_(ids))
    ).all()
    by_id = {notice.id: notice for notice in found}
    wanted_statuses = {"withdrawn": {"withdrawn"}, "all": {"published", "withdrawn"}}.get(filters.status, {"published"})
    # The index may lag by a moment: never show a notice the database no longer shows this way.
    return [by_id[notice_id] for notice_id in ids if notice_id in by_id and by_id[notice_id].status in wanted_statuses]


def _highlights(notices, parsed):
    terms = parsed.highlight_terms()
    if not (terms[0] or terms[1]):
        return {}
    result = {}
    for notice in notices:
        marks = {
            "title": highlight(notice.title, terms),
            "summary": highlight(notice.summary, terms),
            "body": highlight(html_to_text(notice.body_html), terms, max_chars=SNIPPET_CHARS),
        }
        result[notice.id] = {key: value for key, value in marks.items() if value is not None}
    return result


def _category_facets(counts):
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(value, NOTICE_CATEGORIES.get(value, value), count) for value, count in ordered if value]


def _unit_facets(counts):
    if not counts:
        return []
    units = db.session.scalars(select(AdministrativeUnit).where(AdministrativeUnit.code.in_(list(counts)))).all()
    ordered = sorted(units, key=lambda unit: (-counts[unit.code], unit.name))
    return [(unit, counts[unit.code]) for unit in ordered[:MAX_FACET_VALUES]]


def _suggestion_text(parsed, suggestion):
    if not suggestion:
        return None
    parts = []
    units = [*parsed.words, *parsed.phrases]
    for unit, tokens in zip(units, suggestion, strict=True):
        text = " ".join(tokens) if list(tokens) != list(unit.folded) else unit.display()
        parts.append(f'"{text}"' if unit in parsed.phrases else text)
    return " ".join(parts)


def search(query_text, filters=None, sort="relevance", page=1):
    """Search public notices; return a SearchPage. Never raises for any input."""
    filters = filters or NoticeFilters()
    parsed = parse_query(query_text, synonyms=current_synonyms())
    result = SearchPage(query_text=parsed.text, filters=filters, sort=sort, page=page, truncated=parsed.truncated)
    has_filters = bool(filters.as_args())
    if parsed.is_empty and not has_filters:
        if query_text.strip():
            result.message = _l("Không có chữ hoặc số nào để tìm. Hãy gõ vài từ, ví dụ: giai phong mat bang.")
        return result
    result.searched = True
    request = SearchRequest(
        parsed=parsed,
        unit_code=filters.unit.code if filters.unit else None,
        unit_depth=len([code for code in filters.unit.path.split("/") if code]) if filters.unit else 0,
        category=filters.category,
        status=filters.status,
        date_from=filters.date_from,
        date_to=filters.date_to,
        today=local_today(),
        sort="newest" if parsed.is_empty else sort,
        page=page,
        per_page=PER_PAGE,
    )
    index = get_index()
    changes.apply_if_pending(index, SEARCH_APPLY_TIMEOUT)
    try:
        found = index.search(request)
    except IndexUnavailable as error:
        log.warning("search index unavailable, answering from the database: %s", error)
        return _degraded(result, parsed, filters, page)
    result.total = found.total
    result.pages = min(MAX_PAGE, math.ceil(found.total / PER_PAGE))
    result.notices = _load_notices(found.ids, filters)
    result.highlights = _highlights(result.notices, parsed)
    result.category_facets = _category_facets(found.facets.get("category", {}))
    result.unit_facets = _unit_facets(found.facets.get("unit", {}))
    result.suggestion = _suggestion_text(parsed, found.suggestion)
    result.relaxed = found.relaxed
    return result


def _degraded(result, parsed, filters, page):
    pagination = database_search(parsed, filters, page, PER_PAGE)
    result.degraded = True
    result.total = pagination.total or 0
    result.pages = pagination.pages or 0
    result.notices = list(pagination.items)
    result.highlights = _highlights(result.notices, parsed)
    return result
