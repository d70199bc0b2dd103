"""Fixtures for the open-data surfaces: a province with two communes (and one of another province), staff,
and helpers that read a feed with feedparser and a sitemap with ElementTree."""

from xml.etree import ElementTree

import feedparser
import pytest

from app.extensions import db
from app.notices import services as notice_services
from tests.factories import make_notice, make_unit, make_user

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def other_province(units):
    """Another province with one commune: (province "19", commune "05000")."""
    province = make_unit("19", "Tỉnh Thái Nguyên", "province")
    commune = make_unit("05000", "Xã Phú Lương", "commune", province)
    db.session.commit()
    return province, commune


@pytest.fixture
def official(units):
    """An official of commune 07627."""
    return make_user("official", units[1])


def withdraw(notice, actor, reason="Văn bản đã được thay thế"):
    notice_services.withdraw_notice(notice, reason, actor)
    db.session.commit()
    return notice


def correct(notice, actor, reason, **fields):
    version = notice_services.correct_notice(notice, fields, reason, actor)
    db.session.commit()
    return version


def read_feed(client, url, **headers):
    """GET an Atom feed and parse it with feedparser; fail on anything but a clean 200."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def entry_titles(feed):
    return [entry.title for entry in feed.entries]


def sitemap_locations(client, url):
    """(root tag, [loc]) of a sitemap or sitemap index, parsed as XML."""
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.get_data())  # noqa: S314  (our own server's answer)
    return root.tag.split("}")[1], [element.text for element in root.iterfind(".//sm:loc", SITEMAP_NS)]


__all__ = ["make_notice"]


def submit(client, **fields):
    """Send the citizen's form as a browser does; return the new item (read back from the database)."""
    from sqlalchemy import select

    from app.feedback.models import Feedback

    response = client.post("/feedback/new", data=fields)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    db.session.rollback()
    return db.session.scalar(select(Feedback).order_by(Feedback.id.desc()).limit(1))


def answer(client, official, item, answer_html, public_question=None):
    """The official signs in, answers the item (in public when a public question is given), signs out."""
    from tests.factories import PASSWORD

    assert client.post("/login", data={"username": official.username, "password": PASSWORD}).status_code == 302
    data = {"reply-answer_html": answer_html}
    if public_question is not None:
        data |= {"reply-is_public": "y", "reply-public_question": public_question}
    response = client.post(f"/manage/queue/{item.id}/reply", data=data)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
    client.post("/logout")
    db.session.rollback()
