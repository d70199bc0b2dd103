"""What arrives: the CCCD number on the form and the API, which key seals, and the keys the demo makes."""

import os
import stat

from sqlalchemy import func, select

from app.extensions import db
from app.feedback import identities
from app.feedback.identity_fields import id_number_problem
from app.feedback.intake import submit_feedback
from app.feedback.models import Feedback, UnitKey
from app.feedback.sealing import read_private_key
from app.feedback.unit_keys import ensure_demo_keys

CONTACT = {"name": "Mai Văn Tưởng", "phone": "0912 345 678", "address": "Thôn Đông", "consent": "y"}


def newest():
    db.session.rollback()
    return db.session.scalar(select(Feedback).order_by(Feedback.id.desc()).limit(1))


def test_the_cccd_number_is_checked_with_vietnamese_messages():
    assert id_number_problem("001099012345") is None
    assert "12 chữ số" in id_number_problem("0010990123")
    assert "12 chữ số" in id_number_problem("00109901234a")
    assert "không phải mã tỉnh" in id_number_problem("003099012345")
    assert "sau năm nay" in id_number_problem("001399012345")  # born in 2199


def test_the_form_takes_a_cccd_for_a_complaint_and_explains_a_wrong_one(client, units):
    data = {"kind": "complaint", "unit": units[1].code, "text": "Khiếu nại quyết định thu hồi đất.", **CONTACT}

    page = client.post("/feedback/new", data={**data, "id_number": "0123"}).get_data(as_text=True)
    assert "Số CCCD gồm đúng 12 chữ số" in page
    response = client.post("/feedback/new", data={**data, "id_number": "027 190.001-234"})
    assert response.status_code == 303
    assert newest().submitter_id_number == "027190001234"


def test_a_question_keeps_no_cccd(client, units):
    data = {"kind": "question", "unit": units[1].code, "text": "Xin hỏi lịch tiếp dân.", "id_number": "027190001234"}
    assert client.post("/feedback/new", data={**data, **CONTACT}).status_code == 303
    assert newest().submitter_id_number == ""


def test_the_api_takes_and_checks_the_cccd(client, units, keys):
    body = {"kind": "denunciation", "unit": units[1].code, "text": "Tố cáo.", **CONTACT, "consent": True}

    bad = client.post("/api/v1/feedback", json={**body, "id_number": "12"})
    assert bad.status_code == 422 and "12 chữ số" in bad.get_json()["errors"]["id_number"]
    good = client.post("/api/v1/feedback", json={**body, "id_number": "027190001234"})
    assert good.status_code == 201
    item = newest()
    assert item.submitter_id_number == "" and item.sealed_identity
    assert identities.open_identity(item, keys["a"].private_key).id_number == "027190001234"
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "id_number" in spec["components"]["schemas"]["FeedbackSubmission"]["properties"]


def test_a_commune_without_a_key_seals_with_the_nearest_unit_above(units, keys):
    item = submit_feedback(kind="denunciation", unit=units[2], text="Tố cáo.", name="Lý Thị Hoa", address="Thôn Tây")
    assert item.sealed_key_fingerprint == keys["province"].row.fingerprint
    assert identities.open_identity(item, keys["province"].private_key).name == "Lý Thị Hoa"


def test_without_any_key_a_test_seals_to_a_throwaway_key_never_in_clear(app, units):
    assert app.config["SEALING_KEY_FALLBACK"] == "throwaway"
    item = submit_feedback(kind="denunciation", unit=units[1], text="Tố cáo.", name="Lý Thị Hoa", address="Thôn Tây")
    key = db.session.scalar(select(UnitKey))
    assert key.unit_id == units[0].id and item.sealed_key_fingerprint == key.fingerprint
    assert item.submitter_name == "" and item.sealed_identity


def test_the_demo_keys_are_kept_under_the_keys_folder_with_a_demo_only_readme(app, units, tmp_path):
    app.config["IDENTITY_KEYS_DIR"] = str(tmp_path / "keys")

    assert ensure_demo_keys(units) == 3
    assert ensure_demo_keys(units) == 0  # idempotent

    folder = tmp_path / "keys"
    assert "Demo only, never in production" in (folder / "README.txt").read_text(encoding="utf-8")
    for unit in units:
        path = folder / f"{unit.code}.key"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        read_private_key(path.read_bytes())
    assert db.session.scalar(select(func.count()).select_from(UnitKey)) == 3
