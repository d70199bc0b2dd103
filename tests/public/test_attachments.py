"""Attachments: listed on the notice, downloaded with safe headers, only from a readable notice."""

import hashlib
from urllib.parse import quote

from app.notices.storage import attachment_path
from tests.factories import make_notice, make_user
from tests.public.conftest import PDF_BYTES, attach_pdf, section


def _url(notice, attachment):
    return f"/notices/{notice.id}/attachments/{attachment.id}"


def test_attachment_is_listed_with_name_kind_size_and_download_link(client, units, official):
    notice = make_notice(units[1], official)
    attachment = attach_pdf(notice, official)
    big = attach_pdf(notice, official, name="Bản đồ.pdf", data=PDF_BYTES + b"0" * (3 * 1024 * 1024))

    files = section(client.get(f"/notices/{notice.id}").get_data(as_text=True), "files-heading")

    assert f'<a href="{_url(notice, attachment)}">Quyết định 123.pdf</a>' in files
    assert "PDF · 1 KB" in files
    assert f'<a href="{_url(notice, big)}">Bản đồ.pdf</a>' in files
    assert "PDF · 3 MB" in files


def test_attachment_download_sends_the_file_with_safe_headers(client, units, official):
    notice = make_notice(units[1], official)
    attachment = attach_pdf(notice, official)

    response = client.get(_url(notice, attachment))

    assert response.status_code == 200
    assert response.data == PDF_BYTES
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('Quyết định 123.pdf')}" in disposition
    ascii_fallback = disposition.split("filename=")[1].split(";")[0]
    assert ascii_fallback.isascii()
    assert response.headers["ETag"] == f'"{hashlib.sha256(PDF_BYTES).hexdigest()}"'
    assert "public" in response.headers["Cache-Control"]


def test_attachment_download_answers_conditional_requests(client, units, official):
    notice = make_notice(units[1], official)
    attachment = attach_pdf(notice, official)
    etag = client.get(_url(notice, attachment)).headers["ETag"]

    again = client.get(_url(notice, attachment), headers={"If-None-Match": etag})
    part = client.get(_url(notice, attachment), headers={"Range": "bytes=0-4"})

    assert again.status_code == 304
    assert again.data == b""
    assert part.status_code == 206
    assert part.data == b"%PDF-"


def test_attachment_of_another_notice_is_404(client, units, official):
    notice = make_notice(units[1], official)
    other = make_notice(units[1], official)
    attachment = attach_pdf(other, official)

    assert client.get(f"/notices/{notice.id}/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/notices/{notice.id}/attachments/999").status_code == 404
    assert client.get(f"/notices/{notice.id}/attachments/99999999999999999999").status_code == 404


def test_draft_attachment_is_404_for_the_public_and_private_for_staff(client, auth, units, official):
    draft = make_notice(units[1], official, publish=False)
    attachment = attach_pdf(draft, official)

    assert client.get(_url(draft, attachment)).status_code == 404
    auth.login(official.username)
    response = client.get(_url(draft, attachment))

    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]


def test_draft_attachment_is_404_for_an_official_of_another_commune(client, auth, units, official):
    draft = make_notice(units[1], official, publish=False)
    attachment = attach_pdf(draft, official)
    auth.login(make_user("official", units[2]).username)

    assert client.get(_url(draft, attachment)).status_code == 404


def test_attachment_missing_on_disk_is_a_404_page_not_a_500(client, units, official):
    notice = make_notice(units[1], official)
    attachment = attach_pdf(notice, official)
    attachment_path(attachment.stored_name).unlink()

    response = client.get(_url(notice, attachment))

    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)
