"""SMS text as Vietnamese carriers send it unaccented: GSM-7 basic characters, at most 160 of them.

Diacritics are dropped (ư → u, ơ → o, ế → e), đ/Đ become d/D, typographic punctuation becomes its
plain form, and anything else outside the GSM-7 basic set is replaced (or `?` as a last resort), so one
message is one SMS segment and every phone shows it the same.
"""

import re
import unicodedata

SMS_LIMIT = 160
# The GSM 03.38 basic character set (one septet each; the extension table costs two, so it is avoided).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_REPLACEMENTS = {
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "Ð": "D",
    "‘": "'",
    "’": "'",
    "‚": "'",
    "`": "'",
    "´": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "–": "-",
    "—": "-",
    "‐": "-",
    "−": "-",
    "…": "...",
    "•": "-",
    "·": ".",
    "[": "(",
    "]": ")",
    "{": "(",
    "}": ")",
    "\\": "/",
    "|": "/",
    "~": "-",
    "^": "",
    "€": "EUR",
    "₫": "d",
    "°": " do ",
    "№": "So ",
    "×": "x",
    "⁄": "/",
}
_SPACES = re.compile(r"\s+")


def _fold_char(char):
    char = _REPLACEMENTS.get(char, char)
    if all(part in GSM7_BASIC or part.isspace() for part in char):
        return char
    compatible = "".join(_REPLACEMENTS.get(part, part) for part in unicodedata.normalize("NFKD", char))
    compatible = "".join(part for part in compatible if not unicodedata.combining(part))
    if compatible and all(part in GSM7_BASIC for part in compatible):
        return compatible  # ﬁ → fi, ½ → 1/2, full-width letters
    return "?"


def fold(text):
    """The text in unaccented GSM-7 basic characters on one line (whitespace runs become one space)."""
    decomposed = unicodedata.normalize("NFD", text or "")
    folded = "".join(_fold_char(char) for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", folded).strip()


def cut(text, limit=SMS_LIMIT):
    """At most `limit` characters, cut at the last word boundary when one is in the last quarter."""
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    boundary = head.rfind(" ")
    if boundary >= limit * 3 // 4:
        return head[:boundary].rstrip()
    return text[:limit].rstrip()


def sms_text(text, limit=SMS_LIMIT):
    """`text` folded to unaccented GSM-7 and cut to one SMS."""
    return cut(fold(text), limit)
