"""Vietnamese text analysis: normalise, tokenise, fold tone marks and đ.

Two forms of every word are indexed:
- exact: NFC, lower-cased, tone mark placed the same way ("hoà" and "hòa" agree);
- folded: as exact, then without tone or vowel marks and with đ → d ("đất" → "dat").

A citizen who types without diacritics matches the folded form; one who types with them
also matches the exact form, which ranks exact spellings first. Text is normalised to NFC
before tokenising: decomposed input (NFD, pasted from some documents) would otherwise be
split in the middle of a word, since combining marks are not word characters.

Only this module and backend.py import Whoosh.
"""

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import Filter, RegexTokenizer

# A word: letters and digits, plus any combining marks left after NFC (stray or
# uncomposable marks must not split a word). Underscores are separators.
WORD_PATTERN = r"[^\W_](?:[^\W_]|[\u0300-\u036f])*"
# A code or a number with its punctuation: 123/QĐ-UBND, 10/2022/QH15, 5%, 1.250,5, 15/12/2026.
CODE_PATTERN = r"[^\W_]+(?:[/\-.,:][^\W_]+)+%?|[^\W_]+%"
WORD_RE = re.compile(WORD_PATTERN)
CODE_RE = re.compile(CODE_PATTERN)

# Characters that carry no text: soft hyphen, joiners and BOM vanish; a zero-width space is a break.
_INVISIBLE = {**dict.fromkeys(map(ord, "\u00ad\u200c\u200d\u2060\ufeff"), None), 0x200B: " "}
# Letters NFD does not decompose: đ, and ð which legacy font conversions leave for đ.
_FOLD_LETTERS = str.maketrans({"đ": "d", "ð": "d"})
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

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
    text = _CONTROL_RE.sub(" ", str(text).translate(_INVISIBLE))
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


def pair_key(first, second):
    """The indexed form of two folded words standing together (words never contain "_")."""
    return f"{first}_{second}"


def exact_analyzer():
    """Analyzer of the exact fields."""
    return VietnameseTokenizer() | ExactFilter()


def folded_analyzer():
    """Analyzer of the folded fields."""
    return VietnameseTokenizer() | FoldFilter()


def pairs_analyzer():
    """Analyzer of the pairs field: consecutive folded words, for ranking words that stand together."""
    return VietnameseTokenizer() | FoldFilter() | PairFilter()


def code_analyzer():
    """Analyzer of the codes field: document numbers, dates and percentages kept whole, folded."""
    return VietnameseTokenizer(CODE_PATTERN) | FoldFilter()


def codes(text):
    """Return the folded codes of a text ("Quyết định 123/QĐ-UBND" → ["123/qd-ubnd"])."""
    return [strip_marks(match.group(0).lower()) for match in CODE_RE.finditer(normalize(text))]
