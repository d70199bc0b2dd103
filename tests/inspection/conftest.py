"""A small queue and notice set whose figures were worked out by hand (see test_figures.py).

Province 24 with communes A (07627) and B (07615); period 1 April – 31 May 2025; "today" 10 June 2025.
2025 calendar facts used: Mon 7 April (Giỗ Tổ), Wed 30 April, Thu 1 May and Fri 2 May (swapped with the
make-up working Saturday 26 April) are days off.
"""

import itertools
import re
from datetime import date, datetime
from html import unescape

import pytest

from app.clock import LOCAL_TZ
from app.extensions import db
from app.feedback.models import Feedback, FeedbackEvent
from app.inspection.scope import AuditScope
from app.notices import services as notice_services
from tests.factories import make_notice, make_unit, make_user

TODAY = date(2025, 6, 10)
PERIOD = (date(2025, 4, 1), date(2025, 5, 31))
_codes = itertools.count(1)


def local(year, month, day, hour=9, minute=0, second=0):
    """An aware datetime given in Vietnam time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=LOCAL_TZ)


def make_item(unit, kind="petition", received=None, events=(), **fields):
    """A queue item with explicit timestamps and due dates, plus optional events (action, when, actor)."""
    item = Feedback(
        tracking_code=f"PA-TEST-{next(_codes):04d}",
        kind=kind,
        unit=unit,
        text="Đường thôn Đồng Đình bị sạt lở sau mưa, đề nghị xã sửa chữa.",
        received_at=received,
        **fields,
    )
    db.session.add(item)
    db.session.flush()
    for action, when, actor in events:
        db.session.add(FeedbackEvent(feedback=item, action=action, actor=actor, created_at=when, body=""))
    db.session.flush()
    return item


class World:
    """Everything the hand-computed figures are about."""


@pytest.fixture
def world(units):
    """Ten items in the period (A1–A6, B1–B4), three outside it, four notices in it; see the module docstring."""
    province, a, b = units
    other_province = make_unit("01", "Thành phố Hà Nội", "province")
    elsewhere = make_unit("00004", "Phường Ba Đình", "ward", other_province)
    w = World()
    w.province, w.a, w.b = province, a, b
    w.oa = make_user("official", a, username="canbo.a")
    w.ob = make_user("official", b, username="canbo.b")
    w.inspector = make_user("inspector", province, username="thanhtra.tinh")
    w.commune_inspector = make_user("inspector", a, username="thanhtra.xa")
    w.items = {}
    items = w.items
    # A1: answered at 23:59:59 on its deadline day (on time); rated 4.
    items["A1"] = make_item(
        a,
        "petition",
        local(2025, 4, 1),
        acknowledge_due=date(2025, 4, 4),
        resolve_due=date(2025, 4, 23),
        acknowledged_at=local(2025, 4, 3, 10),
        first_response_at=local(2025, 4, 3, 10),
        answered_at=local(2025, 4, 23, 23, 59, 59),
        closed_at=local(2025, 4, 25),
        status="closed",
        rating=4,
        assigned_to=w.oa,
        events=[("acknowledge", local(2025, 4, 3, 10), w.oa), ("reply", local(2025, 4, 23, 23, 59, 59), w.oa)],
    )
    # A2: acknowledged a day late; answered at 00:00 the day after its deadline (late).
    items["A2"] = make_item(
        a,
        "petition",
        local(2025, 4, 2, 8),
        acknowledge_due=date(2025, 4, 8),
        resolve_due=date(2025, 4, 24),
        acknowledged_at=local(2025, 4, 9, 8),
        first_response_at=local(2025, 4, 9, 8),
        answered_at=local(2025, 4, 25, 0),
        status="answered",
        assigned_to=w.oa,
    )
    # A3: the clock paused 15–22 April; the due date moved from 24 April to 8 May; answered 6 May (on time).
    items["A3"] = make_item(
        a,
        "question",
        local(2025, 4, 10, 14),
        resolve_due=date(2025, 5, 8),
        first_response_at=local(2025, 4, 15),
        answered_at=local(2025, 5, 6, 10),
        status="answered",
        rating=5,
        assigned_to=w.oa,
        events=[
            ("request_information", local(2025, 4, 15), w.oa),
            ("receive_information", local(2025, 4, 22), None),
            ("reply", local(2025, 5, 6, 10), w.oa),
        ],
    )
    # A4: accepted, never answered: overdue since 26 May (15 days on 10 June).
    items["A4"] = make_item(
        a,
        "petition",
        local(2025, 5, 5),
        acknowledge_due=date(2025, 5, 8),
        resolve_due=date(2025, 5, 26),
        acknowledged_at=local(2025, 5, 6),
        first_response_at=local(2025, 5, 6),
        status="accepted",
        assigned_to=w.oa,
    )
    # A5: waiting for the citizen (clock paused) past its old due date: open, not overdue; nobody assigned.
    items["A5"] = make_item(
        a,
        "information_request",
        local(2025, 5, 20, 10),
        resolve_due=date(2025, 5, 23),
        first_response_at=local(2025, 5, 21, 10),
        paused_at=local(2025, 5, 21, 10),
        status="waiting_for_citizen",
    )
    # A6: answered, closed, then reopened with a new due date (5 May) and not answered again: overdue 36 days.
    items["A6"] = make_item(
        a,
        "question",
        local(2025, 4, 14),
        resolve_due=date(2025, 5, 5),
        first_response_at=local(2025, 4, 16, 15),
        answered_at=local(2025, 4, 16, 15),
        closed_at=local(2025, 4, 18),
        status="reopened",
        reopen_count=1,
        assigned_to=w.oa,
    )
    # B1: received by A, forwarded to B the next day; B acknowledged and answered on time.
    items["B1"] = make_item(
        b,
        "petition",
        local(2025, 4, 3),
        forwarded_from=a,
        acknowledge_due=date(2025, 4, 9),
        resolve_due=date(2025, 4, 25),
        acknowledged_at=local(2025, 4, 8, 10),
        first_response_at=local(2025, 4, 8, 10),
        answered_at=local(2025, 4, 22, 16),
        status="answered",
        assigned_to=w.ob,
        events=[("forward_internal", local(2025, 4, 4), w.oa), ("acknowledge", local(2025, 4, 8, 10), w.ob)],
    )
    # B2: a complaint rejected the next day (no answer deadline): acknowledged on time by that first response.
    items["B2"] = make_item(
        b,
        "complaint",
        local(2025, 5, 12),
        acknowledge_due=date(2025, 5, 22),
        first_response_at=local(2025, 5, 13),
        closed_at=local(2025, 5, 14),
        status="closed",
        assigned_to=w.ob,
        submitter_name="Lê Văn Khiếu",
        submitter_phone="+84912000111",
    )
    # B3: never acknowledged; acknowledgement due 2 June: overdue 8 days.
    items["B3"] = make_item(
        b,
        "petition",
        local(2025, 5, 28),
        acknowledge_due=date(2025, 6, 2),
        resolve_due=date(2025, 6, 18),
        status="received",
        assigned_to=w.ob,
    )
    # B4: a denunciation sent to an outside agency, then closed: forwarded out of B.
    items["B4"] = make_item(
        b,
        "denunciation",
        local(2025, 4, 21),
        acknowledge_due=date(2025, 5, 5),
        first_response_at=local(2025, 4, 22),
        closed_at=local(2025, 4, 25),
        status="closed",
        assigned_to=w.ob,
        submitter_name="Nguyễn Thị Tố Giác",
        submitter_phone="+84987000222",
        submitter_address="Thôn Bí Mật, xã Sơn Động",
        events=[("forward_external", local(2025, 4, 22), w.ob), ("close", local(2025, 4, 25), w.ob)],
    )
    # Outside the period or the scope.
    items["C0"] = make_item(a, "petition", local(2025, 3, 20), resolve_due=date(2025, 4, 10), status="accepted")
    items["C1"] = make_item(
        a,
        "question",
        local(2025, 3, 25),
        resolve_due=date(2025, 4, 8),
        answered_at=local(2025, 4, 15),
        status="answered",
    )
    items["C2"] = make_item(a, "question", local(2025, 6, 1), resolve_due=date(2025, 6, 13), status="received")
    items["X1"] = make_item(elsewhere, "question", local(2025, 4, 10), resolve_due=date(2025, 4, 24), status="received")
    db.session.commit()

    w.notices = {}
    w.notices["N1"] = make_notice(
        a, w.oa, issued_on=date(2025, 4, 1), posting_start=date(2025, 4, 3), posting_end=date(2025, 5, 3)
    )
    n2 = make_notice(a, w.oa, issued_on=date(2025, 4, 3), posting_start=date(2025, 4, 10), posting_end=date(2025, 5, 5))
    notice_services.correct_notice(n2, {"title": "Thông báo (đính chính lần 1)"}, "Sửa tiêu đề", w.oa)
    notice_services.correct_notice(n2, {"title": "Thông báo (đính chính lần 2)"}, "Sửa lại tiêu đề", w.oa)
    w.notices["N2"] = n2
    n3 = make_notice(b, w.ob, issued_on=None, posting_start=date(2025, 5, 2), posting_end=date(2025, 6, 5))
    notice_services.withdraw_notice(n3, "Văn bản bị thay thế", w.ob)
    w.notices["N3"] = n3
    w.notices["N4"] = make_notice(
        b, w.ob, issued_on=date(2025, 4, 28), posting_start=date(2025, 5, 5), posting_end=date(2025, 6, 4)
    )
    w.notices["N5"] = make_notice(a, w.oa, publish=False, posting_start=date(2025, 4, 20))
    w.notices["N6"] = make_notice(a, w.oa, issued_on=date(2025, 3, 10), posting_start=date(2025, 3, 15))
    db.session.commit()
    w.scope = AuditScope(province, *PERIOD)
    return w


# --- reading the pages ------------------------------------------------------------------------------------

QUERY = "from=2025-04-01&to=2025-05-31"  # the pages' own "today" is the real one: the period is given explicitly
SUBMITTER = {
    "submitter_name": "Trần Thị Riêng Tư",
    "submitter_phone": "+84905123456",
    "submitter_email": "rieng.tu@example.vn",
    "submitter_address": "Số 7 ngõ Kín, thôn Đồng Đình",
}
# How the submitter's details could leak into a page or a file, the phone also as written locally.
SUBMITTER_TRACES = (*SUBMITTER.values(), "0905123456", "905123456", "Lê Văn Khiếu", "912000111", "Tố Giác", "Bí Mật")


def text_of(html):
    """The visible text of an HTML fragment: tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def section(html, heading_id):
    """The <section> labelled by `heading_id`, up to the next section."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    end = html.find("<section", start + 1)
    return html[start : end if end != -1 else len(html)]


def key_figures(html):
    """{label: the text of its figures} of the key figures blocks of an audit page (the period's and today's)."""
    blocks = re.findall(r'<dl class="key-figures">(.*?)</dl>', html, flags=re.DOTALL)
    assert blocks, "no key figures on the page"
    return {
        text_of(label): text_of(values)
        for block in blocks
        for label, values in re.findall(r"<dt>(.*?)</dt>(.*?)</div>", block, flags=re.DOTALL)
    }


def with_submitter(item, **details):
    """Give a queue item a named submitter with every contact detail (private: never on audit pages)."""
    for name, value in (SUBMITTER | details).items():
        setattr(item, name, value)
    db.session.commit()
    return item
