"""The consultations API: the list (status, unit, pages), a notice's consultation, the verification and the
opinion endpoints with their statuses and Vietnamese messages; the same rules as the page."""

from datetime import timedelta

from app.clock import local_today
from tests.consultations.conftest import end_consultation, give_opinion_api, last_code, open_consultation
from tests.factories import make_notice


def test_the_list_filters_by_status_and_unit(client, app, units, official, other_official, consultation):
    other = open_consultation(make_notice(units[2], other_official, posting_start=local_today()), other_official)
    ended = open_consultation(make_notice(units[1], official, posting_start=local_today()), official)
    end_consultation(ended)
    give_opinion_api(client, app, consultation, "0912000001", "+84912000001", "agree")

    everything = client.get("/api/v1/consultations").get_json()
    assert everything["total"] == 3 and everything["page"] == 1
    item = next(entry for entry in everything["items"] if entry["id"] == consultation.id)
    assert item["notice"] == consultation.notice_id and item["total"] == 1
    assert item["question"] == consultation.question and item["opens_at"] and item["closes_at"]
    assert item["closes_at"].endswith("+07:00")

    open_ids = {entry["id"] for entry in client.get("/api/v1/consultations?status=open").get_json()["items"]}
    assert open_ids == {consultation.id, other.id}
    closed = client.get("/api/v1/consultations?status=closed").get_json()["items"]
    assert [entry["id"] for entry in closed] == [ended.id]
    commune_a = client.get(f"/api/v1/consultations?unit={units[1].code}").get_json()["items"]
    assert {entry["id"] for entry in commune_a} == {consultation.id, ended.id}
    province = client.get(f"/api/v1/consultations?unit={units[0].code}&per_page=2").get_json()
    assert (province["total"], province["pages"], len(province["items"])) == (3, 2, 2)

    bad = client.get("/api/v1/consultations?status=soon")
    assert bad.status_code == 400 and "status" in bad.get_json()["errors"]
    assert client.get("/api/v1/consultations?unit=99999").status_code == 400


def test_a_notice_without_consultation_answers_404_in_vietnamese(client, units, official):
    notice = make_notice(units[1], official)
    answer = client.get(f"/api/v1/notices/{notice.id}/consultation")
    assert answer.status_code == 404 and answer.get_json()["message"] == "Thông báo này không lấy ý kiến Nhân dân."
    assert client.get(f"/api/v1/notices/{notice.id}").get_json()["consultation"] is None


def test_the_consultation_inside_the_notice(client, app, consultation):
    give_opinion_api(client, app, consultation, "0912000001", "+84912000001", "other", village="Thôn Đông")
    notice = client.get(f"/api/v1/notices/{consultation.notice_id}").get_json()
    assert notice["opinion_end"] == consultation.ends_on.isoformat()  # the notice's field keeps its value
    inside = notice["consultation"]
    assert inside == client.get(f"/api/v1/notices/{consultation.notice_id}/consultation").get_json()
    assert {"question", "opens_at", "closes_at", "choices", "total", "by_village", "result"} <= set(inside)
    assert inside["choices"][2] == {"key": "other", "label": "Ý kiến khác", "count": 1}
    assert inside["result"] is None


def test_verification_and_opinion_errors(client, app, consultation):
    verification = f"/api/v1/consultations/{consultation.id}/verification"
    opinions = f"/api/v1/consultations/{consultation.id}/opinions"
    assert client.post(verification, data="phone=0912345678").status_code == 400
    not_mobile = client.post(verification, json={"phone": "024 3825 1234"})
    assert not_mobile.status_code == 422 and "phone" in not_mobile.get_json()["errors"]
    assert client.post(verification, json={"phone": ["0912345678"]}).status_code == 422
    assert client.post("/api/v1/consultations/999999/verification", json={"phone": "0912345678"}).status_code == 404

    sent = client.post(verification, json={"phone": "0912345678"})
    assert sent.status_code == 202 and sent.get_json()["expires_in"] == 600
    code = last_code(app, "+84912345678")
    unknown = client.post(opinions, json={"phone": "0912345678", "code": code, "choice": "maybe"})
    assert unknown.status_code == 422
    assert unknown.get_json()["errors"] == {
        "choice": "Phương án không hợp lệ; hãy chọn một trong các phương án được nêu."
    }
    # The typo cost nothing: the same code still gives the opinion.
    created = client.post(opinions, json={"phone": "0912345678", "code": code, "choice": "agree", "comment": "Đồng ý."})
    assert created.status_code == 201
    body = created.get_json()
    assert body["replaced"] is False and body["comment_status"] == "pending" and body["choice_label"] == "Đồng ý"
    assert (
        body["total"] == 1 == client.get(f"/api/v1/notices/{consultation.notice_id}/consultation").get_json()["total"]
    )


def test_an_upcoming_consultation_takes_no_opinion_yet(client, app, units, official):
    notice = make_notice(units[1], official, posting_start=local_today())
    later = open_consultation(
        notice, official, starts_on=local_today() + timedelta(days=3), ends_on=local_today() + timedelta(days=40)
    )
    answer = client.post(f"/api/v1/consultations/{later.id}/verification", json={"phone": "0912345678"})
    assert answer.status_code == 409 and "Chưa đến thời gian lấy ý kiến" in answer.get_json()["message"]
