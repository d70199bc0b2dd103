"""API keys: `flask apikeys` (create prints the key once, alone on its last line; list; revoke), the admin
page at /manage/admin/apikeys, and the audit entry naming the key of each Open311 post."""

import re

from sqlalchemy import select

from app.extensions import db
from app.ledger.models import AuditEntry
from app.open311.keys import find_key, key_hash
from app.open311.models import ApiKey
from tests.factories import make_user


def test_cli_create_list_revoke(runner, units):
    result = runner.invoke(args=["apikeys", "create", "tong-dai-1022", "--unit", "07627"])
    assert result.exit_code == 0, result.output
    text = result.output.strip().splitlines()[-1]
    assert re.fullmatch(r"ck311_[A-Za-z0-9_-]{40,}", text)
    key = db.session.scalar(select(ApiKey).where(ApiKey.name == "tong-dai-1022"))
    assert key.key_hash == key_hash(text) and text not in key.key_hash  # only the hash is kept
    assert key.unit.code == "07627"
    assert find_key(text) == key

    listed = runner.invoke(args=["apikeys", "list"])
    assert "tong-dai-1022" in listed.output and "07627" in listed.output and text not in listed.output
    assert runner.invoke(args=["apikeys", "create", "tong-dai-1022"]).exit_code != 0  # names are unique
    assert runner.invoke(args=["apikeys", "create", "x", "--unit", "nowhere"]).exit_code != 0

    assert runner.invoke(args=["apikeys", "revoke", "tong-dai-1022"]).exit_code == 0
    assert find_key(text) is None
    assert "revoked" in runner.invoke(args=["apikeys", "list"]).output
    assert runner.invoke(args=["apikeys", "revoke", "tong-dai-1022"]).exit_code != 0
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "ApiKey")))
    assert actions == {"apikey.created", "apikey.revoked"}


def test_post_is_audited_with_the_key_name(client, units, api_key):
    response = client.post(
        "/open311/v2/requests.json",
        data={"api_key": api_key, "service_code": "petition", "description": "Cống tắc.", "attribute[unit]": "07627"},
    )
    assert response.status_code == 201
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "open311.request_received"))
    assert entry.data["api_key"] == "cong-dich-vu-cong" and "cong-dich-vu-cong" in entry.summary
    assert db.session.scalar(select(ApiKey.last_used_at)) is not None


def test_admin_page_creates_shows_once_and_revokes(client, auth, units):
    province = units[0]
    make_user("admin", province, username="quantri1")
    make_user("official", units[1], username="canbo1")
    auth.login("canbo1")
    assert client.get("/manage/admin/apikeys").status_code == 403
    assert client.post("/manage/admin/apikeys", data={"name": "x"}).status_code == 403
    auth.logout()

    auth.login("quantri1")
    page = client.get("/manage/admin/apikeys")
    assert page.status_code == 200 and "Chưa có khóa nào" in page.text
    created = client.post("/manage/admin/apikeys", data={"name": "cong-tinh", "unit": "07615"})
    assert created.status_code == 200
    text = re.search(r'id="new-api-key">(ck311_[^<]+)<', created.text).group(1)
    assert find_key(text).unit.code == "07615"
    again = client.get("/manage/admin/apikeys")
    assert "cong-tinh" in again.text and text not in again.text  # shown once
    bad = client.post("/manage/admin/apikeys", data={"name": "cong-tinh", "unit": ""})
    assert bad.status_code == 400 and "Đã có khóa" in bad.text
    revoked = client.post("/manage/admin/apikeys/cong-tinh/revoke", follow_redirects=True)
    assert revoked.status_code == 200 and "Đã thu hồi khóa cong-tinh" in revoked.text
    assert find_key(text) is None


def test_admin_page_needs_csrf(app, client, auth, units):
    make_user("admin", units[0], username="quantri2")
    auth.login("quantri2")
    app.config["WTF_CSRF_ENABLED"] = True  # signed in as an admin; now the form's token is checked
    response = client.post("/manage/admin/apikeys", data={"name": "khong-csrf"})
    assert response.status_code == 400
    assert db.session.scalar(select(ApiKey).where(ApiKey.name == "khong-csrf")) is None
    page = client.get("/manage/admin/apikeys")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post("/manage/admin/apikeys", data={"name": "co-csrf", "csrf_token": token})
    assert response.status_code == 200 and db.session.scalar(select(ApiKey).where(ApiKey.name == "co-csrf"))


def test_administration_page_links_to_the_keys(client, auth, units):
    make_user("admin", units[0], username="quantri3")
    auth.login("quantri3")
    page = client.get("/manage/admin")
    assert page.status_code == 200 and 'href="/manage/admin/apikeys"' in page.text


def test_an_administrator_sees_and_revokes_the_keys_of_their_units_only(client, auth, runner, units):
    for name, unit in (("cong-xa-a", "07627"), ("cong-xa-b", "07615"), ("cong-tinh", "24")):
        assert runner.invoke(args=["apikeys", "create", name, "--unit", unit]).exit_code == 0
    assert runner.invoke(args=["apikeys", "create", "toan-quoc"]).exit_code == 0  # bound to no unit
    make_user("admin", units[1], username="quantri.xa")
    make_user("admin", units[0], username="quantri.tinh")

    auth.login("quantri.xa")
    page = client.get("/manage/admin/apikeys").text
    assert "cong-xa-a" in page and not any(name in page for name in ("cong-xa-b", "cong-tinh", "toan-quoc"))
    refused = client.post("/manage/admin/apikeys/cong-xa-b/revoke", follow_redirects=True)
    assert "Không có khóa tên “cong-xa-b” trong các đơn vị bạn quản trị." in refused.text
    assert db.session.scalar(select(ApiKey).where(ApiKey.name == "cong-xa-b")).is_active
    auth.logout()

    auth.login("quantri.tinh")
    page = client.get("/manage/admin/apikeys").text
    assert all(name in page for name in ("cong-xa-a", "cong-xa-b", "cong-tinh", "toan-quoc"))
