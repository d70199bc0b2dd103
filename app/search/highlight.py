"""Highlighted snippets: the text is escaped, only the <mark> tags are markup. No Whoosh."""

from markupsafe import Markup, escape

from app.search.analysis import WORD_RE, fold, normalize, place_tone

SNIPPET_CHARS = 220
_LEAD_CHARS = 60  # context kept before the first match of a snippet
_JOINABLE_GAP = frozenset(" /-.,")  # matches separated only by these form one mark ("giải phóng", "123/QĐ")


def _matches(text, tokens, exact_tokens):
    spans = []
    for match in WORD_RE.finditer(text):
        word = match.group(0)
        if fold(word) in tokens or place_tone(word.lower()) in exact_tokens:
            start, end = match.span()
            if spans and len(text[spans[-1][1] : start]) <= 2 and set(text[spans[-1][1] : start]) <= _JOINABLE_GAP:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
    return spans


def _window(text, spans, max_chars):
    """Return (start, end) of the passage with the most distinct matched words, cut at spaces."""
    best, best_score = None, -1
    for first_start, _ in spans:
        start = max(0, first_start - _LEAD_CHARS)
        inside = {fold(text[s:e]) for s, e in spans if s >= start and e <= start + max_chars}
        if len(inside) > best_score:
            best, best_score = (start, first_start), len(inside)
    start, first_start = best
    end = min(len(text), start + max_chars)
    if start > 0:
        space = text.find(" ", start, first_start)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", first_start, end)
        end = space if space != -1 else end
    return start, end


def highlight(text, terms, max_chars=None):
    """Return escaped text with the words matching `terms` wrapped in <mark>, or None if none match.

    `terms` is (folded, exact): words typed without diacritics match any spelling; words
    typed with them match that spelling, or any spelling if the text has none of them.
    With `max_chars`, return only the best passage of about that length.
    """
    folded, exact = terms
    text = normalize(text)
    if not text or not (folded or exact):
        return None
    spans = _matches(text, folded, exact) or _matches(text, folded | {fold(token) for token in exact}, set())
    if not spans:
        return None
    start, end = 0, len(text)
    if max_chars and len(text) > max_chars:
        start, end = _window(text, spans, max_chars)
    parts = ["…" if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        parts.append(escape(text[position:span_start]))
        parts.append(Markup("<mark>%s</mark>") % text[span_start:span_end])
        position = span_end
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append("…")
    return Markup("").join(parts)
