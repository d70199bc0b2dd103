"""What a citizen typed, made safe to search: words, quoted phrases, codes. No Whoosh.

Any input parses: unbalanced quotes, operators, 5,000 characters, punctuation only or
emoji give a (possibly empty) query, never an error. Nothing the citizen types is ever
interpreted as query syntax.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from app.search.analysis import codes, fold, has_marks, normalize, words

MAX_QUERY_CHARS = 300
MAX_WORDS = 12
MAX_PHRASES = 4
MAX_TOKEN_CHARS = 40  # longer "words" are pasted garbage, not Vietnamese
QUOTE_CHARS = frozenset('"“”„‟«»″＂')
# Boolean operators people paste from other search engines; they are not Vietnamese words.
OPERATORS = frozenset({"AND", "OR", "NOT", "&&", "||", "VÀ", "HOẶC"})
SORTS = ("relevance", "newest")


@dataclass(frozen=True)
class Word:
    """One unit of the query: a word, or a compound such as 123/QĐ-UBND or a quoted phrase."""

    exact: tuple  # lower-case NFC tokens, diacritics kept
    folded: tuple  # the same tokens without diacritics
    code: str | None = None  # the whole compound, folded, when it is a document number or figure
    # Other spellings from the synonym table (folded word tuples): a notice holding one of them, words
    # standing together, holds this word and the rest of its run ("gpmb" for "giai phong mat bang").
    synonyms: tuple = ()

    @property
    def has_marks(self):
        """Whether the citizen typed diacritics (so exact matches should rank first)."""
        return any(has_marks(token) for token in self.exact)

    @property
    def is_compound(self):
        return len(self.exact) > 1

    def display(self):
        return " ".join(self.exact)


@dataclass
class ParsedQuery:
    """The searchable parts of a query string."""

    text: str = ""  # the normalised text that was searched (shown back to the citizen)
    words: list = field(default_factory=list)  # Word, each should match
    phrases: list = field(default_factory=list)  # Word with several tokens, each must match in order
    truncated: bool = False

    @property
    def is_empty(self):
        return not self.words and not self.phrases

    def highlight_terms(self):
        """Return (folded, exact) tokens to highlight: exact ones for words typed with diacritics."""
        folded, exact = set(), set()
        for unit in self.words:
            folded.update(token for spelling in unit.synonyms for token in spelling)
        for unit in (*self.words, *self.phrases):
            for exact_token, folded_token in zip(unit.exact, unit.folded, strict=True):
                if has_marks(exact_token):
                    exact.add(exact_token)
                else:
                    folded.add(folded_token)
        return folded, exact


def _word(chunk):
    exact = tuple(token for token in words(chunk) if len(token) <= MAX_TOKEN_CHARS)
    if not exact:
        return None
    found = codes(chunk)
    code = found[0] if len(found) == 1 else None
    return Word(exact=exact, folded=tuple(fold(token) for token in exact), code=code)


def _split_quotes(text):
    """Return [(is_quoted, segment)]; a quote without its pair is read as a space."""
    positions = [index for index, char in enumerate(text) if char in QUOTE_CHARS]
    if len(positions) % 2:
        positions = positions[:-1]
    segments, start, inside = [], 0, False
    for position in positions:
        segments.append((inside, text[start:position]))
        start, inside = position + 1, not inside
    segments.append((False, text[start:]))
    return [(quoted, "".join(" " if char in QUOTE_CHARS else char for char in segment)) for quoted, segment in segments]


def with_synonyms(words, table):
    """Return the words, each run of them the table knows carrying its other spellings.

    Runs are found left to right, longest first: "giai phong mat bang" is one run, not four.
    Quoted phrases are left alone: they mean exactly what was typed.
    """
    expanded = list(words)
    start = 0
    while start < len(words):
        for end in range(min(len(words), start + table.longest), start, -1):
            alternatives = table.alternatives(token for word in words[start:end] for token in word.folded)
            if alternatives:
                for position in range(start, end):
                    expanded[position] = replace(words[position], synonyms=alternatives)
                start = end
                break
        else:
            start += 1
    return expanded


def parse_query(raw, synonyms=None):
    """Parse a query string into words and phrases, with `synonyms` (a SynonymTable) applied (never raises)."""
    text = " ".join(normalize(raw or "").split())
    parsed = ParsedQuery()
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
        parsed.truncated = True
    parsed.text = text
    seen = set()
    for quoted, segment in _split_quotes(text):
        if quoted:
            unit = _word(segment)
            if unit is None or unit.folded in seen:
                continue
            seen.add(unit.folded)
            if unit.is_compound and len(parsed.phrases) < MAX_PHRASES:
                parsed.phrases.append(Word(exact=unit.exact, folded=unit.folded))
            elif not unit.is_compound and len(parsed.words) < MAX_WORDS:
                parsed.words.append(unit)
            else:
                parsed.truncated = True
            continue
        for chunk in segment.split():
            if chunk.upper() in OPERATORS:
                continue
            unit = _word(chunk)
            if unit is None or unit.folded in seen:
                continue
            if len(parsed.words) >= MAX_WORDS:
                parsed.truncated = True
                break
            seen.add(unit.folded)
            parsed.words.append(unit)
    if synonyms is not None:
        parsed.words = with_synonyms(parsed.words, synonyms)
    return parsed


@dataclass
class SearchRequest:
    """A query with its filters, sort and page, as the index answers it."""

    parsed: ParsedQuery
    unit_code: str | None = None
    unit_depth: int = 0  # how many codes the filter unit's path has (0 without a unit filter)
    category: str | None = None
    status: str | None = None  # None: published (current, upcoming, expired); or current/expired/withdrawn/all
    date_from: date | None = None
    date_to: date | None = None
    today: date | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
