"""Atom 1.0 documents (written with feedgen) and their responses: ETag, Last-Modified, 304, short caching.

A feed's text holds no clock reading of its own: its `updated` is its newest entry's, so the same data
gives the same bytes, and the ETag (a hash of those bytes) changes exactly when an entry does.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator
from flask import Response, current_app, request

ATOM_TYPE = "application/atom+xml"
FEED_MAX_AGE = 300  # seconds: readers poll, and a correction shows within five minutes
# The `updated` of a feed with no entry yet: the day communes took over from districts (a fixed date, so
# an empty feed keeps its ETag).
EMPTY_FEED_UPDATED = datetime(2025, 7, 1, tzinfo=UTC)
TAG_DATE = "2025"
# Characters XML 1.0 cannot hold; text typed into a form may still carry one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value):
    """`value` as text XML can hold."""
    return _NOT_XML.sub("", str(value or ""))


def tag_uri(specific):
    """A tag: URI (RFC 4151) on the site's host name: an id that never changes with the page's address."""
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    return f"tag:{host},{TAG_DATE}:{specific}"


@dataclass
class Entry:
    id: str
    title: str
    updated: datetime
    link: str
    summary: str
    author: str
    author_uri: str | None = None
    published: datetime | None = None
    categories: list = field(default_factory=list)  # [(term, label)]
    content_html: str | None = None


@dataclass
class Feed:
    id: str
    title: str
    subtitle: str
    self_url: str
    html_url: str
    entries: list

    @property
    def updated(self):
        return max((entry.updated for entry in self.entries), default=EMPTY_FEED_UPDATED)


def render(feed):
    """The feed as UTF-8 Atom 1.0 bytes."""
    generator = FeedGenerator()
    generator.id(feed.id)
    generator.title(xml_text(feed.title))
    generator.subtitle(xml_text(feed.subtitle))
    generator.link(href=feed.html_url, rel="alternate", type="text/html")
    generator.link(href=feed.self_url, rel="self", type=ATOM_TYPE)
    generator.language("vi")
    generator.author({"name": "Công khai", "uri": current_app.config["PUBLIC_BASE_URL"] + "/"})
    generator.generator("Công khai")
    generator.updated(feed.updated)
    for item in feed.entries:
        entry = generator.add_entry(order="append")
        entry.id(item.id)
        entry.title(xml_text(item.title))
        entry.updated(item.updated)
        if item.published is not None:
            entry.published(item.published)
        entry.link(href=item.link, rel="alternate", type="text/html")
        author = {"name": xml_text(item.author)}
        if item.author_uri:
            author["uri"] = item.author_uri
        entry.author(author)
        for term, label in item.categories:
            entry.category({"term": term, "label": xml_text(label)})
        entry.summary(xml_text(item.summary), type="text")
        if item.content_html:
            entry.content(xml_text(item.content_html), type="html")
    return generator.atom_str(pretty=False)


def feed_response(feed):
    """The feed's response; 304 Not Modified when the reader's If-None-Match or If-Modified-Since still holds."""
    body = render(feed)
    response = Response(body, mimetype=ATOM_TYPE)
    response.set_etag(hashlib.sha256(body).hexdigest()[:40])
    response.last_modified = feed.updated
    response.cache_control.public = True
    response.cache_control.max_age = FEED_MAX_AGE
    return response.make_conditional(request)
