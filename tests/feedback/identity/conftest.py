"""Fixtures for sealed identities: a province with two communes, their keys (private halves in files), staff.

And photos to seal: noise no other image shares, what the site stores of it once cleaned, and the forms
(raw, hex, base64 at every alignment) a slice of those bytes could be found in.
"""

import base64
import hashlib
import io
import random

import pytest
from PIL import Image

from app.extensions import db
from app.feedback.photos import clean_photo
from app.feedback.sealing import key_line
from app.feedback.unit_keys import register_new_key, write_private_key


@pytest.fixture(autouse=True)
def request_context(app):
    """The deadline engine names weekends through Flask-Babel, whose locale selector reads the request."""
    with app.test_request_context():
        yield


class KeyPair:
    """A registered key: its row, its private half, and the key file written for it."""

    def __init__(self, row, private_key, path):
        self.row, self.private_key, self.path = row, private_key, path

    @property
    def line(self):
        return key_line(self.private_key)

    def upload(self, name="khoa.key"):
        return io.BytesIO(self.path.read_bytes()), name


def make_key(unit, folder):
    row, private_key = register_new_key(unit)
    path = write_private_key(folder / f"{unit.code}-{row.fingerprint[:8]}.key", private_key, unit)
    db.session.commit()
    return KeyPair(row, private_key, path)


@pytest.fixture
def terminal_user(monkeypatch):
    """The person at the terminal, as the identity commands read it: LOGNAME, no sudo."""
    monkeypatch.setenv("LOGNAME", "nguyen.van.hung")
    monkeypatch.delenv("SUDO_USER", raising=False)
    return "nguyen.van.hung"


@pytest.fixture
def keys(units, tmp_path):
    """Keys of the province and of commune A (commune B has none: it seals with the province's)."""
    folder = tmp_path / "safe"
    return {"province": make_key(units[0], folder), "a": make_key(units[1], folder)}


def unseal(client, item, key=None, reason="Xác minh nội dung tố cáo", text=None):
    """POST the identity form as the item page sends it: a key file (or pasted text) and a reason."""
    data = {"reason": reason}
    if key is not None:
        data["key_file"] = key.upload()
    if text is not None:
        data["key_text"] = text
    return client.post(f"/manage/queue/{item.id}/identity", data=data, content_type="multipart/form-data")


def noise_photo(seed, fmt="JPEG", size=(240, 180)):
    """(uploaded bytes, the bytes the site keeps once cleaned) of a photo of random noise."""
    pixels = random.Random(seed).randbytes(size[0] * size[1] * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, pixels).save(buffer, fmt)
    original = buffer.getvalue()
    return original, clean_photo(original).data


def _base64_forms(data):
    """Base64 text of `data` as it would read inside a longer encoding, whatever the alignment."""
    forms = []
    for skip in range(3):
        text = base64.b64encode(data[skip:]).decode("ascii")
        forms.append(text[4 : len(text) - 4])  # the ends depend on the neighbouring bytes
    return forms


def photo_needles(clean):
    """Byte strings whose presence anywhere means the cleaned photo is stored there in clear."""
    needles = [hashlib.sha256(clean).hexdigest().encode("ascii")]
    for start in (len(clean) // 3, len(clean) // 2, 2 * len(clean) // 3):
        piece = clean[start : start + 48]
        needles.append(piece)
        needles.append(piece.hex().encode("ascii"))
        needles.extend(form.encode("ascii") for form in _base64_forms(piece))
    return needles


def holds_photo(data, clean):
    """Whether `data` (bytes or text) holds the cleaned photo in any of the forms of `photo_needles`."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return any(needle in data for needle in photo_needles(clean))
