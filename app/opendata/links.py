"""What the <head> of a public page tells other programs: its Atom feeds, and a notice's share tags.

base.html calls `atom_feed_links()` for <link rel="alternate" type="application/atom+xml">; it reads the
page's own context (the notice, the unit, the list's filters), so no view passes anything. The notice page's
OpenGraph and Twitter-card tags (notices/_share_meta.html) use `public_url` and `iso_local`.
"""

from dataclasses import dataclass

from flask import has_request_context, request, url_for
from flask_babel import gettext as _
from jinja2 import pass_context

from app.clock import to_local
from app.glossary import category_label
from app.urls import public_url


@dataclass(frozen=True)
class FeedLink:
    title: str
    url: str


def _all_notices():
    return FeedLink(_("Thông báo mới (Atom)"), url_for("opendata.notices_feed"))


def _unit(unit):
    return FeedLink(_("Thông báo của %(name)s (Atom)", name=unit.name), url_for("opendata.unit_feed", code=unit.code))


def _category(category):
    return FeedLink(
        _("Thông báo lĩnh vực %(category)s (Atom)", category=category_label(category)),
        url_for("opendata.category_feed", category=category),
    )


@pass_context
def atom_feed_links(context):
    """The feeds of the page being rendered: [FeedLink], most specific first."""
    endpoint = request.endpoint if has_request_context() else None
    links = []
    if endpoint == "notices.show_notice":
        notice = context.get("notice")
        if notice is not None and notice.is_public:
            links += [_unit(notice.unit), _category(notice.category)]
    elif endpoint == "notices.show_unit":
        unit = context.get("unit")
        if unit is not None:
            links.append(_unit(unit))
    elif endpoint == "notices.list_notices":
        filters = context.get("filters")
        if filters is not None and filters.unit is not None:
            links.append(_unit(filters.unit))
        if filters is not None and filters.category:
            links.append(_category(filters.category))
        links.append(_all_notices())
    elif endpoint == "notices.index":
        links += [_all_notices(), FeedLink(_("Hỏi đáp công khai (Atom)"), url_for("opendata.answers_feed"))]
    return links


def iso_local(moment):
    """A stored UTC time as ISO 8601 in Vietnam time, as OpenGraph's article times are written."""
    return to_local(moment).isoformat(timespec="seconds") if moment else ""


def init_head_links(app):
    """Let every page's <head> name its feeds, and a notice page carry its absolute address and share tags."""
    app.add_template_global(atom_feed_links)
    app.add_template_global(public_url)
    app.add_template_filter(iso_local)
