"""flask identity keygen | rotate | unseal | keys | check | seal, and production's refusal to start without a key."""

import os
import stat

import pytest
from sqlalchemy import select, text

from app import create_app
from app.extensions import db
from app.feedback.intake import submit_feedback
from app.feedback.models import Feedback, UnitKey
from app.feedback.sealing import key_line, read_private_key
from app.ledger.models import AuditEntry
from tests.qr import read_qr_codes

CITIZEN = {
    "name": "Hà Thị Vexmor",
    "phone": "+84912000111",
    "email": "vexmor@example.vn",
    "address": "Thôn Trung",
    "id_number": "027190001234",
}


def denounce(unit, **contact):
    item = submit_feedback(
        kind="denunciation", unit=unit, text="Tố cáo cán bộ nhận hối lộ.", has_consented=True, **{**CITIZEN, **contact}
    )
    db.session.commit()
    return item


def invoke(runner, *args):
    return runner.invoke(args=["identity", *args])


def test_keygen_writes_the_private_key_once_with_a_qr_code_and_registers_only_the_public_half(
    runner, units, tmp_path, terminal_user
):
    out = tmp_path / "safe" / "xa-dai-son.key"
    out.parent.mkdir()

    result = invoke(runner, "keygen", "--unit", units[1].code, "--out", str(out))

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    private_key = read_private_key(out.read_bytes())
    assert "Xã Đại Sơn (07627)" in out.read_text(encoding="utf-8")
    qr = out.with_name(out.name + ".png")
    assert stat.S_IMODE(os.stat(qr).st_mode) == 0o600
    assert [found.text for found in read_qr_codes(qr)] == [key_line(private_key)]
    key = db.session.scalar(select(UnitKey))
    assert key.unit_id == units[1].id and key.retired_at is None
    assert key.fingerprint[:4] in result.output and str(out) in result.output
    # The server holds the public half only: the private key is in no column of any table.
    secret = key_line(private_key).split(":", 1)[1]
    for (row,) in db.session.execute(text("SELECT public_key || fingerprint FROM unit_keys")):
        assert secret not in row
    assert secret not in str(db.session.execute(text("SELECT * FROM audit_entries")).all())
    registered = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "UnitKey"))
    assert (registered.action, registered.data["by"]) == ("identity.key_registered", f"cli:{terminal_user}")

    again = invoke(runner, "keygen", "--unit", units[1].code, "--out", str(tmp_path / "other.key"))
    assert again.exit_code == 1 and "rotate" in again.output
    taken = invoke(runner, "keygen", "--unit", units[2].code, "--out", str(out))
    assert taken.exit_code == 1 and "exists" in taken.output
    assert db.session.scalar(select(UnitKey).where(UnitKey.unit_id == units[2].id)) is None
    assert invoke(runner, "keygen", "--unit", "99999").exit_code == 1


def test_rotation_seals_new_items_with_the_new_key_and_old_items_still_open_with_the_old_one(
    runner, units, tmp_path, terminal_user
):
    old_file, new_file = tmp_path / "old.key", tmp_path / "new.key"
    assert invoke(runner, "keygen", "--unit", units[1].code, "--out", str(old_file)).exit_code == 0
    before = denounce(units[1])
    rotated = invoke(runner, "rotate", "--unit", units[1].code, "--out", str(new_file))
    assert rotated.exit_code == 0, rotated.output
    assert "Retired for new items" in rotated.output
    after = denounce(units[1], name="Hà Thị Newmor")
    assert before.sealed_key_fingerprint != after.sealed_key_fingerprint

    old_opens = invoke(runner, "unseal", before.tracking_code, "--key", str(old_file), "--reason", "Hồ sơ cũ")
    assert old_opens.exit_code == 0 and "Hà Thị Vexmor" in old_opens.output
    new_opens = invoke(runner, "unseal", after.tracking_code, "--key", str(new_file), "--reason", "Hồ sơ mới")
    assert new_opens.exit_code == 0 and "Hà Thị Newmor" in new_opens.output
    refused = invoke(runner, "unseal", before.tracking_code, "--key", str(new_file), "--reason", "Thử khóa mới")
    assert refused.exit_code == 1
    assert "Khóa này không mở được danh tính" in refused.output and "nếu đơn vị đã đổi khóa" in refused.output
    assert "Hà Thị Vexmor" not in refused.output

    listing = invoke(runner, "keys").output.splitlines()
    assert len(listing) == 2 and sum("retired" in line for line in listing) == 1
    reasons = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "feedback.note").order_by(AuditEntry.id)
    ).all()
    assert [(entry.data["reason"], entry.data["by"]) for entry in reasons] == [
        ("Hồ sơ cũ", f"cli:{terminal_user}"),
        ("Hồ sơ mới", f"cli:{terminal_user}"),
    ]


def test_unseal_as_the_issue_writes_it_records_a_default_reason_and_who_is_at_the_terminal(
    runner, units, keys, terminal_user
):
    item = denounce(units[1])

    result = invoke(runner, "unseal", item.tracking_code, "--key", str(keys["a"].path))

    assert result.exit_code == 0, result.output
    assert "Hà Thị Vexmor" in result.output and "đã ghi vào nhật ký kiểm tra" in result.output
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.note"))
    assert entry.actor_id is None
    assert entry.data["reason"] == "Mở bằng dòng lệnh, không ghi lý do"
    assert entry.data["by"] == f"cli:{terminal_user}"
    help_text = " ".join(invoke(runner, "unseal", "--help").output.split())
    assert "--reason" in help_text and "Mở bằng dòng lệnh, không ghi lý do" in help_text


def test_unseal_through_sudo_names_the_person_who_ran_sudo(runner, units, keys, monkeypatch):
    item = denounce(units[1])
    monkeypatch.setenv("LOGNAME", "congkhai")  # the service account sudo switched to
    monkeypatch.setenv("SUDO_USER", "tran.thi.lan")

    result = invoke(runner, "unseal", item.tracking_code, "--key", str(keys["a"].path), "--reason", "Xác minh")

    assert result.exit_code == 0, result.output
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.note"))
    assert (entry.data["by"], entry.data["reason"]) == ("cli:tran.thi.lan", "Xác minh")


def test_unseal_explains_an_unknown_code_and_a_file_that_is_no_key(runner, units, tmp_path, keys):
    item = denounce(units[1])
    not_a_key = tmp_path / "notes.txt"
    not_a_key.write_text("mật khẩu wifi: 12345678\n", encoding="utf-8")

    unknown = invoke(runner, "unseal", "TC-0000-0000-0000", "--key", str(keys["a"].path), "--reason", "x")
    garbage = invoke(runner, "unseal", item.tracking_code, "--key", str(not_a_key), "--reason", "Kiểm tra")
    wrong_unit = invoke(runner, "unseal", item.tracking_code, "--key", str(keys["province"].path), "--reason", "x")

    assert unknown.exit_code == 1 and "Không tìm thấy hồ sơ" in unknown.output
    assert garbage.exit_code == 1 and "Không đọc được khóa bí mật" in garbage.output
    assert wrong_unit.exit_code == 1 and "Tỉnh Bắc Ninh" in wrong_unit.output and "Xã Đại Sơn" in wrong_unit.output
    assert "Traceback" not in garbage.output + wrong_unit.output
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "feedback.note")) is None


def test_check_needs_a_province_key_and_no_denunciation_in_clear(runner, units, tmp_path):
    missing = invoke(runner, "check")
    assert missing.exit_code == 1 and f"identity keygen --unit {units[0].code}" in missing.output

    assert invoke(runner, "keygen", "--unit", units[0].code, "--out", str(tmp_path / "tinh.key")).exit_code == 0
    assert invoke(runner, "check").exit_code == 0

    # A denunciation stored in clear before sealing existed (as the migration leaves it).
    item = denounce(units[1])
    db.session.execute(
        text("UPDATE feedback SET submitter_name = 'Lê Cũ', sealed_identity = NULL, sealed_key_fingerprint = NULL")
    )
    db.session.commit()
    clear = invoke(runner, "check")
    assert clear.exit_code == 1 and "1 denunciation(s) hold their identity in clear" in clear.output
    assert "Sealed the identity of 1 denunciation(s)." in invoke(runner, "seal").output
    assert invoke(runner, "check").exit_code == 0
    db.session.expire_all()
    item = db.session.get(Feedback, item.id)
    assert item.submitter_name == "" and item.sealed_identity
    opened = invoke(runner, "unseal", item.tracking_code, "--key", str(tmp_path / "tinh.key"), "--reason", "Kiểm tra")
    assert "Lê Cũ" in opened.output


def test_production_refuses_to_serve_until_the_province_has_a_key(app, units, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]

    with pytest.raises(RuntimeError, match=f"identity keygen --unit {units[0].code}"):
        create_app("testing", SQLALCHEMY_DATABASE_URI=url, REQUIRE_SEALING_KEY=True)

    runner = app.test_cli_runner()
    assert (
        runner.invoke(args=["identity", "keygen", "--unit", units[0].code, "--out", str(tmp_path / "k")]).exit_code == 0
    )
    served = create_app("testing", SQLALCHEMY_DATABASE_URI=url, REQUIRE_SEALING_KEY=True)
    assert served.config["REQUIRE_SEALING_KEY"] is True
    # A command (keygen itself, db upgrade) never needs the key to exist: only serving does.
    assert create_app("testing", SQLALCHEMY_DATABASE_URI=url).config["REQUIRE_SEALING_KEY"] is False
