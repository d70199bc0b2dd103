"""Giving an opinion: a valid code is needed, one opinion per phone (a later one replaces it, history kept),
nothing after the end, and the tallies equal the opinions."""

from datetime import timedelta

from sqlalchemy import func, select

from app.clock import utcnow
from app.consultations.models import Opinion, OpinionRevision, VerificationCode
from app.consultations.tallies import live_tallies
from app.extensions import db
from tests.consultations.conftest import end_consultation, give_opinion_api, give_opinion_page, last_code, sms_log

PHONE, E164 = "0912 345 678", "+84912345678"


def test_an_opinion_needs_a_valid_code(client, app, consultation):
    url = f"/api/v1/consultations/{consultation.id}/opinions"
    no_code_yet = client.post(url, json={"phone": PHONE, "code": "123456", "choice": "agree"})
    assert no_code_yet.status_code == 422
    assert "Gửi mã xác nhận" in no_code_yet.get_json()["errors"]["code"]

    assert (
        client.post(f"/api/v1/consultations/{consultation.id}/verification", json={"phone": PHONE}).status_code == 202
    )
    code = last_code(app, E164)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    refused = client.post(url, json={"phone": PHONE, "code": wrong, "choice": "agree"})
    assert refused.status_code == 422
    assert "không đúng" in refused.get_json()["errors"]["code"]
    assert db.session.scalar(select(func.count()).select_from(Opinion)) == 0

    accepted = client.post(url, json={"phone": PHONE, "code": code, "choice": "agree"})
    assert accepted.status_code == 201
    # A code is spent once.
    again = client.post(url, json={"phone": PHONE, "code": code, "choice": "disagree"})
    assert again.status_code == 422
    assert live_tallies(consultation).by_choice == {"agree": 1}


def test_only_a_hash_of_the_code_and_of_the_phone_is_stored(client, app, consultation):
    client.post(f"/api/v1/consultations/{consultation.id}/verification", json={"phone": PHONE})
    code = last_code(app, E164)
    row = db.session.scalar(select(VerificationCode))
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert "912345678" not in row.phone_hash
    give = client.post(
        f"/api/v1/consultations/{consultation.id}/opinions", json={"phone": PHONE, "code": code, "choice": "agree"}
    )
    assert give.status_code == 201
    opinion = db.session.scalar(select(Opinion))
    assert "912345678" not in (opinion.phone_hash + (opinion.phone_sealed or ""))


def test_the_code_is_six_digits_sent_by_sms_and_expires_after_ten_minutes(client, app, consultation):
    client.post(f"/api/v1/consultations/{consultation.id}/verification", json={"phone": PHONE})
    line = [line for line in sms_log(app).splitlines() if E164 in line][-1]
    assert "10 phut" in line  # folded to unaccented GSM-7 by the SMS channel
    code = last_code(app, E164)
    assert len(code) == 6 and code.isdigit()
    row = db.session.scalar(select(VerificationCode))
    assert timedelta(minutes=9, seconds=59) < row.expires_at - row.created_at <= timedelta(minutes=10)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    expired = client.post(
        f"/api/v1/consultations/{consultation.id}/opinions", json={"phone": PHONE, "code": code, "choice": "agree"}
    )
    assert expired.status_code == 422
    assert "hết hạn" in expired.get_json()["errors"]["code"]


def test_five_wrong_tries_spend_the_code(client, app, consultation):
    client.post(f"/api/v1/consultations/{consultation.id}/verification", json={"phone": PHONE})
    code = last_code(app, E164)
    wrong = f"{(int(code) + 7) % 1_000_000:06d}"
    url = f"/api/v1/consultations/{consultation.id}/opinions"
    for _ in range(5):
        client.post(url, json={"phone": PHONE, "code": wrong, "choice": "agree"})
    right_too_late = client.post(url, json={"phone": PHONE, "code": code, "choice": "agree"})
    assert right_too_late.status_code == 422
    assert "quá nhiều lần" in right_too_late.get_json()["errors"]["code"]


def test_any_live_code_of_the_phone_confirms_it_and_another_phones_code_never_does(client, app, consultation):
    verification = f"/api/v1/consultations/{consultation.id}/verification"
    url = f"/api/v1/consultations/{consultation.id}/opinions"
    client.post(verification, json={"phone": PHONE})
    first = last_code(app, E164)
    client.post(verification, json={"phone": PHONE})  # the SMS was slow: the citizen asked again
    client.post(verification, json={"phone": "0987 654 321"})
    neighbours = last_code(app, "+84987654321")

    if neighbours != first:  # one chance in a million that they are the same six digits
        borrowed = client.post(url, json={"phone": PHONE, "code": neighbours, "choice": "agree"})
        assert borrowed.status_code == 422 and "không đúng" in borrowed.get_json()["errors"]["code"]
    assert client.post(url, json={"phone": PHONE, "code": first, "choice": "agree"}).status_code == 201
    spent = db.session.scalars(select(VerificationCode).order_by(VerificationCode.id)).all()
    assert [row.used_at is not None for row in spent] == [True, False, False]  # only the code typed


def test_a_second_opinion_from_the_same_phone_replaces_the_first_and_the_history_is_kept(client, app, consultation):
    first = give_opinion_api(client, app, consultation, PHONE, E164, "agree", comment="Đồng ý với phương án.")
    assert first.status_code == 201
    second = give_opinion_api(client, app, consultation, "+84 912 345 678", E164, "disagree", village="thon dong")
    assert second.status_code == 200
    assert second.get_json()["replaced"] is True
    opinions = db.session.scalars(select(Opinion)).all()
    assert len(opinions) == 1
    assert (opinions[0].choice, opinions[0].village, opinions[0].revisions) == ("disagree", "Thôn Đông", 2)
    history = db.session.scalars(select(OpinionRevision).order_by(OpinionRevision.id)).all()
    assert [(row.choice, row.comment) for row in history] == [("agree", "Đồng ý với phương án."), ("disagree", "")]
    assert live_tallies(consultation).by_choice == {"disagree": 1}


def test_an_opinion_after_the_end_is_refused_with_a_clear_message(client, app, consultation):
    client.post(f"/api/v1/consultations/{consultation.id}/verification", json={"phone": PHONE})
    code = last_code(app, E164)
    end_consultation(consultation)
    late = client.post(
        f"/api/v1/consultations/{consultation.id}/opinions", json={"phone": PHONE, "code": code, "choice": "agree"}
    )
    assert late.status_code == 409
    assert late.get_json()["message"] == "Đợt lấy ý kiến đã kết thúc; ý kiến gửi sau thời hạn không được tính."
    no_code = client.post(f"/api/v1/consultations/{consultation.id}/verification", json={"phone": PHONE})
    assert no_code.status_code == 409
    page = client.post(f"/notices/{consultation.notice_id}/consultation/code", data={"choice": "agree", "phone": PHONE})
    assert page.status_code == 409
    assert "Đợt lấy ý kiến đã kết thúc" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Opinion)) == 0


def test_tallies_equal_the_opinions_by_choice_and_village(client, app, consultation):
    given = [
        ("0912000001", "agree", "Thôn Đông"),
        ("0912000002", "agree", "Thôn Đông"),
        ("0912000003", "disagree", "Thôn Đồng Đình"),
        ("0912000004", "other", ""),
        ("0912000005", "agree", "Tổ dân phố Hòa Bình"),
    ]
    for phone, choice, village in given:
        e164 = "+84" + phone[1:]
        assert give_opinion_api(client, app, consultation, phone, e164, choice, village=village).status_code == 201
    # One phone changes its mind: still five opinions.
    assert give_opinion_api(client, app, consultation, "0912000004", "+84912000004", "agree").status_code == 200
    tallies = live_tallies(consultation)
    assert tallies.total == 5 == db.session.scalar(select(func.count()).select_from(Opinion))
    assert tallies.by_choice == {"agree": 4, "disagree": 1}
    assert tallies.by_village == {
        "Thôn Đông": {"agree": 2},
        "Thôn Đồng Đình": {"disagree": 1},
        "Tổ dân phố Hòa Bình": {"agree": 1},
        "": {"agree": 1},
    }
    page = client.get(f"/notices/{consultation.notice_id}").get_data(as_text=True)
    assert "Tổng số: 5 ý kiến" in page
    api = client.get(f"/api/v1/notices/{consultation.notice_id}/consultation").get_json()
    assert api["total"] == 5
    assert [(choice["key"], choice["count"]) for choice in api["choices"]] == [
        ("agree", 4),
        ("disagree", 1),
        ("other", 0),
    ]
    unknown = next(row for row in api["by_village"] if row["village"] is None)
    assert (unknown["label"], unknown["total"]) == ("Không rõ", 1)


def test_the_page_takes_an_opinion_in_two_steps_without_javascript(client, app, notice, consultation):
    response = give_opinion_page(
        client, app, notice, "0987 654 321", "+84987654321", "disagree", village="Thôn Đông", name="Trần Thị Bích"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/notices/{notice.id}#lay-y-kien")
    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "Cảm ơn bạn đã góp ý" in page
    assert live_tallies(consultation).by_choice == {"disagree": 1}


def test_a_limited_consultation_needs_a_village_of_its_list(client, app, notice, official):
    from tests.consultations.conftest import open_consultation

    consultation = open_consultation(notice, official, is_limited_to_villages=True, villages=["Thôn Đông"])
    sent = client.post(f"/notices/{notice.id}/consultation/code", data={"choice": "agree", "phone": PHONE})
    assert sent.status_code == 422
    assert "Vui lòng chọn thôn, tổ dân phố" in sent.get_data(as_text=True)
    client.post(f"/api/v1/consultations/{consultation.id}/verification", json={"phone": PHONE})
    body = {"phone": PHONE, "code": last_code(app, E164), "choice": "agree", "village": "Thôn Tây"}
    stranger = client.post(f"/api/v1/consultations/{consultation.id}/opinions", json=body)
    assert stranger.status_code == 422
    assert "village" in stranger.get_json()["errors"]


def test_codes_are_limited_per_phone_and_per_address(client, app, consultation):
    url = f"/api/v1/consultations/{consultation.id}/verification"
    answers = [client.post(url, json={"phone": PHONE}).status_code for _ in range(6)]
    assert answers == [202] * 5 + [429]
    app.config.update(RATELIMIT_ENABLED=True, CONSULTATION_CODES_PER_ADDRESS=3)
    others = [client.post(url, json={"phone": f"091200{number:04d}"}).status_code for number in range(3)]
    assert others == [429, 429, 429]  # the five codes above came from this address too
