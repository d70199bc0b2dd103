"""The notice's own forms keep its consultation's rules: the end of the opinion period is the notice's
`opinion_end`, so publishing or correcting the notice can neither cut a period below the legal minimum,
nor shorten one people have answered, nor remove its end, nor reopen one that has ended."""

from datetime import timedelta

from sqlalchemy import func, select

from app.clock import local_today
from app.consultations.models import Consultation
from app.extensions import db
from app.notices.models import Notice, NoticeVersion
from tests.consultations.conftest import end_consultation, give_opinion_api, open_consultation
from tests.factories import make_notice
from tests.manage.conftest import form_data

MINIMUM_REFUSED = "Thời gian lấy ý kiến phải ít nhất 30 ngày"


def _correct(client, notice, **fields):
    return client.post(f"/manage/notices/{notice.id}/correct", data=form_data(reason="Điều chỉnh hạn góp ý", **fields))


def _versions(notice_id):
    return db.session.scalar(
        select(func.count()).select_from(NoticeVersion).where(NoticeVersion.notice_id == notice_id)
    )


def test_a_draft_whose_opinion_period_is_below_the_minimum_is_not_published(client, units, official, login):
    """Site clearance: 30 days by law. A 5-day period stays a draft, with the reason."""
    draft = make_notice(units[1], official, publish=False, opinion_end=local_today() + timedelta(days=4))
    login(official)
    response = client.post(f"/manage/notices/{draft.id}/publish", data={"confirm": "y"}, follow_redirects=True)
    assert MINIMUM_REFUSED in response.get_data(as_text=True)
    assert db.session.get(Notice, draft.id).status == "draft"
    assert db.session.scalar(select(func.count()).select_from(Consultation)) == 0


def test_a_correction_cannot_give_a_notice_a_period_below_the_minimum(client, units, official, login):
    notice = make_notice(units[1], official)
    login(official)
    short = _correct(client, notice, opinion_end=(local_today() + timedelta(days=9)).isoformat())
    assert short.status_code == 422 and MINIMUM_REFUSED in short.get_data(as_text=True)
    assert db.session.get(Notice, notice.id).opinion_end is None and _versions(notice.id) == 1
    enough = _correct(client, notice, opinion_end=(local_today() + timedelta(days=29)).isoformat())
    assert enough.status_code == 302
    assert db.session.scalar(select(Consultation).where(Consultation.notice_id == notice.id)).status() == "open"


def test_once_people_have_answered_a_correction_only_extends_the_period(client, app, units, official, login):
    notice = make_notice(units[1], official)
    consultation = open_consultation(notice, official, ends_on=local_today() + timedelta(days=40))
    assert give_opinion_api(client, app, consultation, "0912345678", "+84912345678").status_code == 201
    login(official)
    end = local_today() + timedelta(days=40)
    shorter = _correct(client, notice, opinion_end=(end - timedelta(days=5)).isoformat())
    removed = _correct(client, notice, opinion_end="")
    assert shorter.status_code == 422 and "chỉ được gia hạn" in shorter.get_data(as_text=True)
    assert removed.status_code == 422 and "phải có hạn góp ý" in removed.get_data(as_text=True)
    assert db.session.get(Notice, notice.id).opinion_end == end
    longer = _correct(client, notice, opinion_end=(end + timedelta(days=5)).isoformat())
    assert longer.status_code == 302
    assert db.session.get(Notice, notice.id).opinion_end == end + timedelta(days=5)


def test_a_correction_cannot_reopen_an_ended_consultation(client, app, units, official, login):
    notice = make_notice(units[1], official)
    consultation = open_consultation(notice, official)
    give_opinion_api(client, app, consultation, "0912345678", "+84912345678")
    end_consultation(consultation)
    ended = db.session.get(Notice, notice.id)
    ended_on = ended.opinion_end
    as_posted = {"posting_start": ended.posting_start.isoformat(), "issued_on": ended.posting_start.isoformat()}
    login(official)
    reopened = _correct(client, notice, opinion_end=(local_today() + timedelta(days=30)).isoformat(), **as_posted)
    assert reopened.status_code == 422 and "Đợt lấy ý kiến đã kết thúc" in reopened.get_data(as_text=True)
    assert db.session.get(Notice, notice.id).opinion_end == ended_on
    assert db.session.get(Consultation, consultation.id).status() == "closed"
    # Other corrections of the notice still go through.
    retitled = _correct(client, notice, opinion_end=ended_on.isoformat(), title="Tiêu đề mới", **as_posted)
    assert retitled.status_code == 302
