"""Vietnamese text analysis: normalise, tokenise, fold tone marks and đ.

Two forms of every word are indexed:
- exact: NFC, lower-cased, tone mark placed the same way ("hoà" and "hòa" agree);
- folded: as exact, then without tone or vowel marks and with đ → d ("đất" → "dat").

A citizen who types without diacritics matches the folded form; one who types with them
also matches the exact form, which ranks exact spellings first. Text is normalised to NFC
before tokenising: decomposed input (NFD, pasted from some documents) would otherwise be
split in the middle of a word, since combining marks are not word characters.

Each analyzer has a plain function that returns the same terms (`folded_terms`, …):
the index is written through those (IndexedWords), a rebuild analysing some 30 million
words without one Whoosh token object and filter generator step per word.
"""

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache

from whoosh.analysis import Filter, RegexTokenizer
from whoosh.fields import TEXT
from whoosh.formats import Existence

# A word: letters and digits, plus any combining marks left after NFC (stray or
# uncomposable marks must not split a word). Underscores are separators.
WORD_PATTERN = r"[^\W_](?:[^\W_]|[\u0300-\u036f])*"
# A code or a number with its punctuation: 123/QĐ-UBND, 10/2022/QH15, 5%, 1.250,5, 15/12/2026.
CODE_PATTERN = r"[^\W_]+(?:[/\-.,:][^\W_]+)+%?|[^\W_]+%"
WORD_RE = re.compile(WORD_PATTERN)
CODE_RE = re.compile(CODE_PATTERN)

# Characters that carry no text: soft hyphen, joiners and BOM vanish; a zero-width space is a break.
_INVISIBLE = {**dict.fromkeys(map(ord, "\u00ad\u200c\u200d\u2060\ufeff"), None), 0x200B: " "}
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
# Letters NFD does not decompose: đ, and ð which legacy font conversions leave for đ.
_FOLD_LETTERS = str.maketrans({"đ": "d", "ð": "d"})
_CONTROL_RE = re.compile(f"[{_CONTROLS}]")
_STRAY_RE = re.compile(f"[{_CONTROLS}{''.join(map(chr, _INVISIBLE))}]")  # either of the above

# Tone placement: the old style puts the tone on the first vowel of a final oa, oe, uy
# ("hòa", "thủy"), the new style on the second ("hoà", "thuỷ"). Both are common; the
# exact form uses the old style. "qu" is a consonant, so "quý" is never rewritten.
_TONED = {"a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ", "o": "òóỏõọ", "u": "ùúủũụ"}
_NEW_STYLE_FINAL_RE = re.compile(r"(?<!q)([ou])([àáảãạèéẻẽẹỳýỷỹỵ])$")


def _tone_index(letter):
    for toned in _TONED.values():
        if letter in toned:
            return toned.index(letter)
    return -1


def normalize(text):
    """Return text in NFC without invisible or control characters (the form everything is indexed in)."""
    if not text:
        return ""
    text = str(text)
    if _STRAY_RE.search(text):  # rare: translating every text costs more than looking
        text = _CONTROL_RE.sub(" ", text.translate(_INVISIBLE))
    return unicodedata.normalize("NFC", text)


# Words are short and few (Vietnamese has some thousands of syllables): indexing and highlighting
# fold the same words millions of times, so folded words are remembered. Longer text is not.
_CACHED_WORD_CHARS = 40
_WORD_CACHE_SIZE = 200_000


def strip_marks(text):
    """Remove tone and vowel marks and turn đ into d (lower-case input)."""
    if len(text) <= _CACHED_WORD_CHARS:
        return _strip_word_marks(text)
    return _strip_marks(text)


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _strip_word_marks(text):
    return _strip_marks(text)


def _strip_marks(text):
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_LETTERS))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", bare)


def fold(text):
    """Return the diacritic-insensitive form: NFC, lower case, no marks, đ → d."""
    if isinstance(text, str) and len(text) <= _CACHED_WORD_CHARS:
        return _fold_word(text)
    return strip_marks(normalize(text).lower())


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _fold_word(text):
    return strip_marks(normalize(text).lower())


def place_tone(word):
    """Return a lower-case NFC word with a final oa/oe/uy toned in the old style ("hoà" → "hòa")."""
    if len(word) <= _CACHED_WORD_CHARS:
        return _place_word_tone(word)
    return _place_tone(word)


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _place_word_tone(word):
    return _place_tone(word)


def _place_tone(word):
    match = _NEW_STYLE_FINAL_RE.search(word)
    if match is None:
        return word
    first, second = match.group(1), match.group(2)
    tone = _tone_index(second)
    plain_second = strip_marks(second)
    if (first, plain_second) not in (("o", "a"), ("o", "e"), ("u", "y")):
        return word
    return word[: match.start()] + _TONED[first][tone] + plain_second


def words(text):
    """Return the exact (lower-case, NFC) words of a text, in order."""
    return [place_tone(match.group(0).lower()) for match in WORD_RE.finditer(normalize(text))]


def has_marks(word):
    """Whether a word carries any diacritic (so an exact match means something)."""
    return fold(word) != word


class VietnameseTokenizer(RegexTokenizer):
    """A regex tokenizer that first normalises the text to NFC (queries and documents alike)."""

    def __init__(self, expression=WORD_PATTERN):
        super().__init__(expression)

    def __call__(self, value, **kwargs):
        return super().__call__(normalize(value), **kwargs)


class ExactFilter(Filter):
    """Lower-case and place the tone mark consistently, keeping every diacritic."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = place_tone(token.text.lower())
            yield token


class FoldFilter(Filter):
    """Lower-case and remove tone and vowel marks, with đ → d."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = strip_marks(token.text.lower())
            yield token


class PairFilter(Filter):
    """Turn folded words into the pairs of consecutive words ("giai phong mat" → giai_phong, phong_mat)."""

    def __call__(self, tokens):
        previous = None
        for token in tokens:
            text = token.text
            if previous is not None:
                token.text = pair_key(previous, text)
                yield token
            previous = text


class MarkedFilter(Filter):
    """Keep only the words that carry a diacritic (exact words without any are their folded form)."""

    def __call__(self, tokens):
        for token in tokens:
            if has_marks(token.text):
                yield token


def pair_key(first, second):
    """The indexed form of two folded words standing together (words never contain "_")."""
    return f"{first}_{second}"


def exact_analyzer():
    """Analyzer of the exact fields."""
    return VietnameseTokenizer() | ExactFilter()


def folded_analyzer():
    """Analyzer of the folded fields."""
    return VietnameseTokenizer() | FoldFilter()


def marked_analyzer():
    """Analyzer of the exact field: exact words that carry a diacritic.

    A word typed without diacritics never looks in the exact field (it would find what the
    folded fields find), so words without any are left out of it: a quarter of its postings.
    """
    return exact_analyzer() | MarkedFilter()


def pairs_analyzer():
    """Analyzer of the pairs field: consecutive folded words, for ranking words that stand together."""
    return VietnameseTokenizer() | FoldFilter() | PairFilter()


def code_analyzer():
    """Analyzer of the codes field: document numbers, dates and percentages kept whole, folded."""
    return VietnameseTokenizer(CODE_PATTERN) | FoldFilter()


def codes(text):
    """Return the folded codes of a text ("Quyết định 123/QĐ-UBND" → ["123/qd-ubnd"])."""
    return [strip_marks(match.group(0).lower()) for match in CODE_RE.finditer(normalize(text))]


# --- the same terms as the analyzers, as plain functions (for indexing) ---------------------------


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _folded_token(token):
    return strip_marks(token.lower())


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _marked_token(token):
    exact = place_tone(token.lower())
    return exact if has_marks(exact) else None


def folded_terms(text):
    """The terms folded_analyzer yields for a text, in order."""
    return [_folded_token(token) for token in WORD_RE.findall(normalize(text))]


def marked_terms(text):
    """The terms marked_analyzer yields for a text, in order."""
    return [term for term in map(_marked_token, WORD_RE.findall(normalize(text))) if term is not None]


def pair_terms(text):
    """The terms pairs_analyzer yields for a text, in order."""
    folded = folded_terms(text)
    return [pair_key(first, second) for first, second in zip(folded, folded[1:], strict=False)]


def code_terms(text):
    """The terms code_analyzer yields for a text, in order."""
    return [_folded_token(token) for token in CODE_RE.findall(normalize(text))]


class IndexedWords(TEXT):
    """A TEXT field written through a term function (`terms(text)`: what its analyzer yields).

    Positions are kept only with `phrase` (quoted phrases); the other fields record only
    which notices hold a term. Not scorable: ranking reads which notices hold a term
    (docsets.py), never frequencies or field lengths, so neither is written.
    """

    def __init__(self, analyzer, terms, phrase=False):
        super().__init__(analyzer=analyzer, phrase=phrase)
        self.terms = terms
        self.scorable = False
        if not phrase:
            self.format = Existence()

    def index(self, value, **kwargs):
        """Yield (term bytes, frequency, weight, encoded positions) per distinct term, as TEXT.index would."""
        if not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        terms = self.terms(value)
        if not self.format.supports("positions"):
            for term in set(terms):
                yield term.encode(), 1, 1.0, b""
            return
        positions = defaultdict(list)
        for position, term in enumerate(terms):
            positions[term].append(position)
        encode = self.format.encode
        for term, found in positions.items():
            yield term.encode(), len(found), float(len(found)), encode(found)
