"""Names and phones of those who gave an opinion appear on no public page, feed, export or API answer."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.consultations.models import Opinion
from app.extensions import db
from tests.consultations.conftest import end_consultation, give_opinion_api

NAME = "Đỗ Thị Phượng"
PHONE, E164 = "0987 654 321", "+84987654321"
TRACES = (NAME, "Do Thi Phuong", "0987654321", "0987 654 321", "+84987654321", "987654321", "84987654321")


def _public_urls(notice, consultation):
    unit = notice.unit.code
    return [
        "/",
        "/notices",
        f"/notices/{notice.id}",
        f"/units/{unit}",
        "/search?q=b%E1%BB%93i+th%C6%B0%E1%BB%9Dng",
        f"/notices/{notice.id}/consultation/result.csv",
        f"/notices/{notice.id}/consultation/result.xlsx",
        "/api/v1/notices",
        f"/api/v1/notices/{notice.id}",
        f"/api/v1/notices/{notice.id}/consultation",
        "/api/v1/consultations",
        "/api/v1/consultations?status=closed",
        "/feeds/notices.atom",
        f"/feeds/units/{unit}.atom",
        "/feeds/answers.atom",
        "/sitemap.xml",
    ]


def _text(response, url):
    if url.endswith(".xlsx") and response.status_code == 200:
        sheet = load_workbook(io.BytesIO(response.data)).active
        return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)
    return response.get_data(as_text=True)


def test_names_and_phones_appear_on_no_public_page_feed_or_api(client, app, auth, consultation, official):
    comment = f"Tôi là {NAME}, số {PHONE}: đề nghị mở rộng lối đi chung của xóm."
    answer = give_opinion_api(
        client, app, consultation, PHONE, E164, "disagree", comment=comment, name=NAME, village="Thôn Đông"
    )
    assert answer.status_code == 201
    assert not any(trace in answer.get_data(as_text=True) for trace in TRACES)
    opinion = db.session.scalar(select(Opinion))
    auth.login(official.username)
    approve = f"/manage/notices/{consultation.notice_id}/consultation/comments/{opinion.id}/approve"
    client.post(
        approve, data={f"o{opinion.id}-public_comment": "Tôi là [đã ẩn], số [đã ẩn]: đề nghị mở rộng lối đi chung."}
    )
    end_consultation(consultation)
    client.post(
        f"/manage/notices/{consultation.notice_id}/consultation/result",
        data={"summary": "Một ý kiến đề nghị mở rộng lối đi chung.", "groups-0-opinions": "", "groups-0-answer": ""},
    )
    auth.logout()
    assert consultation.result is not None
    seen = 0
    for url in _public_urls(consultation.notice, consultation):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        body = _text(response, url)
        leaked = [trace for trace in TRACES if trace in body]
        assert leaked == [], f"{url} shows {leaked}"
        seen += response.status_code == 200
    assert seen >= 12
    page = client.get(f"/notices/{consultation.notice_id}").get_data(as_text=True)
    assert "đề nghị mở rộng lối đi chung" in page  # the approved text is there, its writer is not


def test_the_outbox_forgets_the_number_and_the_code_once_sent(client, app, consultation):
    from app.outbox.models import Notification

    client.post(f"/api/v1/consultations/{consultation.id}/verification", json={"phone": PHONE})
    row = db.session.scalar(select(Notification).where(Notification.template == "consultation.code"))
    assert row.status == "sent"
    assert row.recipient is None and row.private is None
    assert row.payload.get("code") is None and E164 not in str(row.payload)


def test_the_outbox_forgets_the_number_of_a_code_it_could_never_send(client, app, consultation):
    """The SMS gateway refuses and no try is left: the row is given up, and keeps neither number nor code."""
    from app.outbox.models import Notification
    from tests.outbox_servers import free_port

    app.config.update(
        SMS_BACKEND="http", SMS_GATEWAY_URL=f"http://127.0.0.1:{free_port()}/sms", DELIVERY_RETRY_MINUTES=()
    )
    client.post(f"/api/v1/consultations/{consultation.id}/verification", json={"phone": PHONE})
    row = db.session.scalar(select(Notification).where(Notification.template == "consultation.code"))
    assert row.attempts == 1 and row.next_attempt_at is None and row.last_error
    assert row.recipient is None and row.private is None
