"""The one HTML sanitiser: official rich text comes in only through clean_html()."""

import html as html_module
import re

import bleach
from bleach.linkifier import Linker

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "blockquote",
        "ul", "ol", "li", "h2", "h3", "h4", "a", "table", "thead", "tbody", "tr",
        "th", "td", "caption", "hr", "pre", "code",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["colspan", "rowspan"], "td": ["colspan", "rowspan"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})

_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def _harden_links(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


_linker = Linker(callbacks=[_harden_links], skip_tags={"pre", "code"})


# Elements whose content is code, not text: dropped whole rather than unwrapped.
_CODE_ELEMENTS = re.compile(r"(?is)<(script|style|template|iframe|object)\b.*?(</\1\s*>|$)")


# Any tag at all: text without one was typed in a plain textarea (the editor without JavaScript).
_ANY_TAG = re.compile(r"</?[a-zA-Z!]")
_BLANK_LINES = re.compile(r"\n\s*\n")


def _paragraphs(text):
    """Plain text as HTML: a blank line starts a paragraph, a single line break stays one."""
    blocks = (block.strip() for block in _BLANK_LINES.split(text.replace("\r\n", "\n")))
    return "".join(
        "<p>" + "<br>".join(html_module.escape(line.strip()) for line in block.split("\n")) + "</p>"
        for block in blocks
        if block
    )


def clean_html(html):
    """Return official HTML reduced to the allow-list: no scripts, handlers, styles or js: URLs.

    Text without any tag (typed with JavaScript off, so without the editor) keeps its paragraphs.
    """
    if not html:
        return ""
    if not _ANY_TAG.search(html):
        html = _paragraphs(html)
    return _linker.linkify(_cleaner.clean(_CODE_ELEMENTS.sub("", html))).strip()


def html_to_text(html):
    """Return the visible text of HTML (for search, feeds and plain-text views)."""
    if not html:
        return ""
    spaced = re.sub(r"(?i)<br\s*/?>|</(p|li|h[2-4]|tr|blockquote)>", "\n", html)
    spaced = re.sub(r"(?i)</t[dh]>", " ", spaced)  # cells of a row: words, not one fused word
    return html_module.unescape(bleach.clean(spaced, tags=set(), strip=True)).strip()
