"""The citizen answers a request for information from the tracking page; the handler is told."""

from sqlalchemy import select

from app.extensions import db
from app.feedback import actions
from app.feedback.models import FeedbackEvent
from app.outbox.delivery import deliver_due
from tests.feedback.intake.conftest import form_data, newest_item
from tests.feedback.notify.conftest import OFFICIAL_EMAIL, plain


def _waiting_item(client, units, official):
    client.post("/feedback/new", data=form_data(units, kind="petition"))
    item = newest_item()
    actions.request_information(item, official, "Vui lòng cho biết vị trí cột đèn hỏng.")
    db.session.commit()
    deliver_due()
    return item


def test_the_reply_reaches_the_queue_and_the_handler(client, units, official, mail):
    item = _waiting_item(client, units, official)
    page = client.get(f"/track/{item.tracking_code}").get_data(as_text=True)
    assert "Bổ sung thông tin" in page and "vị trí cột đèn hỏng" in page
    mail.clear()

    response = client.post(f"/track/{item.tracking_code}/information", data={"text": "Cột số 12 cạnh nhà văn hóa."})
    assert response.status_code == 303
    db.session.refresh(item)
    assert item.status == "accepted" and item.paused_at is None
    note = db.session.scalar(select(FeedbackEvent).where(FeedbackEvent.action == "note"))
    assert note.body == "Cột số 12 cạnh nhà văn hóa." and not note.is_public
    [told] = mail.wait_for(1)
    assert mail.to(OFFICIAL_EMAIL) == [told] and "đã bổ sung thông tin" in plain(told)
    assert "Cột số 12" not in told.as_string()  # the officials read it in the queue, not in a mail
    page = client.get(f"/track/{item.tracking_code}").get_data(as_text=True)
    assert "Đã nhận thông tin bổ sung" in page and "(Người gửi)" in page and 'name="text"' not in page


def test_an_empty_reply_says_what_to_fix_and_a_reply_when_none_was_asked_is_refused(client, units, official, mail):
    item = _waiting_item(client, units, official)
    response = client.post(f"/track/{item.tracking_code}/information", data={"text": "  "})
    assert response.status_code == 422 and "Vui lòng viết thông tin xã đề nghị bổ sung." in response.get_data(
        as_text=True
    )
    client.post(f"/track/{item.tracking_code}/information", data={"text": "Cột số 12."})
    again = client.post(f"/track/{item.tracking_code}/information", data={"text": "Thêm nữa."}, follow_redirects=True)
    assert "Xã không đề nghị bổ sung thông tin" in again.get_data(as_text=True)
    assert client.post("/track/KHONG-CO-MA/information", data={"text": "x"}).status_code == 404
