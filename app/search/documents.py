"""What a notice contributes to the index: plain data, no Whoosh."""

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask_babel import force_locale

from app.glossary import category_label
from app.search.analysis import codes, normalize

# Elements whose end separates words (so "<p>a</p><p>b</p>" is "a b", not "ab").
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption footer h1 h2 h3 h4 h5 h6 header hr li "
    "main nav ol p pre section table tbody td tfoot th thead tr ul".split()
)
_SKIPPED_TAGS = frozenset({"script", "style", "template"})
# Statuses whose notices are in the index; drafts never are.
INDEXED_STATUSES = ("published", "withdrawn")
# Levels of the unit tree indexed one by one for facets (province, former district, commune, …).
UNIT_LEVELS = 5


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup):
    """Return the visible text of (sanitised) HTML, with blocks separated by spaces."""
    if not markup:
        return ""
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # malformed markup: index the unescaped text instead
        return " ".join(html.unescape(markup).split())
    return " ".join("".join(parser.parts).split())


@dataclass
class UnitInfo:
    """What the index needs of an administrative unit: its code path and names."""

    codes: list  # from the root down to the unit itself
    names: list


@dataclass
class NoticeDocument:
    """The indexed form of a notice."""

    notice_id: int
    status: str
    category: str
    title: str
    summary: str
    body: str
    meta: str
    codes: str
    unit_codes: list = field(default_factory=list)
    posting_start: int = 0  # date ordinals
    posting_end: int = 0


def unit_info(unit):
    """Return the code path and names of a unit and its ancestors, root first."""
    chain = [*unit.ancestors(), unit]
    return UnitInfo(codes=[item.code for item in chain], names=[item.name for item in chain])


def _vietnamese_category_label(category):
    # The index is shared by every visitor: labels are indexed in Vietnamese, whatever the request's locale.
    with force_locale("vi"):
        return str(category_label(category))


def notice_document(notice, unit=None, extra_texts=()):
    """Return the document of a public notice, or None if it must not be in the index.

    `unit` is the notice's UnitInfo when the caller has it cached (rebuilds); `extra_texts`
    are further public texts of the notice (answered public questions, once they exist).
    """
    if notice is None or notice.status not in INDEXED_STATUSES:
        return None
    unit = unit or unit_info(notice.unit)
    body_parts = [html_to_text(notice.body_html), notice.place or "", *extra_texts]
    body = normalize(" ".join(part for part in body_parts if part))
    title = normalize(notice.title)
    summary = normalize(notice.summary)
    legal_reference = normalize(notice.legal_reference or "")
    meta = normalize(" ".join([legal_reference, _vietnamese_category_label(notice.category), *unit.names]))
    found_codes = codes(" ".join([title, summary, legal_reference, body]))
    return NoticeDocument(
        notice_id=notice.id,
        status=notice.status,
        category=notice.category,
        title=title,
        summary=summary,
        body=body,
        meta=meta,
        codes=" ".join(dict.fromkeys(found_codes)),
        unit_codes=unit.codes,
        posting_start=notice.posting_start.toordinal(),
        posting_end=notice.posting_end.toordinal(),
    )
