"""The result is published after the end: its tallies are frozen, sealed in the audit chain (and checked by
`flask audit verify`), versioned, shown on the notice page and exported as CSV and XLSX."""

import io

from openpyxl import load_workbook
from sqlalchemy import select, update

from app.consultations.models import ConsultationResult, Opinion
from app.consultations.results import verify_results
from app.consultations.tallies import document_sha256
from app.extensions import db
from app.ledger.models import AuditEntry
from tests.consultations.conftest import end_consultation, give_opinion_api

SUMMARY = "Có 3 ý kiến: 2 hộ đồng ý, 1 hộ đề nghị điều chỉnh vị trí cống thoát nước."
GROUPS = {
    "groups-0-opinions": "Đề nghị điều chỉnh vị trí cống thoát nước qua thôn Đông.",
    "groups-0-answer": "Xã tiếp thu, sẽ khảo sát lại vị trí cống trước khi thi công.",
}


def _opinions(client, app, consultation):
    for phone, choice in (("0912000001", "agree"), ("0912000002", "agree"), ("0912000003", "disagree")):
        assert give_opinion_api(client, app, consultation, phone, "+84" + phone[1:], choice).status_code == 201


def _publish(client, notice_id, **extra):
    return client.post(f"/manage/notices/{notice_id}/consultation/result", data={"summary": SUMMARY, **GROUPS, **extra})


def test_the_result_cannot_be_published_before_the_end(client, app, auth, consultation, official):
    auth.login(official.username)
    response = _publish(client, consultation.notice_id)
    assert response.status_code == 302
    assert db.session.scalar(select(ConsultationResult)) is None


def test_the_published_result_is_frozen_and_appears_in_audit_verify(client, app, auth, runner, consultation, official):
    _opinions(client, app, consultation)
    end_consultation(consultation)
    auth.login(official.username)
    assert _publish(client, consultation.notice_id).status_code == 302
    result = db.session.scalar(select(ConsultationResult))
    assert result.number == 1
    assert [(choice["key"], choice["count"]) for choice in result.tallies["choices"]] == [
        ("agree", 2),
        ("disagree", 1),
        ("other", 0),
    ]
    assert result.tallies_sha256 == document_sha256(result.tallies)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "consultation.result_published"))
    assert entry.data["tallies_sha256"] == result.tallies_sha256 and entry.object_id == str(result.id)

    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "Consultation results: 1 published version(s), tallies match the audit chain." in verified.output

    # The counts cannot change after publication: a second version keeps them, whatever the opinions now hold.
    db.session.execute(update(Opinion).values(choice="other"))
    db.session.commit()
    no_reason = _publish(client, consultation.notice_id, summary="Bổ sung câu trả lời.")
    assert no_reason.status_code == 200 and "cần nêu lý do" in no_reason.get_data(as_text=True)
    again = _publish(
        client, consultation.notice_id, summary="Bổ sung câu trả lời.", reason="Bổ sung ý kiến nhận bằng văn bản"
    )
    assert again.status_code == 302
    second = db.session.scalars(select(ConsultationResult).order_by(ConsultationResult.number)).all()[-1]
    assert (
        second.number == 2 and second.tallies == result.tallies and second.reason == "Bổ sung ý kiến nhận bằng văn bản"
    )
    assert verify_results().is_intact

    # Editing the frozen tallies in the database is caught.
    db.session.execute(
        update(ConsultationResult)
        .where(ConsultationResult.id == result.id)
        .values(tallies={**result.tallies, "total": 30})
    )
    db.session.commit()
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert f"consultation {consultation.id} result version 1" in broken.output


def test_the_result_is_shown_on_the_notice_page_and_in_the_api(client, app, auth, consultation, official):
    _opinions(client, app, consultation)
    end_consultation(consultation)
    notice_id = consultation.notice_id
    before = client.get(f"/api/v1/notices/{notice_id}/consultation").get_json()
    assert before["result"] is None and before["status"] == "closed" and before["result_due"]
    auth.login(official.username)
    _publish(client, notice_id)
    auth.logout()
    page = client.get(f"/notices/{notice_id}").get_data(as_text=True)
    assert SUMMARY in page and "Xã tiếp thu, sẽ khảo sát lại vị trí cống" in page
    api = client.get(f"/api/v1/notices/{notice_id}/consultation").get_json()
    assert api["result"]["version"] == 1
    assert api["result"]["summary"] == SUMMARY
    assert api["result"]["answers"] == [{"opinions": GROUPS["groups-0-opinions"], "answer": GROUPS["groups-0-answer"]}]
    assert api["result"]["tallies"]["total"] == 3


def test_the_result_is_exported_as_csv_and_xlsx(client, app, auth, consultation, official):
    _opinions(client, app, consultation)
    end_consultation(consultation)
    auth.login(official.username)
    _publish(client, consultation.notice_id)
    auth.logout()
    csv = client.get(f"/notices/{consultation.notice_id}/consultation/result.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert "Đồng ý,2" in text and "Không đồng ý,1" in text and SUMMARY in text
    xlsx = client.get(f"/notices/{consultation.notice_id}/consultation/result.xlsx")
    assert xlsx.status_code == 200
    rows = [row for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True)]
    assert ("Tổng số ý kiến", 3) in [row[:2] for row in rows]
    assert client.get(f"/notices/{consultation.notice_id + 1000}/consultation/result.csv").status_code == 404


def test_earlier_versions_of_the_result_stay_readable_on_the_notice_page(client, app, auth, consultation, official):
    """Versioned like a notice: version 2 is the result, version 1 is still there, under its date."""
    _opinions(client, app, consultation)
    end_consultation(consultation)
    auth.login(official.username)
    assert _publish(client, consultation.notice_id, summary="Bản tổng hợp đầu tiên.").status_code == 302
    second = _publish(client, consultation.notice_id, summary="Bản tổng hợp đã sửa.", reason="Sửa lỗi chính tả")
    assert second.status_code == 302
    auth.logout()
    page = client.get(f"/notices/{consultation.notice_id}").get_data(as_text=True)
    current, _sep, earlier = page.partition("Các phiên bản công bố trước (1)")
    assert "phiên bản 2" in current and "Bản tổng hợp đã sửa." in current and "Sửa lỗi chính tả" in current
    assert "phiên bản 1" in earlier and "Bản tổng hợp đầu tiên." in earlier
