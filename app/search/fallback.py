"""A plain database search for when this node's index is missing or broken.

Each word must appear (case-insensitively, as typed) in the title, the summary or the legal
reference. It is slower and plainer than the index (no folding of diacritics on SQLite,
no ranking, no facets), but it always answers. Nothing heavy happens here: no rebuild.
"""

from sqlalchemy import or_

from app.notices.models import Notice
from app.notices.queries import paginate, public_notices_query
from app.search.query import MAX_WORDS

MAX_FALLBACK_TERMS = MAX_WORDS


def database_search(parsed, filters, page, per_page):
    """Return a Flask-SQLAlchemy pagination of public notices matching every typed word."""
    # As the index does: an upcoming notice is found (and marked so), unlike in the lists.
    query = public_notices_query(filters, include_upcoming=True)
    terms = [" ".join(phrase.exact) for phrase in parsed.phrases]
    for word in parsed.words:
        terms.extend(word.exact)
    for term in terms[:MAX_FALLBACK_TERMS]:
        query = query.where(
            or_(
                Notice.title.icontains(term, autoescape=True),
                Notice.summary.icontains(term, autoescape=True),
                Notice.legal_reference.icontains(term, autoescape=True),
            )
        )
    return paginate(query, page, per_page)
