"""The Atom feeds: /feeds/notices.atom, /feeds/units/<code>.atom, /feeds/categories/<c>.atom, /feeds/answers.atom.

Always in Vietnamese (a feed is one shared document, cached by readers and proxies alike).
"""

from flask import abort
from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import AdministrativeUnit
from app.glossary import NOTICE_CATEGORIES, category_label
from app.opendata import blueprint
from app.opendata.answers import latest_public_answers
from app.opendata.atom import Feed, feed_response, tag_uri
from app.opendata.changes import NoticeScope, latest_changes
from app.opendata.feed_entries import EntryWriter
from app.urls import public_url

MAX_CODE_LENGTH = 16


def _notice_feed(scope, specific, title, html_url, self_url):
    writer = EntryWriter()
    entries = [writer.notice_entry(change) for change in latest_changes(scope)]
    subtitle = _("Thông báo mới đăng, đính chính hoặc thu hồi gần đây nhất (tối đa 50).")
    return feed_response(Feed(tag_uri(specific), title, subtitle, self_url, html_url, entries))


@blueprint.get("/feeds/notices.atom")
def notices_feed():
    """Every public notice, the last changed first."""
    with force_locale("vi"):
        return _notice_feed(
            NoticeScope(),
            "feeds:notices",
            _("Thông báo niêm yết công khai"),
            public_url("notices.list_notices"),
            public_url("opendata.notices_feed"),
        )


@blueprint.get("/feeds/units/<code>.atom")
def unit_feed(code):
    """The notices of a unit and of every unit under it."""
    unit = AdministrativeUnit.by_code(code) if len(code) <= MAX_CODE_LENGTH else None
    if unit is None:
        abort(404)
    with force_locale("vi"):
        return _notice_feed(
            NoticeScope(unit=unit),
            f"feeds:units:{unit.code}",
            _("Thông báo của %(name)s", name=unit.name),
            public_url("notices.show_unit", code=unit.code),
            public_url("opendata.unit_feed", code=unit.code),
        )


@blueprint.get("/feeds/categories/<category>.atom")
def category_feed(category):
    """The notices of one category (land recovery, budget…)."""
    if category not in NOTICE_CATEGORIES:
        abort(404)
    with force_locale("vi"):
        return _notice_feed(
            NoticeScope(category=category),
            f"feeds:categories:{category}",
            _("Thông báo lĩnh vực %(category)s", category=category_label(category)),
            public_url("notices.list_notices", category=category),
            public_url("opendata.category_feed", category=category),
        )


@blueprint.get("/feeds/answers.atom")
def answers_feed():
    """The answers officials made public on notices, newest first."""
    with force_locale("vi"):
        writer = EntryWriter()
        entries = [writer.answer_entry(answer) for answer in latest_public_answers()]
        feed = Feed(
            tag_uri("feeds:answers"),
            _("Hỏi đáp công khai"),
            _("Câu hỏi của người dân về các thông báo và câu trả lời của chính quyền (tối đa 50)."),
            public_url("opendata.answers_feed"),
            public_url("notices.index"),
            entries,
        )
        return feed_response(feed)
