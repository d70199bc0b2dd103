"""A denunciation's photos are sealed with its identity: on disk and in the database only as sealed boxes.

The photo route never serves one; the handler sees them opened with the identity (on the item page, or
written to a folder by `flask identity unseal --photos`), audited; forwarding seals them again for the
receiving unit; `flask identity seal` seals the photos stored in clear before. A question's photos are
kept and served as before. The whole-site grep (database files, backups, exports) is in
test_sealed_everywhere.py.
"""

import base64
import hashlib
import io
import os
import re
import stat
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from app.clock import to_local, utcnow
from app.extensions import db
from app.feedback import actions, identities, sealed_photos
from app.feedback.models import Feedback, FeedbackPhoto
from app.feedback.photos import CleanPhoto, photo_path
from app.ledger.models import AuditEntry
from app.open311.keys import create_key
from tests.feedback.identity.conftest import holds_photo, noise_photo, unseal

CITIZEN = {
    "name": "Phan Thị Wrenlow",
    "phone": "0904 777 318",
    "email": "wrenlow@example.vn",
    "address": "Thôn Gờ, xã Đại Sơn",
    "id_number": "027193005555",
}
DATA_URI = re.compile(r'<img src="data:(image/[a-z]+);base64,([A-Za-z0-9+/=]+)"')


def _denounce(client, units, uploads, kind="denunciation"):
    form = {
        "kind": kind,
        "unit": units[1].code,
        "text": "Cán bộ thu tiền sai quy định; ảnh chụp biên lai kèm theo.",
        "consent": "y",
        "notify_by": "none",
        "photos": [(io.BytesIO(data), name) for data, name in uploads],
        **CITIZEN,
    }
    response = client.post("/feedback/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    db.session.rollback()
    return db.session.scalar(select(Feedback).order_by(Feedback.id.desc()).limit(1))


def _files(app):
    """Every file under NOTICES_DIR, by path."""
    return {path: path.read_bytes() for path in Path(app.config["NOTICES_DIR"]).rglob("*") if path.is_file()}


def _cells():
    """Every value of every table, as stored (bytes) or as text."""
    connection = db.session.connection()
    for name in inspect(connection).get_table_names():
        for row in connection.execute(text(f'SELECT * FROM "{name}"')):
            for value in row:
                yield bytes(value) if isinstance(value, bytes | memoryview) else str(value)


def _opened(page):
    """The photos a page shows inline: [(media type, bytes)]."""
    return [(media_type, base64.b64decode(data)) for media_type, data in DATA_URI.findall(page)]


def _views(item):
    db.session.rollback()
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "feedback.note", AuditEntry.object_id == str(item.id))
        .order_by(AuditEntry.id)
    ).all()
    return [(entry.actor_id, entry.data.get("by"), entry.data["reason"], entry.data.get("photos")) for entry in entries]


@pytest.fixture
def photos():
    """Two photos (JPEG, PNG): [(uploaded bytes, name)] and the bytes the site keeps of each once cleaned."""
    jpeg, clean_jpeg = noise_photo(31)
    png, clean_png = noise_photo(32, fmt="PNG", size=(120, 90))
    return [(jpeg, "bien-lai.jpg"), (png, "hien-truong.png")], [clean_jpeg, clean_png]


@pytest.fixture
def denunciation(client, units, keys, official, photos):
    """A denunciation with two photos through the citizen's form, acknowledged by the official."""
    item = _denounce(client, units, photos[0])
    actions.acknowledge(item, official)
    db.session.commit()
    return item


def test_a_denunciations_photos_reach_the_disk_and_the_database_only_sealed(app, denunciation, keys, photos):
    clean = photos[1]
    rows = denunciation.photos
    assert len(rows) == 2 and {row.media_type for row in rows} == {"image/jpeg", "image/png"}
    for row, image in zip(rows, clean, strict=True):
        stored = photo_path(row.stored_name).read_bytes()
        assert row.stored_name.endswith(".sealed") and row.sealed_key_fingerprint == keys["a"].row.fingerprint
        assert (row.size, row.sha256) == (len(stored), hashlib.sha256(stored).hexdigest())  # the box's, not the image's
        assert row.sha256 != hashlib.sha256(image).hexdigest()
    files = _files(app)
    assert sorted(path.name for path in files) == sorted(row.stored_name for row in rows)  # no .part, no clear copy
    for path, data in files.items():
        assert not any(holds_photo(data, image) for image in clean), path
    for value in _cells():
        assert not any(holds_photo(value, image) for image in clean)


def test_the_photo_route_and_the_item_page_never_show_a_sealed_photo(client, login, denunciation, official, inspector):
    for user in (official, inspector):
        login(user)
        for row in denunciation.photos:
            response = client.get(f"/manage/queue/{denunciation.id}/photos/{row.id}")
            assert response.status_code == 404 and response.data[:3] != b"\xff\xd8\xff"
        page = client.get(f"/manage/queue/{denunciation.id}").get_data(as_text=True)
        assert page.count("ảnh đã niêm phong") == 2 and "/photos/" not in page and "data:image" not in page


def test_the_handler_sees_the_photos_opened_with_the_identity_in_one_audited_response(
    client, login, denunciation, official, keys, photos
):
    login(official)
    wrong = unseal(client, denunciation, keys["province"])
    assert wrong.status_code == 422 and _opened(wrong.get_data(as_text=True)) == []

    response = unseal(client, denunciation, keys["a"], reason="Đối chiếu ảnh biên lai")

    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert "Phan Thị Wrenlow" in page
    assert _opened(page) == [("image/jpeg", photos[1][0]), ("image/png", photos[1][1])]
    assert _views(denunciation) == [(official.id, None, "Đối chiếu ảnh biên lai", 2)]
    again = client.get(f"/manage/queue/{denunciation.id}").get_data(as_text=True)
    assert _opened(again) == [] and "Wrenlow" not in again


def test_the_command_writes_the_opened_photos_to_a_folder_only_when_asked(
    runner, denunciation, keys, photos, tmp_path, terminal_user
):
    code, key = denunciation.tracking_code, str(keys["a"].path)
    folder = tmp_path / "mo-anh"

    plain = runner.invoke(args=["identity", "unseal", code, "--key", key, "--reason", "Chỉ xem danh tính"])
    assert plain.exit_code == 0 and "Phan Thị Wrenlow" in plain.output and "2 ảnh niêm phong" in plain.output
    assert not folder.exists()
    opened = runner.invoke(
        args=["identity", "unseal", code, "--key", key, "--reason", "Gửi ảnh cho tổ xác minh", "--photos", str(folder)]
    )

    assert opened.exit_code == 0, opened.output
    written = sorted(folder.iterdir())
    assert [path.name for path in written] == [f"{code}-anh-1.jpg", f"{code}-anh-2.png"]
    assert [path.read_bytes() for path in written] == photos[1]
    assert all(stat.S_IMODE(os.stat(path).st_mode) == 0o600 for path in written)
    assert str(written[0]) in opened.output
    # Never over a file: a second run into the same folder writes nothing and records nothing.
    refused = runner.invoke(
        args=["identity", "unseal", code, "--key", key, "--reason", "Lần nữa", "--photos", str(folder)]
    )
    assert refused.exit_code == 1 and "Không ghi được ảnh" in refused.output
    assert _views(denunciation) == [
        (None, f"cli:{terminal_user}", "Chỉ xem danh tính", None),
        (None, f"cli:{terminal_user}", "Gửi ảnh cho tổ xác minh", 2),
    ]


def _forward(client, item, target, key):
    data = {"forward_internal-target_unit": target.code, "forward_internal-reason": "Không thuộc thẩm quyền của xã"}
    if key is not None:
        data["forward_internal-key_file"] = key.upload()
    return client.post(f"/manage/queue/{item.id}/forward", data=data, content_type="multipart/form-data")


def test_forwarding_seals_the_photos_again_for_the_receiving_unit(
    app, client, login, units, denunciation, official, official_b, keys, photos
):
    login(official)
    before = _files(app)
    assert _forward(client, denunciation, units[2], keys["province"]).status_code == 302  # a wrong key
    assert _files(app) == before  # nothing written, nothing removed

    assert _forward(client, denunciation, units[2], keys["a"]).status_code == 302

    db.session.expire_all()
    item = db.session.get(Feedback, denunciation.id)
    assert item.unit_id == units[2].id
    # Commune B has no key of its own: its photos are now sealed to the province's, in new files.
    assert {row.sealed_key_fingerprint for row in item.photos} == {keys["province"].row.fingerprint}
    after = _files(app)
    assert len(after) == 2 and not set(after) & set(before)
    for row in item.photos:
        assert hashlib.sha256(photo_path(row.stored_name).read_bytes()).hexdigest() == row.sha256
    assert [photo.data for photo in identities.open_photos(item, keys["province"].private_key)] == photos[1]
    with pytest.raises(identities.IdentityError):
        identities.open_photos(item, keys["a"].private_key)
    resealed = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "identity.resealed"))
    assert resealed.actor_id == official.id and resealed.data["photos"] == 2

    actions.acknowledge(item, official_b)
    db.session.commit()
    login(official_b)
    page = unseal(client, item, keys["province"], reason="Đơn vị mới xem ảnh").get_data(as_text=True)
    assert [data for _type, data in _opened(page)] == photos[1]


def test_seal_seals_the_photos_stored_in_clear_before_and_removes_their_files(app, runner, denunciation, keys, photos):
    # A photo stored as an image before photos were sealed (as the migration leaves it).
    clean = photos[1][0]
    columns = sealed_photos.store(CleanPhoto(clean, "image/jpeg", "jpg", 240, 180))
    db.session.add(FeedbackPhoto(feedback=denunciation, **columns))
    db.session.commit()
    clear_file = photo_path(columns["stored_name"])

    # Sealing that is rolled back keeps the clear file and leaves no sealed copy behind.
    files = set(_files(app))
    assert identities.seal_clear_denunciations() == (1, 1)
    db.session.rollback()
    assert set(_files(app)) == files

    check = runner.invoke(args=["identity", "check"])
    assert check.exit_code == 1 and "1 photo(s) of denunciations are stored in clear" in check.output
    sealed = runner.invoke(args=["identity", "seal"])
    assert "Sealed 1 photo(s) of denunciations" in sealed.output
    assert runner.invoke(args=["identity", "check"]).exit_code == 0

    assert not clear_file.exists()
    db.session.expire_all()
    row = db.session.scalar(select(FeedbackPhoto).order_by(FeedbackPhoto.id.desc()).limit(1))
    assert row.is_sealed and row.stored_name.endswith(".sealed")
    assert row.sealed_key_fingerprint == keys["a"].row.fingerprint
    for path, data in _files(app).items():
        assert not holds_photo(data, clean), path
    item = db.session.get(Feedback, denunciation.id)
    assert [photo.data for photo in identities.open_photos(item, keys["a"].private_key)] == [*photos[1], clean]


def test_a_questions_photos_are_kept_and_served_as_before(app, client, login, units, keys, official, photos):
    item = _denounce(client, units, photos[0][:1], kind="question")

    row = item.photos[0]
    assert not row.is_sealed and row.stored_name.endswith(".jpg")
    assert photo_path(row.stored_name).read_bytes() == photos[1][0]
    # What the other tests grep for finds a photo kept in clear, raw or encoded at any offset.
    for shift in range(3):
        assert holds_photo(base64.b64encode(b"x" * shift + photos[1][0]).decode(), photos[1][0])
    assert holds_photo(photos[1][0].hex(), photos[1][0])
    assert holds_photo(_files(app)[photo_path(row.stored_name)], photos[1][0])
    assert row.sha256 == hashlib.sha256(photos[1][0]).hexdigest()
    login(official)
    response = client.get(f"/manage/queue/{item.id}/photos/{row.id}")
    assert response.status_code == 200 and response.data == photos[1][0]
    page = client.get(f"/manage/queue/{item.id}").get_data(as_text=True)
    assert f'src="/manage/queue/{item.id}/photos/{row.id}"' in page and "đã niêm phong" not in page


def test_the_other_ways_in_take_no_photo(app, client, login, units, keys, official, photos):
    upload, _name = photos[0][0]
    now = to_local(utcnow())
    login(official)
    recorded = client.post(
        "/manage/queue/new",
        data={
            "channel": "walk_in",
            "kind": "denunciation",
            "unit": units[1].code,
            "text": "Người dân đến tố cáo, mang theo ảnh.",
            "consent": "y",
            "notify_by": "none",
            "received_day": now.strftime("%d/%m/%Y"),
            "received_time": now.strftime("%H:%M"),
            "photos": [(io.BytesIO(upload), "anh.jpg")],
            **CITIZEN,
        },
        content_type="multipart/form-data",
    )
    api_key = create_key("cong-dich-vu-cong")[1]
    db.session.commit()
    open311 = client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": api_key,
            "service_code": "denunciation",
            "description": "Cán bộ X nhận tiền.",
            "attribute[unit]": units[1].code,
            "first_name": "Bình",
            "last_name": "Trần Văn",
            "phone": "0987654321",
            "address": "Thôn Tây",
            "attribute[consent]": "true",
            "media": (io.BytesIO(upload), "anh.jpg"),
        },
        content_type="multipart/form-data",
    )
    api = client.post("/api/v1/feedback", json={"kind": "denunciation", "photos": [base64.b64encode(upload).decode()]})

    assert recorded.status_code == 303, recorded.get_data(as_text=True)
    assert open311.status_code == 201, open311.get_data(as_text=True)
    assert api.status_code == 422 and "API không nhận ảnh" in api.get_data(as_text=True)
    db.session.rollback()
    kinds = db.session.scalars(select(Feedback.kind).order_by(Feedback.id)).all()
    assert kinds == ["denunciation", "denunciation"]  # recorded, and from Open311: both sealed, neither with a photo
    assert db.session.scalar(select(FeedbackPhoto)) is None and _files(app) == {}
