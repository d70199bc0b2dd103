"""Community decisions: recorded with their minutes, adopted above the rule's share of all the village's
households, shown on the notice page with the minutes to download."""

from io import BytesIO

from sqlalchemy import select

from app.clock import local_today
from app.consultations.decisions import adopted_option
from app.consultations.models import CommunityDecision
from app.consultations.rules import ADOPTION_PERCENT, set_rule
from app.extensions import db
from app.ledger.models import AuditEntry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(agree, disagree, total=120, taking_part=100, minutes=PDF, name="bien-ban-hop-thon.pdf"):
    return {
        "village": "Thôn Đông",
        "matter": "Mức đóng góp làm đường bê tông nội thôn: 500.000 đồng/hộ",
        "decided_on": local_today().strftime("%d/%m/%Y"),
        "method": "meeting",
        "households_total": str(total),
        "households_participating": str(taking_part),
        "votes-0-votes": str(agree),
        "votes-1-votes": str(disagree),
        "votes-2-votes": "0",
        "minutes": (BytesIO(minutes), name),
    }


def test_more_than_half_of_the_households_adopts(client, auth, notice, official):
    auth.login(official.username)
    url = f"/manage/notices/{notice.id}/decisions/new"
    response = client.post(url, data=_form(agree=61, disagree=30), content_type="multipart/form-data")
    assert response.status_code == 302
    decision = db.session.scalar(select(CommunityDecision))
    assert (decision.is_adopted, decision.adopted_option, decision.threshold_percent) == (True, "agree", 50)
    assert decision.minutes_sha256 and decision.minutes_media_type == "application/pdf"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "community_decision.recorded"))
    assert entry.data["votes"] == {"agree": 61, "disagree": 30, "other": 0}

    page = client.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert "Được thông qua: Đồng ý" in page and "100/120 hộ tham gia" in page
    minutes = client.get(f"/notices/{notice.id}/decisions/{decision.id}/minutes")
    assert minutes.status_code == 200 and minutes.data == PDF
    api = client.get(f"/api/v1/notices/{notice.id}").get_json()
    assert api["community_decisions"][0]["is_adopted"] is True


def test_half_of_the_households_is_not_enough_even_if_most_of_those_present_agree(client, auth, notice, official):
    auth.login(official.username)
    client.post(
        f"/manage/notices/{notice.id}/decisions/new",
        data=_form(agree=60, disagree=10),
        content_type="multipart/form-data",
    )
    decision = db.session.scalar(select(CommunityDecision))
    assert decision.is_adopted is False and decision.adopted_option is None
    assert "Chưa được thông qua" in client.get(f"/notices/{notice.id}").get_data(as_text=True)


def test_the_threshold_is_a_rule_the_administrator_changes(app, admin):
    options = [{"key": "agree", "votes": 70}, {"key": "disagree", "votes": 10}]
    assert adopted_option(options, 120, 50) == "agree"
    set_rule(ADOPTION_PERCENT, 60, admin)
    db.session.commit()
    assert adopted_option(options, 120, 60) is None
    assert adopted_option([{"key": "disagree", "votes": 120}], 120, 50) is None  # refusing is never "adopted"


def test_the_minutes_are_checked_like_a_notice_attachment(client, auth, notice, official):
    auth.login(official.username)
    response = client.post(
        f"/manage/notices/{notice.id}/decisions/new",
        data=_form(61, 30, minutes=b"MZ\x90\x00 not a document", name="bien-ban.pdf"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "Không nhận loại tệp này" in response.get_data(as_text=True)
    assert db.session.scalar(select(CommunityDecision)) is None


def test_votes_cannot_exceed_the_households_taking_part(client, auth, notice, official):
    auth.login(official.username)
    response = client.post(
        f"/manage/notices/{notice.id}/decisions/new",
        data=_form(80, 30, taking_part=100),
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "Tổng số phiếu không thể lớn hơn số hộ tham gia" in response.get_data(as_text=True)
    assert db.session.scalar(select(CommunityDecision)) is None
