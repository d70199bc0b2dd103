"""The handler opens a sealed denunciation in the browser: the page reads the unit's key file there, asks the
server for the sealed boxes with the reason only, and shows the name and the photo it opened itself. No
request carries the key; the showing is in the audit log; a wrong key is a Vietnamese message."""

import base64
import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.feedback import actions, identities, sealed_photos
from app.feedback.models import Feedback
from app.ledger.models import AuditEntry
from tests.factories import PASSWORD, make_units, make_user
from tests.feedback.identity.conftest import make_key, noise_photo

pytestmark = pytest.mark.browser
NAME = "Vũ Thị Ornwell"


@pytest.fixture
def sealed(live_app, tmp_path):
    """A commune with its key and the province's; a denunciation with a photo, its handler the official."""
    province, daison, other = make_units()
    keys = {"commune": make_key(daison, tmp_path / "safe"), "province": make_key(province, tmp_path / "safe")}
    for key in keys.values():
        key.fingerprint = key.row.fingerprint  # read now: the rows are gone with the session
    official = make_user("official", daison, username="canbo.daison")
    upload, photo = noise_photo(41)
    csrf = live_app.config["WTF_CSRF_ENABLED"]
    live_app.config["WTF_CSRF_ENABLED"] = False  # the citizen's form, posted by the test rather than typed
    response = live_app.test_client().post(
        "/feedback/new",
        data={
            "kind": "denunciation",
            "unit": daison.code,
            "text": "Trưởng thôn thu tiền sai quy định; ảnh chụp biên lai kèm theo.",
            "name": NAME,
            "phone": "0904 111 222",
            "address": "Xóm Đình, thôn Hạ",
            "id_number": "027192004321",
            "consent": "y",
            "photos": [(io.BytesIO(upload), "bien-lai.jpg")],
        },
        content_type="multipart/form-data",
    )
    live_app.config["WTF_CSRF_ENABLED"] = csrf
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    item = db.session.scalar(select(Feedback).order_by(Feedback.id.desc()).limit(1))
    assert item.sealed_identity and item.submitter_name == ""
    actions.acknowledge(item, official)  # the official becomes its handler
    db.session.commit()
    item_id, other_unit = item.id, other.code
    db.session.remove()  # release SQLite before the server writes
    return {"item_id": item_id, "keys": keys, "photo": photo, "other_unit": other_unit}


def _open_item(page, base_url, item_id):
    page.goto(f"{base_url}/login")
    page.get_by_label("Tên đăng nhập").fill("canbo.daison")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    page.goto(f"{base_url}/manage/queue/{item_id}")


def test_the_handler_opens_the_identity_and_photo_in_the_browser_and_the_key_never_leaves_it(
    live_server, sealed, desktop
):
    page = desktop
    _open_item(page, live_server, sealed["item_id"])
    sent = []  # every request from here on, with its body
    page.on("request", lambda request: sent.append((request.url, request.post_data_buffer or b"")))
    assert NAME not in page.locator("main").inner_text()

    page.locator("#key_file").set_input_files(str(sealed["keys"]["commune"].path))
    page.get_by_label("Lý do xem danh tính (ghi vào nhật ký kiểm tra)").fill("Mời người tố cáo làm việc")
    page.get_by_role("button", name="Xem danh tính người tố cáo").click()

    identity = page.locator("#nguoi-gui dl.identity")
    identity.wait_for()
    text = identity.inner_text()
    assert NAME in text and "0904 111 222" in text and "027192004321" in text and "Xóm Đình, thôn Hạ" in text
    assert page.locator("#nguoi-gui form").count() == 0
    opened = page.locator(".photo-opened img").get_attribute("src")
    assert opened.startswith("data:image/") and base64.b64decode(opened.split(",", 1)[1]) == sealed["photo"]

    # What went to the server: the reason, never the key (as a file, a line or its base64).
    key_line = sealed["keys"]["commune"].line
    secret = key_line.split(":", 1)[1].encode()
    posts = [(url, body) for url, body in sent if body]
    assert [url.rsplit("/", 2)[-2:] for url, _body in posts] == [["identity", "sealed"]]
    assert not any(secret in body or key_line.encode() in body for _url, body in sent)

    # Opened on this page only: reloaded, it is sealed again; the showing is in the audit log.
    page.reload()
    assert NAME not in page.locator("main").inner_text()
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "feedback.note").order_by(AuditEntry.id.desc())
    ).first()
    assert entry.data["reason"] == "Mời người tố cáo làm việc"
    assert entry.data["opened_in"] == "browser" and entry.data["photos"] == 1
    db.session.remove()


def test_another_units_key_is_a_vietnamese_message_and_opens_nothing(live_server, sealed, desktop):
    page = desktop
    _open_item(page, live_server, sealed["item_id"])
    page.locator("#key_file").set_input_files(str(sealed["keys"]["province"].path))
    page.get_by_label("Lý do xem danh tính (ghi vào nhật ký kiểm tra)").fill("Thử khóa")
    page.get_by_role("button", name="Xem danh tính người tố cáo").click()
    error = page.locator("#nguoi-gui [data-unseal-error]")
    error.wait_for()
    assert "Khóa này không mở được danh tính của hồ sơ" in error.inner_text()
    assert NAME not in page.locator("main").inner_text() and page.locator(".photo-opened").count() == 0

    page.locator("#key_file").set_input_files([])
    page.get_by_role("button", name="Xem danh tính người tố cáo").click()
    page.wait_for_function(
        "document.querySelector('#nguoi-gui [data-unseal-error]').textContent.includes('Hãy chọn tệp khóa')"
    )


def test_forwarding_seals_the_identity_and_photo_again_in_the_browser(live_server, sealed, desktop):
    """Commune B has no key: it seals with the province's. The page opens the boxes with commune A's key and
    seals them for the province's; the form carries the boxes, never the key."""
    page = desktop
    _open_item(page, live_server, sealed["item_id"])
    sent = []
    page.on("request", lambda request: sent.append((request.url, request.post_data_buffer or b"")))
    page.locator("#forward_internal-target_unit").select_option(sealed["other_unit"])
    page.locator("#forward_internal-reason").fill("Không thuộc thẩm quyền của xã")
    page.locator("#forward_internal-key_file").set_input_files(str(sealed["keys"]["commune"].path))
    page.get_by_role("button", name="Chuyển", exact=True).click()
    page.wait_for_url(f"{live_server}/manage/queue")
    assert "Đã chuyển ý kiến đến" in page.locator(".flash").first.inner_text()

    key_line = sealed["keys"]["commune"].line
    assert not any(key_line.split(":", 1)[1].encode() in body for _url, body in sent)
    item = db.session.get(Feedback, sealed["item_id"])
    province_key = sealed["keys"]["province"]
    assert item.unit.code == sealed["other_unit"] and item.sealed_key_fingerprint == province_key.fingerprint
    assert identities.open_identity(item, province_key.private_key).name == NAME
    [opened] = sealed_photos.open_photos(item.photos, province_key.private_key)
    assert opened.data == sealed["photo"]
    db.session.remove()
