"""Fixtures for the citizen's side of the queue: units, notices, photos and row/file counters."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.feedback.models import Feedback, FeedbackPhoto
from tests.factories import make_notice, make_user

NAME = "Nguyễn Thị Bích Ngọc"
PHONE_LOCAL = "0912 345 678"
PHONE_E164 = "+84912345678"
EMAIL = "bichngoc.nguyen@example.vn"
ADDRESS = "Số 17 ngõ Hòa Bình, thôn Đồng Đình"


@pytest.fixture
def official(units):
    return make_user("official", units[1])


@pytest.fixture
def notice(units, official):
    return make_notice(units[1], official, title="Kế hoạch thu hồi đất mở rộng đường liên thôn")


def form_data(units, **overrides):
    """A valid anonymous question as the page sends it."""
    data = {"kind": "question", "unit": units[1].code, "text": "Xin hỏi bao giờ xã sửa đường liên thôn?"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def identity(**overrides):
    """Full contact details with consent."""
    data = {"name": NAME, "phone": PHONE_LOCAL, "email": EMAIL, "address": ADDRESS, "consent": "y"}
    data.update(overrides)
    return data


def stored_files(app):
    folder = Path(app.config["NOTICES_DIR"]) / "feedback"
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def counts(app):
    """Feedback rows, photo rows and photo files: what a refused submission must leave unchanged."""
    db.session.rollback()
    return (
        db.session.scalar(select(func.count()).select_from(Feedback)),
        db.session.scalar(select(func.count()).select_from(FeedbackPhoto)),
        stored_files(app),
    )


def newest_item():
    db.session.rollback()
    return db.session.scalar(select(Feedback).order_by(Feedback.id.desc()).limit(1))


def photo_bytes(fmt="JPEG", size=(640, 480), color=(30, 120, 200), **save_options):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt, **save_options)
    return buffer.getvalue()


def gps_photo_bytes():
    """A JPEG like a phone's: camera model, the owner's name and where it was taken (GPS)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x013B] = "Nguyen Thi Bich Ngoc"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° to show upright
    exif[0x8825] = {1: "N", 2: (21.0, 17.0, 30.5), 3: "E", 4: (106.0, 12.0, 4.25)}  # GPSInfo
    return photo_bytes("JPEG", size=(400, 300), exif=exif.tobytes())


def upload(data, name="anh.jpg"):
    return (io.BytesIO(data), name)


def csrf_token(page):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def error_texts(page):
    """The Vietnamese messages shown next to the fields."""
    return re.findall(r'<p class="field-error">([^<]*)</p>', page)
