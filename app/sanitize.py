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


def clean_html(html):
    """Return official HTML reduced to the allow-list: no scripts, handlers, styles or js: URLs."""
    if not html:
        return ""
    return _linker.linkify(_cleaner.clean(_CODE_ELEMENTS.sub("", html))).strip()


def html_to_text(html):
    """Return the visible text of HTML (for search, feeds and plain-text views)."""
    if not html:
        return ""
    spaced = re.sub(r"(?i)<br\s*/?>|</(p|li|h[2-4]|tr|blockquote)>", "\n", html)
    return html_module.unescape(bleach.clean(spaced, tags=set(), strip=True)).strip()
