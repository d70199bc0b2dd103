"""Matching and ranking: document sets from the index's postings, combined and ranked in Python.

Whoosh is pure Python: scoring every posting of a common syllable with BM25 costs seconds at
100,000 notices, and every Vietnamese syllable is common. So the index is used as a store of
postings (document numbers per term; phrase positions for quoted phrases), and:

- a word matches a notice if its folded form is anywhere in the notice (title, summary,
  body, legal reference, category, units) or, for a document number, in the codes field;
- quoted phrases must match in order; unquoted words must all match up to two words, all but
  one from three to six, two thirds beyond;
- notices rank first by how many of the words they contain (all words first), then by a
  score: each word found in the title, the summary, with the exact diacritics typed, or as
  a whole document number adds weight (rarer words weigh more), and consecutive query
  syllables standing together in the title or summary (a Vietnamese word) add more;
- ties go to the newest posting;
- when nothing matches, unknown words are corrected from the index's own vocabulary and
  any one word may match ("did you mean" and a relaxed search).
"""

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from whoosh.query import And, NumericRange, Or, Phrase, Term

from app.search.analysis import pair_key
from app.search.documents import UNIT_LEVELS
from app.search.query import ParsedQuery, Word

# Weights of a word found in each place, multiplied by the word's rarity.
BASE_WEIGHT = 1.0
TITLE_WEIGHT = 3.0
SUMMARY_WEIGHT = 1.5
EXACT_WEIGHT = 2.0  # the spelling typed with diacritics, in the title or summary
CODE_WEIGHT = 6.0  # a whole document number such as 123/qd-ubnd
PAIR_WEIGHT = 2.0  # two query syllables standing together in the title or summary
SPELLING_FIELDS = ("all_folded",)
MAX_PAGE = 500
FILTER_CACHE_SIZE = 64


@dataclass
class IndexResults:
    """One page of matches, in order, with the figures of the whole result set."""

    ids: list = field(default_factory=list)
    total: int = 0
    facets: dict = field(default_factory=dict)  # {"category": {value: count}, "unit": {code: count}}
    suggestion: list | None = None  # corrected folded tokens, one list per query unit
    relaxed: bool = False  # no notice had every word: these have some of them


class _Postings:
    """Document-number sets of terms on one searcher, limited to the documents the filters allow."""

    def __init__(self, searcher, allowed):
        self.searcher = searcher
        self.allowed = allowed
        self._cache = {}

    def docs(self, query):
        key = repr(query)
        if key not in self._cache:
            self._cache[key] = set(self.searcher.docs_for_query(query)) & self.allowed
        return self._cache[key]

    def term(self, fieldname, text):
        return self.docs(Term(fieldname, text))

    def tokens(self, fieldname, tokens):
        return self.term(fieldname, tokens[0]) if len(tokens) == 1 else self.docs(Phrase(fieldname, list(tokens)))


def _word_docs(postings, word):
    docs = postings.tokens("all_folded", word.folded)
    if word.code:
        docs = docs | postings.term("codes", word.code)
    return docs


def _required_count(count):
    if count <= 2:
        return count
    if count <= 6:
        return count - 1
    return math.ceil(count * 2 / 3)


def _match(postings, parsed, words, relaxed):
    """Return ({doc: number of words matched}, matched docs) for the words and the required phrases."""
    counts = Counter()
    for word in words:
        counts.update(_word_docs(postings, word))
    need = 1 if relaxed else _required_count(len(words))
    matched = {doc for doc, count in counts.items() if count >= need} if words else set(postings.allowed)
    if not relaxed:
        for phrase in parsed.phrases:
            matched &= postings.tokens("all_folded", phrase.folded)
            for doc in matched:
                counts[doc] += 1
    return counts, matched


def _rarity(postings, docs):
    return math.log(1 + len(postings.allowed) / (1 + len(docs)))


def _scores(postings, parsed, words, matched):
    scores = defaultdict(float)

    def add(docs, weight):
        for doc in docs & matched:
            scores[doc] += weight

    for word in [*words, *parsed.phrases]:
        rarity = _rarity(postings, postings.tokens("all_folded", word.folded))
        add(postings.tokens("all_folded", word.folded), BASE_WEIGHT * rarity)
        if not word.is_compound:
            add(postings.term("title_folded", word.folded[0]), TITLE_WEIGHT * rarity)
            add(postings.term("summary_folded", word.folded[0]), SUMMARY_WEIGHT * rarity)
            if word.has_marks:
                add(postings.term("exact", word.exact[0]), EXACT_WEIGHT * rarity)
        if word.code:
            add(postings.term("codes", word.code), CODE_WEIGHT * rarity)
    for units in [words, *([list(_singles(phrase))] for phrase in parsed.phrases)]:
        for first, second in zip(units, units[1:], strict=False):
            if first.is_compound or second.is_compound:
                continue
            docs = postings.term("pairs", pair_key(first.folded[0], second.folded[0]))
            add(docs, PAIR_WEIGHT * _rarity(postings, docs))
    return scores


def _singles(phrase):
    for exact, folded in zip(phrase.exact, phrase.folded, strict=True):
        yield Word(exact=(exact,), folded=(folded,))


def _filter_query(request):
    today = request.today.toordinal()
    conditions = []
    if request.status == "withdrawn":
        conditions.append(Term("status", "withdrawn"))
    elif request.status == "all":
        conditions.append(Or([Term("status", "published"), Term("status", "withdrawn")]))
    else:
        conditions.append(Term("status", "published"))
        if request.status == "current":
            conditions += [NumericRange("posting_start", None, today), NumericRange("posting_end", today, None)]
        elif request.status == "expired":
            conditions.append(NumericRange("posting_end", None, today - 1))
    if request.unit_code:
        conditions.append(Term("units", request.unit_code))
    if request.category:
        conditions.append(Term("category", request.category))
    if request.date_from or request.date_to:
        low = request.date_from.toordinal() if request.date_from else None
        high = request.date_to.toordinal() if request.date_to else None
        conditions.append(NumericRange("posting_start", low, high))
    return And(conditions)


def _filter_docs(searcher, request, cache):
    """Return the set of document numbers the filters allow, computed once per searcher."""
    key = (request.today, request.status, request.unit_code, request.category, request.date_from, request.date_to)
    if key not in cache:
        if len(cache) >= FILTER_CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = set(searcher.docs_for_query(_filter_query(request)))
    return cache[key]


def _facets(searcher, request, matched):
    reader = searcher.reader()
    categories = reader.column_reader("category")
    facets = {"category": dict(Counter(categories[doc] for doc in matched))}
    # Counts by the level below the chosen unit; if that level has a single value, the next one says more.
    levels = []
    for level in (request.unit_depth, request.unit_depth + 1):
        if level < UNIT_LEVELS:
            column = reader.column_reader(f"unit_l{level}")
            levels.append({key: count for key, count in Counter(column[doc] for doc in matched).items() if key})
    facets["unit"] = next((counts for counts in levels if len(counts) > 1), next((c for c in levels if c), {}))
    facets["category"] = {key: count for key, count in facets["category"].items() if key}
    return facets


def _page(searcher, request, matched, sort_key):
    page = max(1, min(request.page, MAX_PAGE))
    wanted = page * request.per_page
    top = heapq.nlargest(wanted, matched, key=sort_key)
    offset = (page - 1) * request.per_page
    numbers = searcher.reader().column_reader("nid")
    return [numbers[doc] for doc in top[offset : offset + request.per_page]]


def _newest_key(searcher):
    starts = searcher.reader().column_reader("posting_start")
    numbers = searcher.reader().column_reader("nid")
    return lambda doc: (starts[doc], numbers[doc])


def _run(searcher, request, postings, words, relaxed=False):
    parsed = request.parsed
    counts, matched = _match(postings, parsed, words, relaxed)
    if not matched:
        return IndexResults()
    newest = _newest_key(searcher)
    if request.sort == "newest" or parsed.is_empty:
        key = newest
    else:
        scores = _scores(postings, parsed, words, matched)
        key = lambda doc: (counts[doc], round(scores[doc], 6), *newest(doc))  # noqa: E731
    return IndexResults(
        ids=_page(searcher, request, matched, key), total=len(matched), facets=_facets(searcher, request, matched)
    )


def _candidates(searcher, token):
    maxdist = 1 if len(token) <= 4 else 2
    found = []
    for name in SPELLING_FIELDS:
        for candidate in searcher.corrector(name).suggest(token, limit=5, maxdist=maxdist):
            if candidate not in found:
                found.append(candidate)
    return found


def _corrected_query(parsed, corrected):
    """Return a ParsedQuery with each unit's folded tokens replaced by `corrected`."""

    def unit_with(unit, tokens):
        if tuple(tokens) == unit.folded:
            return unit
        return Word(exact=tuple(tokens), folded=tuple(tokens))

    count = len(parsed.words)
    return ParsedQuery(
        text=parsed.text,
        words=[unit_with(unit, tokens) for unit, tokens in zip(parsed.words, corrected[:count], strict=True)],
        phrases=[unit_with(unit, tokens) for unit, tokens in zip(parsed.phrases, corrected[count:], strict=True)],
    )


def _suggest(postings, parsed):
    """Return corrected folded tokens per query unit, or None when no correction finds anything.

    A word unknown to the index is replaced by the close spelling that, with the other
    words, matches the most notices (then the most frequent one).
    """
    units = [*parsed.words, *parsed.phrases]
    corrected = [list(unit.folded) for unit in units]
    changed = False
    for position, unit in enumerate(units):
        for index, token in enumerate(unit.folded):
            if token.isdigit() or len(token) < 2 or postings.searcher.doc_frequency("all_folded", token):
                continue
            best, best_score = None, (0, 0)
            for candidate in _candidates(postings.searcher, token):
                trial = [list(tokens) for tokens in corrected]
                trial[position][index] = candidate
                query = _corrected_query(parsed, trial)
                _, matched = _match(postings, query, query.words, relaxed=False)
                score = (len(matched), postings.searcher.doc_frequency("all_folded", candidate))
                if score[0] and score > best_score:
                    best, best_score = candidate, score
            if best is not None:
                corrected[position][index] = best
                changed = True
    return corrected if changed else None


def search(searcher, request, filter_cache=None):
    """Run a SearchRequest on a Whoosh searcher; return IndexResults."""
    postings = _Postings(searcher, _filter_docs(searcher, request, {} if filter_cache is None else filter_cache))
    parsed = request.parsed
    results = _run(searcher, request, postings, parsed.words)
    if results.total or parsed.is_empty:
        return results
    suggestion = _suggest(postings, parsed)
    words = [*parsed.words, *(single for phrase in parsed.phrases for single in _singles(phrase))]
    if suggestion:
        for unit, tokens in zip([*parsed.words, *parsed.phrases], suggestion, strict=True):
            words += [Word(exact=(token,), folded=(token,)) for token in tokens if token not in unit.folded]
    relaxed = _run(searcher, request, postings, words, relaxed=True)
    relaxed.relaxed = relaxed.total > 0
    relaxed.suggestion = suggestion
    return relaxed
