"""Fixtures for the public pages: the unit tree, an official, notices in every state."""

import re

import pytest
from sqlalchemy import event

from app.extensions import db
from app.notices import services as notice_services
from app.notices.storage import store_upload
from tests.factories import days_ago, make_notice, make_user

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def official(units):
    """An official of commune 07627."""
    return make_user("official", units[1])


def withdrawn_notice(unit, actor, reason="Văn bản đã được thay thế", **overrides):
    notice = make_notice(unit, actor, **overrides)
    notice_services.withdraw_notice(notice, reason, actor)
    db.session.commit()
    return notice


def expired_notice(unit, actor, **overrides):
    return make_notice(unit, actor, posting_start=days_ago(40), posting_end=days_ago(10), **overrides)


def attach_pdf(notice, actor, name="Quyết định 123.pdf", data=PDF_BYTES):
    stored = store_upload(data, name)
    reason = "Bổ sung văn bản" if notice.status == "published" else ""
    attachment = notice_services.add_attachment(notice, stored, name, actor, reason=reason)
    db.session.commit()
    return attachment


def section(html, heading_id):
    """Return the HTML of the <section> whose heading has this id."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def result_titles(html):
    """Titles of the notice cards on a page, in order."""
    return re.findall(r'<h3><a href="/notices/\d+">([^<]*)</a></h3>', html)


def count_queries(client, url):
    """GET url and return how many SQL statements it ran."""
    statements = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    return len(statements)
