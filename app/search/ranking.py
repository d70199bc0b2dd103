"""Matching and ranking: document sets from the index's postings, combined and ranked in Python.

Whoosh is pure Python: scoring every posting of a common syllable with BM25 costs seconds at
100,000 notices, and every Vietnamese syllable is common. So the index is used as a store of
postings (document numbers per term; phrase positions for quoted phrases), read into bitmaps
(docsets.py) so that matching, facets and ranking never loop over the matched notices, and:

- a word matches a notice if its folded form is anywhere in the notice (title, summary,
  body, legal reference, category, units) or, for a document number, in the codes field;
- quoted phrases must match in order; unquoted words must all match up to two words, all but
  one from three to six, two thirds beyond;
- notices rank first by how many of the words they contain (all words first), then by a
  score: each word found in the title, the summary, with the exact diacritics typed, or as
  a whole document number adds weight (rarer words weigh more), and consecutive query
  syllables standing together in the title or summary (a Vietnamese word) add more;
- ties go to the newest posting (notices with the same words in the same places tie, so the
  ranking works on classes of equal score, each a bitmap, and orders only the page's class by date);
- when nothing matches, unknown words are corrected from the index's own vocabulary and
  any one word may match ("did you mean" and a relaxed search).
"""

import math
from collections import defaultdict
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
MIN_NOTICES_FOR_COMMON = 10  # below this many notices, no word counts as held by most of them
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
    """Document bitmaps of terms on one searcher, limited to the documents the filters allow."""

    def __init__(self, sets, allowed):
        self.sets = sets
        self.searcher = sets.searcher
        self.allowed = allowed
        self.allowed_count = allowed.bit_count()

    def term(self, fieldname, text):
        return self.sets.term(fieldname, text) & self.allowed

    def tokens(self, fieldname, tokens):
        if len(tokens) == 1:
            return self.term(fieldname, tokens[0])
        return self.sets.query(Phrase(fieldname, list(tokens))) & self.allowed


def _folded_docs(postings, word):
    """The documents holding the word, or one of its synonyms with their words standing together."""
    docs = postings.tokens("all_folded", word.folded)
    for spelling in word.synonyms:
        docs |= postings.tokens("all_folded", spelling)
    return docs


def _word_docs(postings, word):
    docs = _folded_docs(postings, word)
    if word.code:
        docs = docs | postings.term("codes", word.code)
    return docs


def _required_count(count):
    if count <= 2:
        return count
    if count <= 6:
        return count - 1
    return math.ceil(count * 2 / 3)


@dataclass
class _Match:
    """The matched documents, and by how many words each matched (levels[k]: at least k words)."""

    matched: int
    levels: list
    need: int


def _match(postings, parsed, words, relaxed):
    """Return the documents matching enough of the words and every required phrase."""
    levels = [postings.allowed] + [0] * len(words)
    word_docs = [_word_docs(postings, word) for word in words]
    for number, docs in enumerate(word_docs, start=1):
        for count in range(number, 0, -1):
            levels[count] |= levels[count - 1] & docs
    need = 1 if relaxed else _required_count(len(words))
    matched = levels[need] if words else postings.allowed
    if relaxed:
        # Any one word may match, but not one that most notices hold ("đến", "xã"): alone it says
        # nothing of what was asked ("den bu" found every notice).
        has_common_words = postings.allowed_count >= MIN_NOTICES_FOR_COMMON
        matched = 0
        for docs in word_docs:
            if not has_common_words or docs.bit_count() * 2 <= postings.allowed_count:
                matched |= docs
    else:
        # Every matched notice contains every phrase: the phrases add the same count to each.
        for phrase in parsed.phrases:
            matched &= postings.tokens("all_folded", phrase.folded)
    return _Match(matched=matched, levels=levels, need=need)


def _rarity(postings, docs):
    return math.log(1 + postings.allowed_count / (1 + docs.bit_count()))


def _features(postings, parsed, words):
    """Return [(documents, weight)] in the order the weights add up: a notice's score is the sum of its weights."""
    features = []
    for word in [*words, *parsed.phrases]:
        docs = _folded_docs(postings, word)
        rarity = _rarity(postings, docs)
        features.append((docs, BASE_WEIGHT * rarity))
        if not word.is_compound:
            features.append((postings.term("title_folded", word.folded[0]), TITLE_WEIGHT * rarity))
            features.append((postings.term("summary_folded", word.folded[0]), SUMMARY_WEIGHT * rarity))
            if word.has_marks:
                features.append((postings.term("exact", word.exact[0]), EXACT_WEIGHT * rarity))
        if word.code:
            features.append((postings.term("codes", word.code), CODE_WEIGHT * rarity))
    for units in [words, *([list(_singles(phrase))] for phrase in parsed.phrases)]:
        for first, second in zip(units, units[1:], strict=False):
            if first.is_compound or second.is_compound:
                continue
            docs = postings.term("pairs", pair_key(first.folded[0], second.folded[0]))
            features.append((docs, PAIR_WEIGHT * _rarity(postings, docs)))
    return features


def _singles(phrase):
    for exact, folded in zip(phrase.exact, phrase.folded, strict=True):
        yield Word(exact=(exact,), folded=(folded,))


def _score_classes(group, features):
    """Split `group` into classes of equal score; return [(score, documents)], best first.

    Notices with the same features have the same score, so the classes are found with a few
    bitmap operations per feature instead of a sum per notice. Scores are summed feature by
    feature in order, and rounded, exactly as a per-notice sum would be.
    """
    parts = [(group, ())]
    for index, (docs, _) in enumerate(features):
        split = []
        for part, indices in parts:
            inside = part & docs
            if not inside:
                split.append((part, indices))
            elif inside == part:
                split.append((part, (*indices, index)))
            else:
                split.append((inside, (*indices, index)))
                split.append((part & ~docs, indices))
        parts = split
    classes = defaultdict(int)
    for part, indices in parts:
        score = 0.0
        for index in indices:
            score += features[index][1]
        classes[round(score, 6)] |= part
    return sorted(classes.items(), reverse=True)


def _relevance_classes(postings, parsed, words, match, wanted):
    """Yield bitmaps in rank order (most words, then best score); their notices tie until the newest-first order."""
    features = None
    top = len(words) if words else 0
    for count in range(top, match.need - 1, -1):
        level = match.matched if not words else match.matched & match.levels[count]
        if words and count < top:
            level &= ~match.levels[count + 1]
        if not level:
            continue
        if features is None:
            features = _features(postings, parsed, words)
        for _, docs in _score_classes(level, features):
            yield docs
            wanted -= docs.bit_count()
        if wanted <= 0:
            return


def _page_docs(sets, classes, offset, per_page):
    """Return the documents at [offset, offset + per_page) of the ranked classes, each newest first."""
    end = offset + per_page
    position = 0
    page = []
    for docs in classes:
        size = docs.bit_count()
        if position + size > offset:
            ordered = sets.newest(docs, end - position)
            page.extend(ordered[max(0, offset - position) :])
        position += size
        if position >= end:
            break
    return page[:per_page]


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


def _filter_docs(sets, request):
    """Return the bitmap of the documents the filters allow, computed once per searcher."""
    cache = sets.filters
    key = (request.today, request.status, request.unit_code, request.category, request.date_from, request.date_to)
    if key not in cache:
        if len(cache) >= FILTER_CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = sets.query(_filter_query(request))
    return cache[key]


def _value_counts(sets, fieldname, matched):
    counts = {}
    for value in sets.searcher.reader().field_terms(fieldname):
        if value:
            count = (matched & sets.term(fieldname, value)).bit_count()
            if count:
                counts[value] = count
    return counts


def _facets(sets, request, matched):
    facets = {"category": _value_counts(sets, "category", matched)}
    # Counts by the level below the chosen unit; if that level has a single value, the next one says more.
    levels = []
    for level in (request.unit_depth, request.unit_depth + 1):
        if level < UNIT_LEVELS:
            levels.append(_value_counts(sets, f"unit_l{level}", matched))
    facets["unit"] = next((counts for counts in levels if len(counts) > 1), next((c for c in levels if c), {}))
    return facets


def _run(sets, request, postings, words, relaxed=False):
    parsed = request.parsed
    match = _match(postings, parsed, words, relaxed)
    if not match.matched:
        return IndexResults()
    page = max(1, min(request.page, MAX_PAGE))
    offset = (page - 1) * request.per_page
    if request.sort == "newest" or parsed.is_empty:
        classes = [match.matched]
    else:
        classes = _relevance_classes(postings, parsed, words, match, offset + request.per_page)
    docs = _page_docs(sets, classes, offset, request.per_page)
    return IndexResults(
        ids=[sets.notice_id(doc) for doc in docs],
        total=match.matched.bit_count(),
        facets=_facets(sets, request, match.matched),
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
                matched = _match(postings, query, query.words, relaxed=False).matched
                score = (matched.bit_count(), postings.searcher.doc_frequency("all_folded", candidate))
                if score[0] and score > best_score:
                    best, best_score = candidate, score
            if best is not None:
                corrected[position][index] = best
                changed = True
    return corrected if changed else None


def search(sets, request):
    """Run a SearchRequest on a searcher's DocSets; return IndexResults."""
    postings = _Postings(sets, _filter_docs(sets, request))
    parsed = request.parsed
    results = _run(sets, request, postings, parsed.words)
    if results.total or parsed.is_empty:
        return results
    suggestion = _suggest(postings, parsed)
    words = [*parsed.words, *(single for phrase in parsed.phrases for single in _singles(phrase))]
    if suggestion:
        for unit, tokens in zip([*parsed.words, *parsed.phrases], suggestion, strict=True):
            words += [Word(exact=(token,), folded=(token,)) for token in tokens if token not in unit.folded]
    relaxed = _run(sets, request, postings, words, relaxed=True)
    relaxed.relaxed = relaxed.total > 0
    relaxed.suggestion = suggestion
    return relaxed
