"""Photos: checked by content, size-limited, re-encoded without EXIF/GPS, never the reason a submission is lost."""

import io
import random
from pathlib import Path

import pytest
from PIL import Image

from app.feedback.photos import MAX_SIDE, photo_path
from tests.feedback.intake.conftest import (
    counts,
    csrf_token,
    form_data,
    gps_photo_bytes,
    newest_item,
    photo_bytes,
    stored_files,
    upload,
)


def _post(client, units, photos, **overrides):
    return client.post(
        "/feedback/new",
        data=form_data(units, photos=photos, **overrides),
        content_type="multipart/form-data",
    )


def test_photos_are_stored_re_encoded_under_random_names(client, app, units):
    response = _post(
        client,
        units,
        [
            upload(photo_bytes("JPEG"), "IMG_2041.jpg"),
            upload(photo_bytes("PNG"), "so-do.png"),
            upload(photo_bytes("WEBP"), "x.webp"),
        ],
    )
    assert response.status_code == 303
    item = newest_item()
    assert [photo.media_type for photo in item.photos] == ["image/jpeg", "image/png", "image/webp"]
    names = stored_files(app)
    assert len(names) == 3 and not any("IMG_2041" in name or "so-do" in name for name in names)
    for photo in item.photos:
        data = photo_path(photo.stored_name).read_bytes()
        assert photo.size == len(data)
        Image.open(io.BytesIO(data)).verify()


def test_a_photo_with_gps_comes_back_without_any_exif(client, app, units):
    original = gps_photo_bytes()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test photo does carry GPS
    assert _post(client, units, [upload(original, "vi-tri.jpg")]).status_code == 303
    stored = photo_path(newest_item().photos[0].stored_name).read_bytes()
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif()
    assert not image.getexif().get_ifd(0x8825)
    assert "exif" not in image.info and "icc_profile" not in image.info and "xmp" not in image.info
    assert b"Exif" not in stored and b"PhoneMaker" not in stored and b"Nguyen Thi" not in stored
    assert image.size == (300, 400)  # turned upright as the EXIF orientation said, then forgotten


def test_large_photos_are_scaled_down_to_the_longest_side_limit(client, app, units):
    assert _post(client, units, [upload(photo_bytes("JPEG", size=(4000, 3000)), "lon.jpg")]).status_code == 303
    image = Image.open(photo_path(newest_item().photos[0].stored_name))
    assert max(image.size) == MAX_SIDE and image.size == (2048, 1536)


def _pdf_bytes():
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize(
    ("make_photos", "message"),
    [
        (lambda: [upload(_pdf_bytes(), "anh-hien-truong.jpg")], "không phải ảnh JPG, PNG hoặc WebP"),
        (lambda: [upload(b"\xff\xd8\xff\xe0" + b"\x00" * 200, "hong.jpg")], "bị hỏng hoặc không đọc được"),
        (lambda: [upload(b"", "rong.jpg")], "rỗng"),
        (lambda: [upload(photo_bytes(), f"{number}.jpg") for number in range(4)], "tối đa 3 ảnh"),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_stored(client, app, units, make_photos, message):
    before = counts(app)
    response = _post(client, units, make_photos())
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert "hãy chọn lại ảnh" in page
    assert counts(app) == before


def test_one_bad_photo_among_good_ones_stores_nothing(client, app, units):
    before = counts(app)
    page = _post(client, units, [upload(photo_bytes(), "tot.jpg"), upload(_pdf_bytes(), "gia.jpg")]).get_data(
        as_text=True
    )
    assert "Tệp “gia.jpg” không phải ảnh" in page
    assert counts(app) == before


def test_a_photo_over_max_photo_bytes_is_refused(client, app, units):
    app.config["MAX_PHOTO_BYTES"] = 20_000
    noise = random.Random(7).randbytes(300 * 300 * 3)  # noise does not compress
    noisy = Image.frombytes("RGB", (300, 300), noise)
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    big = buffer.getvalue()
    assert len(big) > 20_000
    before = counts(app)
    page = _post(client, units, [upload(big, "to.png")]).get_data(as_text=True)
    assert "Ảnh “to.png” quá lớn; mỗi ảnh tối đa 20 KB." in page
    assert counts(app) == before


def test_an_upload_larger_than_the_whole_form_allows_gets_a_clear_413(csrf_app, client, units):
    csrf_app.config["MAX_PHOTO_BYTES"] = 10_000  # the form then takes at most 3 × 10 KB + 1 MB
    before = counts(csrf_app)
    response = _post(client, units, [upload(b"\xff\xd8\xff" + b"\x00" * (2 * 1024 * 1024), "50mb.jpg")])
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Nội dung gửi lên quá lớn" in page and "mỗi ảnh 10 KB" in page
    assert counts(csrf_app) == before


def test_a_photo_that_cannot_be_written_does_not_lose_the_submission(client, app, units, tmp_path):
    # NOTICES_DIR is a file, so the photo folder cannot be created inside it (root or not).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app.config["NOTICES_DIR"] = str(blocker)
    response = _post(client, units, [upload(photo_bytes(), "a.jpg")], text="Cống thoát nước bị tắc ở thôn Trại")
    assert response.status_code == 303
    item = newest_item()
    assert item is not None and item.text == "Cống thoát nước bị tắc ở thôn Trại"
    assert item.photos == []
    receipt = client.get(response.location).get_data(as_text=True)
    assert "1 ảnh chưa lưu được" in receipt
    assert item.tracking_code.split("-")[1] in receipt
    assert not Path(blocker).is_dir()


def test_three_photos_at_their_limit_fit_even_above_max_content_length(csrf_app, client, units):
    # The form's own limit (3 photos + 1 MB) applies before CSRFProtect reads the form.
    csrf_app.config.update(MAX_CONTENT_LENGTH=1024 * 1024, MAX_PHOTO_BYTES=1024 * 1024)
    noise = random.Random(3).randbytes(700 * 700 * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (700, 700), noise).save(buffer, "JPEG", quality=95)
    photo = buffer.getvalue()
    assert 3 * len(photo) > 1024 * 1024 >= len(photo)
    page = client.get("/feedback/new").get_data(as_text=True)
    token = csrf_token(page)
    response = _post(client, units, [upload(photo, f"{number}.jpg") for number in range(3)], csrf_token=token)
    assert response.status_code == 303
    assert len(newest_item().photos) == 3
