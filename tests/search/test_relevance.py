"""Every expected notice is in the first three results of the queries citizens type."""

from datetime import timedelta

import pytest

from app.clock import local_today
from app.notices.queries import NoticeFilters
from app.search import services
from tests.search.corpus import NOTICES, QUERIES


def _arguments(filters):
    arguments = dict(filters)
    for name, value in filters.items():
        if value.startswith("past:"):
            arguments[name] = (local_today() - timedelta(days=int(value[5:]))).isoformat()
    return arguments


def test_corpus_and_query_set_are_large_enough():
    assert len(NOTICES) >= 40
    assert len(QUERIES) >= 60


@pytest.mark.parametrize(
    ("query", "expected", "filters"),
    QUERIES,
    ids=[f"{number:02d}-{entry[0][:40]}" for number, entry in enumerate(QUERIES)],
)
def test_expected_notices_are_in_the_top_three(corpus, query, expected, filters):
    result = services.search(query, NoticeFilters.from_args(_arguments(filters)), "relevance", 1)
    assert not result.degraded
    top = [corpus[notice.id] for notice in result.notices[:3]]
    missing = [key for key in expected if key not in top]
    assert not missing, f"{query!r}: top 3 {top}, expected {expected}"
