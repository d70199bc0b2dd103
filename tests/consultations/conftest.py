"""Fixtures for consultations: a commune with its staff, a published notice under consultation, and the
codes the app sends, read back from the development SMS log (OUTBOX_DIR/sms.log) as a citizen reads them."""

import re
from datetime import timedelta
from pathlib import Path

import pytest

from app.clock import local_today
from app.consultations import services
from app.extensions import db
from tests.factories import make_notice, make_user

VILLAGES = ["Thôn Đông", "Thôn Đồng Đình", "Tổ dân phố Hòa Bình"]
CODE_LINE = re.compile(r"\t(\+84\d+)\t.*?(\d{6})")


@pytest.fixture
def official(units):
    return make_user("official", units[1])


@pytest.fixture
def other_official(units):
    return make_user("official", units[2])


@pytest.fixture
def inspector(units):
    return make_user("inspector", units[0])


@pytest.fixture
def admin(units):
    return make_user("admin", units[0])


def open_consultation(notice, actor, **overrides):
    """Open a consultation through the service, as the form does; commit."""
    today = local_today()
    fields = {
        "question": "Ý kiến về phương án bồi thường, hỗ trợ khi mở rộng đường liên thôn?",
        "choice_set": "agree_disagree",
        "options": [],
        "starts_on": today,
        "ends_on": today + timedelta(days=29),
        "villages": VILLAGES,
        "is_limited_to_villages": False,
        "households": 400,
    }
    fields.update(overrides)
    consultation, _created = services.save_consultation(notice, fields, actor)
    db.session.commit()
    return consultation


@pytest.fixture
def notice(units, official):
    return make_notice(units[1], official, posting_start=local_today())


@pytest.fixture
def consultation(notice, official):
    return open_consultation(notice, official)


def end_consultation(consultation, days_ago=1):
    """Move the period into the past (the clock cannot be moved: the dates are)."""
    notice = consultation.notice
    today = local_today()
    notice.posting_start = today - timedelta(days=40)
    consultation.starts_on = today - timedelta(days=30 + days_ago)
    notice.opinion_end = today - timedelta(days=days_ago)
    db.session.commit()


def sms_log(app):
    path = Path(app.config["OUTBOX_DIR"]) / "sms.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def last_code(app, e164):
    """The newest code sent to `e164`, read from the development SMS log."""
    codes = [code for number, code in CODE_LINE.findall(sms_log(app)) if number == e164]
    assert codes, f"no code was sent to {e164}"
    return codes[-1]


def give_opinion_api(client, app, consultation, phone, e164, choice="agree", **extra):
    """Ask for a code and give an opinion through the API; return the opinion's response."""
    sent = client.post(f"/api/v1/consultations/{consultation.id}/verification", json={"phone": phone})
    assert sent.status_code == 202, sent.get_json()
    body = {"phone": phone, "code": last_code(app, e164), "choice": choice, **extra}
    return client.post(f"/api/v1/consultations/{consultation.id}/opinions", json=body)


def give_opinion_page(client, app, notice, phone, e164, choice="agree", **extra):
    """The two steps of the notice page's form (no JavaScript); return step two's response."""
    data = {"choice": choice, "phone": phone, **extra}
    first = client.post(f"/notices/{notice.id}/consultation/code", data=data)
    assert first.status_code == 200, first.get_data(as_text=True)[:2000]
    return client.post(f"/notices/{notice.id}/consultation/opinion", data={**data, "code": last_code(app, e164)})
