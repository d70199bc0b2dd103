"""Sealed boxes for a denouncer's identity and photos: X25519 key pairs, the key file for the safe, seal and open.

Pure cryptography (PyNaCl), no database: app.feedback.unit_keys registers the public halves and
app.feedback.identities seals items with them. A sealed box can be opened only with the private key;
the server, which holds the public key alone, cannot read what it sealed.
"""

import base64
import binascii
import hashlib
import json
import re
from dataclasses import asdict, dataclass

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

KEY_PREFIX = "CONGKHAI-SECRET-KEY-1:"
# The key line in a key file, a pasted key or a scanned QR code: the prefix is optional when pasting.
_KEY_LINE = re.compile(r"(?:CONGKHAI-SECRET-KEY-1:)?\s*([A-Za-z0-9+/]{43}=)")
MAX_KEY_FILE_BYTES = 4096
# The sealed text is padded to a multiple of this, so its length tells little about the name or address.
PADDING = 128


class KeyUnreadable(ValueError):
    """The text given is not a private key in our format."""


class WrongKey(ValueError):
    """The private key does not open this sealed box (another unit's key, or an older one)."""


@dataclass(frozen=True)
class Identity:
    """Who sent an item: what a denunciation seals, and what the handler reads once it is opened."""

    name: str = ""
    address: str = ""
    phone: str = ""  # E.164
    email: str = ""
    id_number: str = ""  # CCCD, 12 digits

    @property
    def is_empty(self):
        return not any(asdict(self).values())

    def to_bytes(self):
        text = json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))
        data = text.encode("utf-8")
        return data + b" " * (-len(data) % PADDING)  # JSON ignores the trailing spaces

    @classmethod
    def from_bytes(cls, data):
        values = json.loads(data.decode("utf-8"))
        return cls(**{name: str(values.get(name) or "") for name in cls.__dataclass_fields__})


def fingerprint(public_key_b64):
    """The SHA-256 (hex) of a public key: what an item records to say which key opens it."""
    return hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()


def short_fingerprint(value):
    """The first 16 hex digits of a fingerprint in groups of four, for people to compare."""
    value = (value or "")[:16]
    return " ".join(value[index : index + 4] for index in range(0, len(value), 4))


def new_key_pair():
    """Return (private key, public key as base64)."""
    private_key = PrivateKey.generate()
    return private_key, base64.b64encode(bytes(private_key.public_key)).decode("ascii")


def public_key_of(private_key):
    return base64.b64encode(bytes(private_key.public_key)).decode("ascii")


def key_line(private_key):
    """The one line that holds a private key: in the key file and in its QR code."""
    return KEY_PREFIX + base64.b64encode(bytes(private_key)).decode("ascii")


def key_file_text(private_key, unit_code, unit_name, created):
    """The key file: what it is for and whose it is, then the key line."""
    return (
        "# Công khai: khóa bí mật mở danh tính người tố cáo (X25519)\n"
        f"# Đơn vị: {unit_name} ({unit_code})\n"
        f"# Dấu vân tay khóa công khai: {short_fingerprint(fingerprint(public_key_of(private_key)))}\n"
        f"# Tạo lúc: {created}\n"
        "# Cất giữ ngoại tuyến (két sắt, USB riêng). Máy chủ không giữ bản nào; mất khóa là không mở được.\n"
        f"{key_line(private_key)}\n"
    )


def read_private_key(data):
    """Read a private key from a key file's bytes, a pasted key or a scanned QR code's text."""
    if isinstance(data, bytes):
        if len(data) > MAX_KEY_FILE_BYTES:
            raise KeyUnreadable("too long")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise KeyUnreadable("not text") from error
    match = _KEY_LINE.search(data or "")
    if match is None:
        raise KeyUnreadable("no key line")
    try:
        raw = base64.b64decode(match.group(1), validate=True)
    except (binascii.Error, ValueError) as error:
        raise KeyUnreadable("not base64") from error
    if len(raw) != 32:
        raise KeyUnreadable("not 32 bytes")
    return PrivateKey(raw)


def seal(identity, public_key_b64):
    """Seal an Identity to a public key: base64 text only the private key's holder can open."""
    box = SealedBox(PublicKey(base64.b64decode(public_key_b64)))
    return base64.b64encode(box.encrypt(identity.to_bytes())).decode("ascii")


def open_sealed(token, private_key):
    """Open what `seal` made; raise WrongKey if this key does not open it."""
    try:
        data = SealedBox(private_key).decrypt(base64.b64decode(token))
    except (CryptoError, binascii.Error, ValueError) as error:
        raise WrongKey("the key does not open this box") from error
    return Identity.from_bytes(data)


def seal_bytes(data, public_key_b64):
    """Seal raw bytes (a photo) to a public key: the sealed box itself, as written to disk."""
    return SealedBox(PublicKey(base64.b64decode(public_key_b64))).encrypt(data)


def open_sealed_bytes(box, private_key):
    """Open what `seal_bytes` made; raise WrongKey if this key does not open it."""
    try:
        return SealedBox(private_key).decrypt(box)
    except (CryptoError, ValueError) as error:
        raise WrongKey("the key does not open this box") from error
